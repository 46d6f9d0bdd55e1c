import { describe, expect, it } from "vitest";
import { describeFailure } from "../../src/media/ffmpegFailure.ts";
import type { MediaRunResult } from "../../src/media/ffmpegRunner.ts";
import { FrameAssembler, meanFrame, type GrayFrame } from "../../src/media/frames.ts";
import { openStreamInput, StreamInputError, streamInputOptions } from "../../src/media/rtspInput.ts";
import { parseShowinfo } from "../../src/media/showinfo.ts";
import { parseVideoStreamLine, StreamInfoReader } from "../../src/media/streamInfo.ts";
import { detailOf, measureWindow, type Sample } from "../../src/media/windowStats.ts";
import { splitWindows } from "../../src/media/windows.ts";

const flat = (v: number, w = 8, h = 4): GrayFrame => ({
  width: w,
  height: h,
  data: new Uint8Array(w * h).fill(v),
});

describe("reading ffmpeg's stderr", () => {
  it("takes frame order and stream timestamp from showinfo", () => {
    expect(
      parseShowinfo(
        "[Parsed_showinfo_3 @ 0x55d1] n:  12 pts: 259200 pts_time:2.88    pos:       -1 fmt:gray sar:3/4 s:128x72 i:P iskey:0",
      ),
    ).toEqual({ n: 12, ptsTime: 2.88 });
    expect(parseShowinfo("[Parsed_showinfo_3 @ 0x55d1]   color_range:pc color_space:unknown")).toBeNull();
    expect(parseShowinfo("frame=   10 fps=0.0 q=-0.0 size=")).toBeNull();
  });

  it("describes the input stream from ffmpeg 5.1 and 4.1 lines", () => {
    expect(
      parseVideoStreamLine(
        "  Stream #0:0: Video: h264 (Main), yuv420p(tv, bt709, progressive), 1920x1080 [SAR 1:1 DAR 16:9], 25 fps, 25 tbr, 90k tbn",
      ),
    ).toEqual({ codec: "h264", width: 1920, height: 1080, fps: 25 });
    expect(
      parseVideoStreamLine(
        "    Stream #0:0: Video: hevc (Main), yuv420p(tv), 2560x1440, 12.50 fps, 12.50 tbr, 90k tbn, 90k tbc",
      ),
    ).toEqual({ codec: "hevc", width: 2560, height: 1440, fps: 12.5 });
    // No frame rate in the stream: ffmpeg only guesses (tbr), and fps stays unknown.
    expect(
      parseVideoStreamLine("  Stream #0:1[0x101]: Video: mjpeg (Baseline), yuvj422p(pc), 704x576, 90k tbr"),
    ).toEqual({
      codec: "mjpeg",
      width: 704,
      height: 576,
      fps: null,
    });
    expect(parseVideoStreamLine("  Stream #0:1: Audio: pcm_mulaw, 8000 Hz, mono")).toBeNull();
  });

  it("reads only the input section, never our own rawvideo output", () => {
    const reader = new StreamInfoReader();
    for (const line of [
      "Output #0, rawvideo, to 'pipe:1':",
      "  Stream #0:0: Video: rawvideo (Y800 / 0x30303859), gray(pc), 128x72, q=2-31, 25 fps",
    ])
      reader.feed(line);
    expect(reader.info).toBeNull();
    for (const line of [
      "Input #0, rtsp, from 'rtsp://admin:***@10.0.0.5/Streaming/101':",
      "  Duration: N/A, start: 0.000000, bitrate: N/A",
      "  Stream #0:0: Video: h264 (High), yuv420p(progressive), 1280x720, 20 fps, 20 tbr, 90k tbn",
      "Stream mapping:",
    ])
      reader.feed(line);
    expect(reader.info).toEqual({ codec: "h264", width: 1280, height: 720, fps: 20 });
  });

  it("turns ffmpeg's last word into an error kind with the telling line", () => {
    const run = (stderrTail: string, end: MediaRunResult["end"] = "exit"): MediaRunResult => ({
      end,
      exitCode: end === "exit" ? 1 : null,
      exitSignal: end === "exit" ? null : "SIGKILL",
      stdout: Buffer.alloc(0),
      stderrTail,
      pid: 1,
      wallMs: 1234,
    });
    const cases: [string, string][] = [
      [
        "[rtsp @ 0x1] method DESCRIBE failed: 401 Unauthorized\nrtsp://u:***@h/x: Server returned 401 Unauthorized (authorization failed)",
        "auth",
      ],
      ["rtsp://u:***@h/x: Connection refused", "network"],
      ["[tcp @ 0x1] Failed to resolve hostname cam.local: Name or service not known", "network"],
      ["rtsp://u:***@h/x: Connection timed out", "timeout"],
      [
        "[rtsp @ 0x1] method DESCRIBE failed: 404 Not Found\nrtsp://u:***@h/x: Server returned 404 Not Found",
        "http",
      ],
      ["[rtsp @ 0x1] method SETUP failed: 461 Unsupported transport", "not_supported"],
      ["rtsp://u:***@h/x: Invalid data found when processing input", "malformed"],
      ["something nobody expected", "fault"],
    ];
    for (const [stderr, kind] of cases)
      expect(describeFailure(run(stderr), "stream").kind, stderr).toBe(kind);
    expect(describeFailure(run("", "deadline"), "stream")).toEqual({
      kind: "timeout",
      message: "stream: no answer within the deadline (1234 ms)",
    });
    expect(describeFailure(run("rtsp://u:***@h/x: Connection refused"), "stream").message).toBe(
      "stream: Connection refused (ffmpeg: rtsp://u:***@h/x: Connection refused)",
    );
  });
});

