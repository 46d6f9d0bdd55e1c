import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PictureWindow } from "../../src/domain/picture.ts";
import { Secret } from "../../src/domain/secret.ts";
import { probeStream, type StreamProbeResult } from "../../src/media/probeStream.ts";
import { ffmpegCli, recordingRunner } from "./helpers/media.ts";
import { DIM_NOISY, ROOM_A } from "./helpers/scenes.ts";

/**
 * The measurements on camera-like encodes made with ffmpeg lavfi at test time (1280x720, 25 fps,
 * 1.5 Mbit/s CBR-ish, GOP 50, as a typical camera main stream), read as files: timestamps come
 * from the file, so the numbers are exact and repeatable. Measured (W = 2 s, 4 fps sampled):
 *   clip (window 1 / 2)       meanLuma black  medianDiff      maxDiff         detail
 *   moving (testsrc2, h264)    128.0     0     2.64 / 3.17     3.01 / 6.18     3.9
 *   moving (testsrc2, hevc)    127.2     0     5.32 / 6.36     6.01 / 9.20     4.0
 *   black                        0.97    1     0               0               0.007
 *   frozen (room, 1 frame)      95.2     0     0.064 / 0.012   0.116 / 0.086   2.5
 *   dim room + sensor noise     24.3     0     0.393 / 0.392   0.475 / 0.413   0.95
 * New measures (window 1 / 2): noiseFrameDiff (beyond one grey level) and localChanges:
 *   moving h264 2.50 / 3.03, 8 / 7; hevc 5.05 / 6.04, 8 / 7; frozen 0 / 0, 0 / 0; dim 0.035 / 0.038, 0 / 0.
 * (frames 9 / 8, ptsAdvanceMs 1920 / 1680 for every clip.) The frozen clip is not bit-identical:
 * each keyframe re-encodes the picture, so its max lifts to ~0.1. The dark noisy room's median
 * stays 6-30x above the frozen one and above the frozen max, and it is not black (mean luma ~24,
 * no frame 98 % black), so by these numbers it reads as neither frozen nor black.
 */

const W = 2;
let dir: string;
const results = new Map<string, StreamProbeResult>();

const x264 = [
  "-c:v",
  "libx264",
  "-preset",
  "veryfast",
  "-b:v",
  "1500k",
  "-maxrate",
  "1500k",
  "-bufsize",
  "3000k",
  "-g",
  "50",
  "-pix_fmt",
  "yuv420p",
];

async function makeClips(): Promise<Record<string, string>> {
  const clip = (name: string) => join(dir, name);
  const frame = clip("room.png");
  await ffmpegCli(["-f", "lavfi", "-i", `${ROOM_A},noise=alls=6:allf=u`, "-frames:v", "1", frame]);
  await Promise.all([
    ffmpegCli(["-f", "lavfi", "-i", "testsrc2=s=1280x720:r=25", "-t", "4.5", ...x264, clip("moving.mp4")]),
    ffmpegCli([
      "-f",
      "lavfi",
      "-i",
      "color=c=black:s=1280x720:r=25",
      "-t",
      "4.5",
      ...x264,
      clip("black.mp4"),
    ]),
    // One frame looped: the encoder sees the same picture, timestamps keep advancing.
    ffmpegCli(["-loop", "1", "-framerate", "25", "-i", frame, "-t", "4.5", ...x264, clip("frozen.mp4")]),
    ffmpegCli(["-f", "lavfi", "-i", `${ROOM_A},${DIM_NOISY}`, "-t", "4.5", ...x264, clip("dim.mp4")]),
    ffmpegCli([
      "-f",
      "lavfi",
      "-i",
      "testsrc2=s=640x360:r=25",
      "-t",
      "4.5",
      "-c:v",
      "libx265",
      "-preset",
      "ultrafast",
      "-x265-params",
      "log-level=error",
      "-pix_fmt",
      "yuv420p",
      clip("moving265.mp4"),
    ]),
    // Ends 1 s into the second window: the camera stopped sending.
    ffmpegCli(["-f", "lavfi", "-i", "testsrc2=s=640x360:r=25", "-t", "3", ...x264, clip("short.mp4")]),
  ]);
  return Object.fromEntries(
    ["moving", "black", "frozen", "dim", "moving265", "short"].map((n) => [n, `file://${clip(`${n}.mp4`)}`]),
  );
}

