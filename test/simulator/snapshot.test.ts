import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseScenario } from "../../src/simulator/scenario.ts";
import { startSimulator, type RunningSimulator } from "../../src/simulator/server.ts";
import { run } from "./mediaClients.ts";
import { TestDevice, pick } from "./soapClient.ts";

/** GetSnapshotUri's address, fetched the way a monitor would: curl with HTTP Digest. */
const dir = mkdtempSync(join(tmpdir(), "nw-snapshot-"));
let sim: RunningSimulator;
let base: string;

beforeAll(async () => {
  sim = await startSimulator(
    parseScenario(
      {
        devices: [
          {
            id: "nvr",
            auth: "wsse", // SOAP by WS-UsernameToken only: snapshots still take HTTP Digest
            digestAlgorithms: ["MD5"],
            channels: {
              count: 5,
              overrides: {
                2: { picture: "black" },
                3: { picture: "frozen" },
                4: { stream: "refused" },
                5: { online: false },
              },
            },
          },
        ],
      },
      "snapshot.test",
    ),
    { videoCacheDir: join(dir, "cache") },
  );
  base = `http://127.0.0.1:${sim.devices[0]!.port}`;
});

afterAll(async () => {
  await sim.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function curl(
  url: string,
  password = "admin123",
): Promise<{ status: number; body: Buffer; type: string }> {
  const r = await run("curl", [
    "-s",
    "--digest",
    "-u",
    `admin:${password}`,
    "-w",
    "\n%{http_code} %{content_type}",
    url,
  ]);
  const text = r.stdout;
  const cut = text.lastIndexOf(0x0a);
  const [status, type] = text
    .subarray(cut + 1)
    .toString()
    .split(" ");
  return { status: Number(status), body: text.subarray(0, cut), type: type ?? "" };
}

describe("snapshots", () => {
  it("GetSnapshotUri's URI gives a JPEG (magic bytes, ffprobe: mjpeg 640x360) to curl --digest", async () => {
    const soap = new TestDevice(base, "admin", "admin123");
    await soap.syncClock();
    const r = await soap.call(
      "/onvif/media",
      "<trt:GetSnapshotUri><trt:ProfileToken>ProfileToken_1</trt:ProfileToken></trt:GetSnapshotUri>",
    );
    const uri = pick(r.body, "Uri") ?? "";
    expect(uri).toBe(`${base}/onvif/snapshot/101`);
    const got = await curl(uri);
    expect(got.status).toBe(200);
    expect(got.type).toBe("image/jpeg");
    expect([...got.body.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
    const file = join(dir, "snap.jpg");
    writeFileSync(file, got.body);
    const probe = await run("ffprobe", [
      "-v",
      "error",
      "-show_entries",
      "stream=codec_name,width,height",
      "-of",
      "csv=p=0",
      file,
    ]);
    expect(probe.stdout.toString().trim()).toBe("mjpeg,640,360");
  });

  it("shows the channel's picture: a black one is black, a frozen one never changes", async () => {
    const black = await curl(`${base}/onvif/snapshot/201`);
    const file = join(dir, "black.jpg");
    writeFileSync(file, black.body);
    const stats = await run("ffmpeg", [
      "-v",
      "info",
      "-i",
      file,
      "-vf",
      "signalstats,metadata=print",
      "-f",
      "null",
      "-",
    ]);
    const yavg = Number(/lavfi\.signalstats\.YAVG=([\d.]+)/.exec(stats.stderr)?.[1]);
    expect(yavg).toBeLessThan(25); // full-range JPEG: black is ~0..20
    const a = await curl(`${base}/onvif/snapshot/301`);
    const b = await curl(`${base}/onvif/snapshot/301`);
    expect(a.body.equals(b.body)).toBe(true);
  });

  it("a live camera's snapshots differ from one to the next", async () => {
    const a = await curl(`${base}/onvif/snapshot/101`);
    const b = await curl(`${base}/onvif/snapshot/101`);
    expect(a.body.equals(b.body)).toBe(false);
  });

  it("a wrong password is 401 with a Digest challenge; refused is 503, offline or unknown 404", async () => {
    const before = sim.device("nvr").state().media.authFailures;
    expect((await curl(`${base}/onvif/snapshot/101`, "wrong")).status).toBe(401);
    expect(sim.device("nvr").state().media.authFailures).toBe(before + 1);
    const anon = await fetch(`${base}/onvif/snapshot/101`);
    expect(anon.status).toBe(401);
    expect(anon.headers.get("www-authenticate")).toMatch(
      /^Digest realm="NVR\(nvr\)", qop="auth", algorithm=MD5/,
    );
    expect((await curl(`${base}/onvif/snapshot/401`)).status).toBe(503);
    expect((await curl(`${base}/onvif/snapshot/501`)).status).toBe(404);
    expect((await curl(`${base}/onvif/snapshot/901`)).status).toBe(404);
    expect((await curl(`${base}/onvif/snapshot/105`)).status).toBe(404);
    expect(sim.device("nvr").state().media.snapshotRequests).toBeGreaterThanOrEqual(6);
  });
});
