import { mkdtempSync, readdirSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { VideoGenerationError } from "../../../src/simulator/video/generate.ts";
import { VideoLibrary } from "../../../src/simulator/video/library.ts";

const dirs: string[] = [];
function freshDir(): string {
  const d = mkdtempSync(join(tmpdir(), "nw-simvideo-"));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe("VideoLibrary", () => {
  it("makes a clip once: concurrent callers share it, another library reuses the cached file", async () => {
    const cacheDir = freshDir();
    const lib = new VideoLibrary({ ffmpegPath: "ffmpeg", cacheDir });
    expect(lib.ready("moving", "H264")).toBeNull(); // starts the load
    const [a, b] = await Promise.all([lib.clip("moving", "H264"), lib.clip("moving", "H264")]);
    expect(a).toBe(b);
    expect(lib.ready("moving", "H264")).toBe(a);
    const files = readdirSync(cacheDir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^moving-h264-[0-9a-f]{12}\.h264$/);
    const before = statSync(join(cacheDir, files[0]!)).mtimeMs;
    const again = await new VideoLibrary({ ffmpegPath: "ffmpeg", cacheDir }).clip("moving", "H264");
    expect(statSync(join(cacheDir, files[0]!)).mtimeMs).toBe(before);
    expect(again.frames.length).toBe(a.frames.length);
  });

  it("survives simulators in separate processes generating into one folder at once (temp name, then rename)", async () => {
    const cacheDir = freshDir();
    const libs = [0, 1, 2].map(() => new VideoLibrary({ ffmpegPath: "ffmpeg", cacheDir }));
    const clips = await Promise.all(libs.map((l) => l.clip("black", "H265")));
    for (const c of clips) expect(c.frames.length).toBe(clips[0]!.frames.length);
    expect(readdirSync(cacheDir)).toEqual([expect.stringMatching(/^black-h265-[0-9a-f]{12}\.h265$/)]);
  });

  it("cuts clips into 640x360 10 fps pictures with a keyframe every 10, parameter sets found", async () => {
    const lib = new VideoLibrary({ ffmpegPath: "ffmpeg", cacheDir: freshDir() });
    const h264 = await lib.clip("dark", "H264");
    expect(h264).toMatchObject({ width: 640, height: 360, fps: 10 });
    expect(h264.frames).toHaveLength(40);
    expect(h264.frames.map((f, i) => f.keyframe === (i % 10 === 0)).every(Boolean)).toBe(true);
    expect(h264.parameterSets.sps[0]! & 0x1f).toBe(7);
    expect(h264.parameterSets.pps[0]! & 0x1f).toBe(8);
    // an IDR is bigger than one packet: it goes out as FU-A fragments of at most 1400 bytes
    expect(h264.frames[0]!.payloads.length).toBeGreaterThan(3);
    expect(h264.frames.flatMap((f) => f.payloads).every((p) => p.length <= 1400)).toBe(true);
    const frozen = await lib.clip("frozen", "H265");
    expect(frozen.frames).toHaveLength(1);
    expect(frozen.frames[0]!.keyframe).toBe(true);
    expect((frozen.parameterSets.vps![0]! >> 1) & 0x3f).toBe(32);
  });

  it("makes snapshot pictures: several for a live camera, one for a frozen one", async () => {
    const lib = new VideoLibrary({ ffmpegPath: "ffmpeg", cacheDir: freshDir() });
    const moving = await lib.snapshots("moving");
    expect(moving.length).toBe(8);
    for (const j of moving) {
      expect([...j.subarray(0, 3)]).toEqual([0xff, 0xd8, 0xff]);
      expect([...j.subarray(-2)]).toEqual([0xff, 0xd9]);
    }
    expect(new Set(moving.map((j) => j.toString("base64"))).size).toBe(8);
    expect(await lib.snapshots("frozen")).toHaveLength(1);
  });

  it("reports a missing ffmpeg, and tries again on the next request", async () => {
    const cacheDir = freshDir();
    let ffmpegPath = "/nonexistent/ffmpeg";
    const lib = new VideoLibrary(() => Promise.resolve({ ffmpegPath, cacheDir }));
    await expect(lib.clip("black", "H264")).rejects.toThrow(VideoGenerationError);
    await expect(lib.clip("black", "H264")).rejects.toThrow(/ffmpeg not found at "\/nonexistent\/ffmpeg"/);
    ffmpegPath = "ffmpeg";
    await expect(lib.clip("black", "H264")).resolves.toMatchObject({ kind: "black" });
    expect(readdirSync(cacheDir).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });
});
