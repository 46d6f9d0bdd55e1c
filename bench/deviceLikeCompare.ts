/**
 * One device-like server (DeviceLikeOptions as JSON in argv[2]), asked by our check (in this
 * process, warm) and, when PEER_DIR names a folder with the `onvif` npm package and its
 * peer.mjs script (kept outside the repository), by that package: CPU per SOAP request of each.
 * EXTERNAL_BASE=port asks another ONVIF server instead (device n on port base+n, GET base/ gives
 * {requests}); PROFILE names the camera profile token there.
 * Usage: tsx bench/deviceLikeCompare.ts '{"auth":"digest"}' [devices] [runs]
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { runCheck } from "../src/check/runCheck.ts";
import { loadConfig } from "../src/config/load.ts";
import { createLogger } from "../src/logging/logger.ts";
import { createDeviceHttp } from "../src/net/deviceHttp.ts";
import { startDeviceLikeProcess } from "./deviceLikeProcess.ts";
import { DEVICE_LIKE_PASSWORD, DEVICE_LIKE_USER, type DeviceLikeOptions } from "./deviceLikeServer.ts";

const options = JSON.parse(process.argv[2] ?? "{}") as DeviceLikeOptions;
const n = Number(process.argv[3] ?? 100);
const runs = Number(process.argv[4] ?? 3);
const dir = mkdtempSync(join(tmpdir(), "nw-cmp-"));
/** Another ONVIF server already running: device i at port base+i, GET base/ gives {requests}. */
const external = Number(process.env.EXTERNAL_BASE ?? 0);
const server = external
  ? {
      url: `http://127.0.0.1:${external}`,
      deviceUrl: (i: number) => `http://127.0.0.1:${external + i}/onvif/device_service`,
      stop: () => Promise.resolve(),
    }
  : await startDeviceLikeProcess(options);
const deviceUrl = (i: number): string => server.deviceUrl(i);
const profile = process.env.PROFILE ?? "Profile_1";
const stats = async (): Promise<{ requests: number; challenged: number }> => {
  const s = (await (await fetch(external ? server.url : `${server.url}/stats`)).json()) as {
    requests: number;
    challenged?: number;
  };
  return { requests: s.requests, challenged: s.challenged ?? 0 };
};
try {
  writeFileSync(join(dir, "pw"), `${DEVICE_LIKE_PASSWORD}\n`, { mode: 0o600 });
  const ids = Array.from({ length: n }, (_, i) => i + 1);
  writeFileSync(
    join(dir, "site.yaml"),
    stringify({
      site: { id: "cmp", name: "cmp", timezone: "Asia/Shanghai", commissionedAt: "2024-01-01", locale: "en" },
      devices: ids.map((i) => ({
        id: `cam${i}`,
        kind: "camera",
        onvif: deviceUrl(i),
        username: DEVICE_LIKE_USER,
        passwordFile: "pw",
        timeoutSeconds: 10,
      })),
      zones: [{ id: "room", kind: "activity" }],
      cameras: ids.map((i) => ({ id: `cam${i}-ch1`, device: `cam${i}`, profile, zones: ["room"] })),
    }),
  );
  const config = await loadConfig(join(dir, "site.yaml"), {});
  const http = createDeviceHttp();
  const deps = { http, now: Date.now, logger: createLogger({ level: "silent" }) };
  let last = await runCheck(config.site, deps);
  const s0 = await stats();
  const c0 = process.cpuUsage();
  for (let r = 0; r < runs; r++) last = await runCheck(config.site, deps);
  const c = process.cpuUsage(c0);
  const s1 = await stats();
  await http.close();
  const notOk = last.evaluation.findings.filter((f) => f.status !== "ok" && f.required).length;
  const reqs = s1.requests - s0.requests;
  const ours = {
    requests: reqs,
    challenged: s1.challenged - s0.challenged,
    perDevice: reqs / n / runs,
    cpuMsPerRequest: +((c.user + c.system) / 1000 / reqs).toFixed(3),
    notOk,
  };
  const peerDir = process.env.PEER_DIR;
  let peer: unknown = null;
  if (peerDir) {
    const before = await stats();
    const out = await new Promise<string>((resolve) => {
      const child = spawn(
        process.execPath,
        [join(peerDir, "peer.mjs"), server.url, String(n), String(runs)],
        {
          stdio: ["ignore", "pipe", "inherit"],
        },
      );
      let text = "";
      child.stdout.on("data", (d: Buffer) => (text += d.toString()));
      child.once("exit", () => resolve(text));
    });
    const after = await stats();
    peer = {
      ...(JSON.parse(out.trim().split("\n").pop() ?? "{}") as object),
      challengedTotal: after.challenged - before.challenged,
    };
  }
  process.stdout.write(
    `${JSON.stringify({ options, n, runs, load: loadavg()[0]?.toFixed(2), ours, peer })}\n`,
  );
} finally {
  await server.stop();
  rmSync(dir, { recursive: true, force: true });
}