const ok = (name: string): PictureWindow[] => {
  const r = results.get(name);
  expect(r?.windows.map((w) => w.status)).toEqual(["ok", "ok"]);
  return r!.windows.map((w) => (w as { value: PictureWindow }).value);
};

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "nw-media-clips-"));
  const clips = await makeClips();
  const ctx = await recordingRunner(4);
  await Promise.all(
    Object.entries(clips).map(async ([name, uri]) => {
      results.set(
        name,
        await probeStream(
          { streamUri: uri, username: "", password: new Secret(""), deadlineMs: 20_000, windowSeconds: W },
          ctx,
        ),
      );
    }),
  );
}, 120_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("measurements on camera-like encodes", () => {
  it("describes H.264 and H.265 streams", () => {
    expect(results.get("moving")!.stream).toEqual({
      status: "ok",
      value: { codec: "h264", width: 1280, height: 720, fps: 25 },
    });
    expect(results.get("moving265")!.stream).toEqual({
      status: "ok",
      value: { codec: "hevc", width: 640, height: 360, fps: 25 },
    });
  });

  it("windows follow the stream's timestamps: ~W of advance each, a few frames per second", () => {
    for (const w of ok("moving")) {
      expect(w.frames).toBeGreaterThanOrEqual(8);
      expect(w.frames).toBeLessThanOrEqual(9);
      expect(w.ptsAdvanceMs).toBeGreaterThanOrEqual(1600);
      expect(w.ptsAdvanceMs).toBeLessThan(2000);
    }
  });

  it("moving pictures (H.264 and H.265) change between frames and have detail", () => {
    for (const name of ["moving", "moving265"]) {
      for (const w of ok(name)) {
        expect(w.medianFrameDiff).toBeGreaterThan(1);
        expect(w.localChanges).toBeGreaterThanOrEqual(5);
        expect(w.blackFrameRatio).toBe(0);
        expect(w.detail).toBeGreaterThan(3);
      }
    }
  });

  it("black: every frame black, nothing moves, no detail", () => {
    for (const w of ok("black")) {
      expect(w.blackFrameRatio).toBe(1);
      expect(w.maxFrameDiff).toBeLessThan(0.05);
      expect(w.detail).toBeLessThan(0.05);
      expect(w.meanLuma).toBeLessThan(2);
    }
  });

  it("frozen: frames identical within a small fraction of a grey level while timestamps advance", () => {
    for (const w of ok("frozen")) {
      expect(w.medianFrameDiff).toBeLessThan(0.1);
      expect(w.maxFrameDiff).toBeLessThan(0.3);
      expect(w.ptsAdvanceMs).toBeGreaterThanOrEqual(1600);
      expect(w.blackFrameRatio).toBe(0);
      // The keyframe refresh moves no pixel by more than one level, and none strongly.
      expect(w.noiseFrameDiff).toBeLessThan(0.005);
      expect(w.localChanges).toBe(0);
    }
  });

  it("a dark, still room with sensor noise is neither black nor frozen", () => {
    const dim = ok("dim");
    const frozen = ok("frozen");
    for (let i = 0; i < 2; i++) {
      const w = dim[i]!;
      expect(w.blackFrameRatio).toBe(0);
      expect(w.meanLuma).toBeGreaterThan(15);
      expect(w.meanLuma).toBeLessThan(40);
      expect(w.detail).toBeGreaterThan(0.5);
      // The noise floor: every pair of frames differs, the median well above a freeze's.
      expect(w.medianFrameDiff).toBeGreaterThan(0.2);
      expect(w.medianFrameDiff).toBeGreaterThan(4 * frozen[i]!.medianFrameDiff);
      expect(w.medianFrameDiff).toBeGreaterThan(frozen[i]!.maxFrameDiff);
      // Sensor noise moves pixels beyond one level in every pair; nothing moves strongly.
      expect(w.noiseFrameDiff).toBeGreaterThan(0.025);
      expect(w.localChanges).toBe(0);
    }
  });

  it("a stream that stops mid-way: the first window is measured, the second failed with the reason", () => {
    const r = results.get("short")!;
    expect(r.stream.status).toBe("ok");
    expect(r.windows[0]!.status).toBe("ok");
    expect(r.windows[1]).toMatchObject({ status: "failed", error: { kind: "network" } });
    expect((r.windows[1] as { error: { message: string } }).error.message).toMatch(
      /stream ended after 0\.\d s of this 2 s window/,
    );
  });
});
