import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PictureWindow } from "../../src/domain/picture.ts";
import type { Probe } from "../../src/domain/probe.ts";
import { Secret } from "../../src/domain/secret.ts";
import { probeStream, type StreamProbeResult } from "../../src/media/probeStream.ts";
import { startGstRtspServer, type GstRtspServer } from "../../scripts/gstRtspServer.ts";
import { childProcesses, processExists, recordingRunner } from "./helpers/media.ts";

/**
 * The probe against a third-party RTSP server (GStreamer's gst-rtsp-server) serving
 * videotestsrc at 320x240, 25 fps, H.264. Measured on this machine (W = 1.5 s, 4 fps sampled):
 *   window               frames ptsAdvanceMs meanLuma black medianDiff maxDiff detail
 *   moving (ball, grey)   7 / 6  1440 / 1200     88.5     0   4.2 / 3.6  5.0    0.49
 *   black                 7 / 6  1440 / 1200      0       1   0          0      0
 *   still (frame held)    7 / 6  1440 / 1200    122.7     0   0          0.015  4.71
 *   quiet (bars + noise)  7 / 6  1440 / 1200    122.6     0   1.60       1.74   4.79
 */

const W = 1.5;
let server: GstRtspServer;
const results = new Map<string, StreamProbeResult>();
let ctx: Awaited<ReturnType<typeof recordingRunner>>;

const windowsOf = (r: StreamProbeResult | undefined): PictureWindow[] => {
  expect(r).toBeDefined();
  expect(r!.windows).toHaveLength(2);
  return r!.windows.map((w: Probe<PictureWindow>) => {
    expect(w.status, JSON.stringify(w)).toBe("ok");
    return (w as { value: PictureWindow }).value;
  });
};

beforeAll(async () => {
  server = await startGstRtspServer();
  ctx = await recordingRunner(4);
  const mounts = ["moving", "black", "still", "quiet"] as const;
  const probed = await Promise.all(
    mounts.map((m) =>
      probeStream(
        {
          streamUri: server.url(m),
          username: "",
          password: new Secret(""),
          deadlineMs: 15_000,
          windowSeconds: W,
        },
        ctx,
      ),
    ),
  );
  mounts.forEach((m, i) => results.set(m, probed[i]!));
}, 60_000);

afterAll(async () => {
  await server?.stop();
});