describe("frames and windows", () => {
  it("reassembles frames across arbitrary chunk boundaries and drops a partial tail", () => {
    const asm = new FrameAssembler(4, 2);
    const bytes = Uint8Array.from({ length: 8 * 3 + 5 }, (_, i) => i);
    asm.push(bytes.subarray(0, 3));
    asm.push(bytes.subarray(3, 13));
    asm.push(bytes.subarray(13));
    expect(asm.frames.map((f) => [...f.data])).toEqual([
      [0, 1, 2, 3, 4, 5, 6, 7],
      [8, 9, 10, 11, 12, 13, 14, 15],
      [16, 17, 18, 19, 20, 21, 22, 23],
    ]);
    expect(meanFrame([flat(10), flat(20)]).data[0]).toBe(15);
  });

  it("measures luma, black frames, differences and detail", () => {
    const stripes: GrayFrame = {
      width: 4,
      height: 2,
      data: Uint8Array.from([0, 100, 0, 100, 0, 100, 0, 100]),
    };
    expect(detailOf(stripes)).toBe(50); // |dx| = 100, |dy| = 0 everywhere
    const samples: Sample[] = [
      { pts: 0, frame: flat(0) },
      { pts: 0.25, frame: flat(2) },
      { pts: 0.5, frame: flat(60) },
      { pts: 0.75, frame: flat(60) },
    ];
    expect(measureWindow(samples)).toEqual({
      frames: 4,
      ptsAdvanceMs: 750,
      meanLuma: 30.5,
      blackFrameRatio: 0.5,
      maxFrameDiff: 58,
      meanFrameDiff: 20,
      medianFrameDiff: 2,
      detail: 0,
      // Beyond one level: 1, 57, 0. The jump to 60 changes the whole frame: strong, but not local.
      noiseFrameDiff: 1,
      localChanges: 0,
      maxChangedShare: 1,
    });
    // A corner of 4 pixels jumping by 10 levels is a local change; by 9 it is not strong.
    const corner = (v: number): GrayFrame => {
      const f = flat(50);
      for (const i of [0, 1, 8, 9]) f.data[i] = v;
      return f;
    };
    const local = measureWindow([
      { pts: 0, frame: corner(50) },
      { pts: 0.25, frame: corner(60) },
      { pts: 0.5, frame: corner(51) },
    ]);
    // Beyond one level on the flat inner pixels: 9 / 12 as the corner brightens, then 0 as it
    // dims (pixel 9 now sits on an edge, where coding noise would be); their median 0.375.
    expect(local).toMatchObject({ localChanges: 1, maxChangedShare: 0.125, noiseFrameDiff: 0.375 });
  });

  it("counts a change between two windows for the later one (no tick of a clock goes unseen)", () => {
    const dot = (v: number): GrayFrame => {
      const f = flat(50);
      for (const i of [9, 10, 17, 18]) f.data[i] = v;
      return f;
    };
    // The corner changes exactly between the last frame of window 1 and the first of window 2.
    const samples: Sample[] = [0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5, 1.75].map((t) => ({
      pts: t,
      frame: dot(t < 1 ? 50 : 90),
    }));
    const windows = splitWindows(
      samples,
      { windowSeconds: 1, count: 2, sampleFps: 4 },
      { kind: "network", message: "stopped" },
    );
    expect(windows.map((w) => (w.status === "ok" ? w.value.localChanges : null))).toEqual([0, 1]);
    expect(windows.map((w) => (w.status === "ok" ? w.value.frames : null))).toEqual([4, 4]);
  });

  it("cuts windows by stream time and fails the one the stream did not reach", () => {
    const samples: Sample[] = [0, 0.25, 0.5, 0.75, 1.0, 1.25, 1.5].map((t) => ({
      pts: 10 + t,
      frame: flat(50),
    }));
    const [first, second] = splitWindows(
      samples,
      { windowSeconds: 1, count: 2, sampleFps: 4 },
      { kind: "network", message: "stopped" },
    );
    expect(first).toMatchObject({ status: "ok", value: { frames: 4, ptsAdvanceMs: 750 } });
    expect(second).toEqual({
      status: "failed",
      error: { kind: "network", message: "stream ended after 0.5 s of this 1 s window (3 frames): stopped" },
    });
  });
});

