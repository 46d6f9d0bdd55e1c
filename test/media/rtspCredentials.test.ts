import { readFileSync } from "node:fs";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pLimit from "p-limit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Secret } from "../../src/domain/secret.ts";
import { createMediaRunner } from "../../src/media/ffmpegRunner.ts";
import { probeStream } from "../../src/media/probeStream.ts";
import { createRtspHop, type RtspHop } from "../../src/net/rtspHop.ts";
import { parseScenario } from "../../src/simulator/scenario.ts";
import { startSimulator, type RunningSimulator } from "../../src/simulator/server.ts";
import { startGstRtspServer, type GstRtspServer } from "../../scripts/gstRtspServer.ts";
import { processExists, systemTools } from "./helpers/media.ts";

/**
 * Issue 8, defect 7a: ffmpeg used to get rtsp://user:password@... on its command line, which
 * every local user reads with `ps` (/proc/PID/cmdline is world-readable). Now ffmpeg opens a
 * one-time loopback route of the RTSP hop, which logs in to the camera itself. Checked while
 * ffmpeg runs, against the project's simulated NVR (RTSP Digest) and a third-party server
 * (GStreamer's gst-rtsp-server, Digest and Basic).
 */

const PASSWORD = "Cam-p@ss:w/rd S3cr3t";
const forms = [PASSWORD, encodeURIComponent(PASSWORD), "S3cr3t"];

/** A runner that reads each ffmpeg's command line as it starts and every 50 ms while it runs. */
async function watchingRunner(): Promise<{
  runner: ReturnType<typeof createMediaRunner>;
  tools: Awaited<ReturnType<typeof systemTools>>;
  cmdlines: Map<number, Set<string>>;
  pids: number[];
}> {
  const tools = await systemTools();
  const cmdlines = new Map<number, Set<string>>();
  const pids: number[] = [];
  const timers = new Map<number, NodeJS.Timeout>();
  const read = (pid: number): void => {
    try {
      const text = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
      if (text !== "") cmdlines.get(pid)?.add(text);
    } catch {
      // gone between two looks
    }
  };
  const runner = createMediaRunner({
    ffmpegPath: tools.ffmpeg.path,
    ffprobePath: tools.ffprobe.path,
    limit: pLimit(4),
    onProcess: ({ pid, state }) => {
      if (state === "started") {
        pids.push(pid);
        cmdlines.set(pid, new Set());
        read(pid);
        timers.set(
          pid,
          setInterval(() => read(pid), 50),
        );
      } else {
        clearInterval(timers.get(pid));
        timers.delete(pid);
      }
    },
  });
  return { runner, tools, cmdlines, pids };
}

const cacheDir = mkdtempSync(join(tmpdir(), "nw-rtsp-cred-cache-"));
let sim: RunningSimulator;
let gstDigest: GstRtspServer;
let gstBasic: GstRtspServer;
let hop: RtspHop;

beforeAll(async () => {
  const scenario = parseScenario(
    { devices: [{ id: "nvr", username: "monitor", password: PASSWORD, channels: { count: 1 } }] },
    "rtsp-credentials.test",
  );
  [sim, gstDigest, gstBasic] = await Promise.all([
    startSimulator(scenario, { videoCacheDir: cacheDir }),
    startGstRtspServer({ auth: "digest", user: "monitor", password: PASSWORD }),
    startGstRtspServer({ auth: "basic", user: "monitor", password: PASSWORD }),
  ]);
  hop = createRtspHop();
  await hop.start();
}, 60_000);

afterAll(async () => {
  await hop?.stop();
  await Promise.all([sim?.stop(), gstDigest?.stop(), gstBasic?.stop()]);
  rmSync(cacheDir, { recursive: true, force: true });
});

const servers = (): [string, string][] => [
  ["the simulated NVR (Digest)", `rtsp://127.0.0.1:${sim.devices[0]!.rtspPort}/Streaming/Channels/101`],
  ["gst-rtsp-server (Digest)", gstDigest.url("moving")],
  ["gst-rtsp-server (Basic)", gstBasic.url("moving")],
];

describe("a camera's password is never on ffmpeg's command line", () => {
  for (const [i, name] of [
    "the simulated NVR (Digest)",
    "gst-rtsp-server (Digest)",
    "gst-rtsp-server (Basic)",
  ].entries()) {
    for (const shared of [false, true]) {
      it(`${name}, ${shared ? "through a shared hop" : "through a hop of its own"}: frames arrive, /proc/PID/cmdline holds no password`, async () => {
        const { runner, tools, cmdlines, pids } = await watchingRunner();
        const streamUri = servers()[i]![1];
        const r = await probeStream(
          {
            streamUri,
            username: "monitor",
            password: new Secret(PASSWORD),
            deadlineMs: 15_000,
            windowSeconds: 0.75,
          },
          shared ? { runner, tools, hop } : { runner, tools },
        );
        expect(r.stream.status).toBe("ok");
        expect(r.windows.map((w) => w.status)).toEqual(["ok", "ok"]);
        expect(pids).toHaveLength(1);
        const seen = [...(cmdlines.get(pids[0]!) ?? [])];
        // Read while ffmpeg ran: its input is the hop's loopback route, fenced by the whitelist.
        expect(seen.length).toBeGreaterThan(0);
        for (const line of seen) {
          expect(line).toMatch(/-i rtsp:\/\/127\.0\.0\.1:\d+\/[A-Za-z0-9_-]{32}\//);
          expect(line).toContain("-protocol_whitelist rtsp,tcp");
          expect(line).not.toContain("monitor");
          for (const secret of forms) expect(line).not.toContain(secret);
        }
        expect(processExists(pids[0]!)).toBe(false);
        expect(hop.routes).toBe(0);
      });
    }
  }

  it("a wrong password is still the camera's 401 (auth), and shows no password either", async () => {
    const { runner, tools, cmdlines, pids } = await watchingRunner();
    const r = await probeStream(
      {
        streamUri: servers()[0]![1],
        username: "monitor",
        password: new Secret("wr0ng:Pa55"),
        deadlineMs: 10_000,
        windowSeconds: 0.5,
      },
      { runner, tools, hop },
    );
    expect(r.stream).toMatchObject({ status: "failed", error: { kind: "auth" } });
    const shown = JSON.stringify(r) + [...(cmdlines.get(pids[0]!) ?? [])].join("\n");
    for (const secret of ["wr0ng:Pa55", "Pa55", ...forms]) expect(shown).not.toContain(secret);
  });
});