describe("probeStream against gst-rtsp-server", () => {
  it("reads what the stream is from the same ffmpeg run", () => {
    for (const r of results.values()) {
      expect(r.stream).toEqual({ status: "ok", value: { codec: "h264", width: 320, height: 240, fps: 25 } });
      expect(r.run).toMatchObject({ end: "exit", exitCode: 0 });
    }
  });

  it("samples two consecutive windows on the stream's own timestamps", () => {
    for (const w of windowsOf(results.get("moving"))) {
      expect(w.frames).toBeGreaterThanOrEqual(5);
      expect(w.frames).toBeLessThanOrEqual(8);
      expect(w.ptsAdvanceMs).toBeGreaterThanOrEqual(1000);
      expect(w.ptsAdvanceMs).toBeLessThan(W * 1000);
    }
  });

  it("a moving picture: frames differ, not black", () => {
    for (const w of windowsOf(results.get("moving"))) {
      expect(w.blackFrameRatio).toBe(0);
      expect(w.meanLuma).toBeGreaterThan(50);
      expect(w.medianFrameDiff).toBeGreaterThan(1);
      expect(w.maxFrameDiff).toBeGreaterThanOrEqual(w.medianFrameDiff);
    }
  });

  it("a black picture: every frame black, no detail", () => {
    for (const w of windowsOf(results.get("black"))) {
      expect(w.blackFrameRatio).toBe(1);
      expect(w.meanLuma).toBeLessThan(2);
      expect(w.detail).toBeLessThan(0.1);
    }
  });

  it("a frozen picture: identical frames while the timestamps advance, in both windows", () => {
    for (const w of windowsOf(results.get("still"))) {
      expect(w.medianFrameDiff).toBeLessThan(0.05);
      expect(w.maxFrameDiff).toBeLessThan(0.1);
      expect(w.ptsAdvanceMs).toBeGreaterThanOrEqual(1000);
      expect(w.blackFrameRatio).toBe(0);
      expect(w.detail).toBeGreaterThan(2);
    }
  });

  it("a still scene with live noise is not frozen: its noise floor stays far above the freeze", () => {
    const quiet = windowsOf(results.get("quiet"));
    const still = windowsOf(results.get("still"));
    for (let i = 0; i < 2; i++) {
      expect(quiet[i]!.medianFrameDiff).toBeGreaterThan(0.5);
      expect(quiet[i]!.medianFrameDiff).toBeGreaterThan(10 * Math.max(0.01, still[i]!.medianFrameDiff));
      // Same scene otherwise: brightness and detail match the frozen one.
      expect(Math.abs(quiet[i]!.meanLuma - still[i]!.meanLuma)).toBeLessThan(3);
    }
  });

  it("keeps frames of the last window for the reference comparison", () => {
    const r = results.get("moving")!;
    expect(r.lastWindowFrames.length).toBe(windowsOf(r)[1]!.frames);
  });

  it("leaves no ffmpeg process behind", () => {
    expect(ctx.pids.length).toBeGreaterThanOrEqual(4);
    for (const pid of ctx.pids) expect(processExists(pid)).toBe(false);
    expect(childProcesses("ffmpeg")).toEqual([]);
  });
});

describe("probeStream with RTSP authentication", () => {
  const password = "p@ss:w/rd%x S3cr3t";
  for (const auth of ["digest", "basic"] as const) {
    it(`${auth}: opens with the right password, fails as auth with a wrong one, and never shows either`, async () => {
      const authed = await startGstRtspServer({ auth, user: "viewer", password });
      try {
        const { runner, tools, logs } = await recordingRunner();
        const base = {
          streamUri: authed.url("moving"),
          username: "viewer",
          deadlineMs: 15_000,
          windowSeconds: 0.75,
        };
        const [good, bad] = await Promise.all([
          probeStream({ ...base, password: new Secret(password) }, { runner, tools }),
          probeStream({ ...base, password: new Secret("wr0ng:Pa55") }, { runner, tools }),
        ]);
        expect(good.stream.status).toBe("ok");
        expect(good.windows.map((w) => w.status)).toEqual(["ok", "ok"]);
        expect(bad.stream).toMatchObject({ status: "failed", error: { kind: "auth" } });
        expect(bad.windows.map((w) => w.status)).toEqual(["failed", "failed"]);
        const shown =
          JSON.stringify([good.stream, good.windows, bad.stream, bad.windows, bad.run, good.run]) +
          logs.join("\n");
        expect(shown).toContain("401 Unauthorized");
        for (const secret of [
          password,
          encodeURIComponent(password),
          "S3cr3t",
          "wr0ng:Pa55",
          encodeURIComponent("wr0ng:Pa55"),
          "Pa55",
        ])
          expect(shown).not.toContain(secret);
      } finally {
        await authed.stop();
      }
    });
  }

  it("a path the server does not have is an RTSP 404", async () => {
    const { runner, tools } = await recordingRunner();
    const s = await startGstRtspServer();
    try {
      const r = await probeStream(
        {
          streamUri: s.url("nothere"),
          username: "",
          password: new Secret(""),
          deadlineMs: 10_000,
          windowSeconds: 1,
        },
        { runner, tools },
      );
      expect(r.stream).toMatchObject({ status: "failed", error: { kind: "http" } });
      expect((r.stream as { error: { message: string } }).error.message).toContain("404");
    } finally {
      await s.stop();
    }
  });
});