describe("stream URL and input options", () => {
  it("never puts credentials in ffmpeg's URL, and whitelists only the protocols the input needs", async () => {
    const direct = await openStreamInput("rtsp://cam/live", "", "", undefined);
    expect(direct).toMatchObject({ url: "rtsp://cam/live", options: ["-protocol_whitelist", "rtsp,tcp"] });
    const hopped = await openStreamInput("rtsp://cam:554/live?x=1", "admin", "p@ss", undefined);
    try {
      expect(hopped.url).toMatch(/^rtsp:\/\/127\.0\.0\.1:\d+\/[A-Za-z0-9_-]{32}\/live\?x=1$/);
      expect(hopped.url).not.toContain("admin");
      expect(hopped.options).toEqual(["-protocol_whitelist", "rtsp,tcp"]);
    } finally {
      hopped.close();
    }
    expect((await openStreamInput("file:///tmp/clip.mp4", "", "", undefined)).options).toEqual([
      "-protocol_whitelist",
      "file",
    ]);
    for (const odd of ["file:///etc/passwd", "concat:a|b", "pipe:0", "http://cam/live", "/not/a/url"])
      await expect(openStreamInput(odd, "admin", "p", undefined)).rejects.toThrow(StreamInputError);
  });

  it("uses TCP, video only, and the socket timeout under the name this ffmpeg knows", () => {
    expect(streamInputOptions("rtsp://cam/live", 8000, { rtspSocketTimeout: "timeout" })).toEqual([
      "-rtsp_transport",
      "tcp",
      "-allowed_media_types",
      "video",
      "-timeout",
      "4000000",
    ]);
    expect(streamInputOptions("rtsp://cam/live", 60_000, { rtspSocketTimeout: "stimeout" })).toContain(
      "-stimeout",
    );
    expect(streamInputOptions("rtsp://cam/live", 60_000, { rtspSocketTimeout: null })).not.toContain(
      "-timeout",
    );
    expect(streamInputOptions("file:///tmp/clip.mp4", 8000, { rtspSocketTimeout: "timeout" })).toEqual([]);
  });
});
