import type { ProbeError } from "../domain/probe.ts";
import { describeFailure } from "./ffmpegFailure.ts";
import type { MediaRunner } from "./ffmpegRunner.ts";
import { PROBE_FRAME, type GrayFrame } from "./frames.ts";

/**
 * One still picture (JPEG snapshot, PNG or JPEG reference file) to the probe's small grey frame,
 * through the same scaler as the stream frames, so that the two compare like for like. The bytes
 * go in on stdin: no temporary file, and no file name for ffmpeg to interpret as a protocol.
 */
export async function decodeImage(
  bytes: Uint8Array,
  runner: MediaRunner,
  opts: { readonly deadlineMs: number; readonly what: string; readonly signal?: AbortSignal },
): Promise<{ readonly frame: GrayFrame } | { readonly error: ProbeError }> {
  const run = await runner.runFfmpeg({
    input: { stdin: bytes },
    inputOptions: ["-loglevel", "error"],
    outputOptions: [
      "-frames:v",
      "1",
      "-vf",
      `scale=${PROBE_FRAME.width}:${PROBE_FRAME.height}:flags=area,format=gray`,
      "-pix_fmt",
      "gray",
      "-f",
      "rawvideo",
    ],
    deadlineMs: opts.deadlineMs,
    maxStdoutBytes: PROBE_FRAME.width * PROBE_FRAME.height,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  if (
    run.end !== "exit" ||
    run.exitCode !== 0 ||
    run.stdout.length !== PROBE_FRAME.width * PROBE_FRAME.height
  ) {
    const error = describeFailure(run, opts.what);
    return {
      error:
        run.end === "exit" ? { kind: "malformed", message: `${opts.what}: not a decodable image` } : error,
    };
  }
  return {
    frame: { width: PROBE_FRAME.width, height: PROBE_FRAME.height, data: new Uint8Array(run.stdout) },
  };
}

/** JPEG or PNG by their first bytes: cameras answer errors with HTML and status 200. */
export function imageType(bytes: Uint8Array): "jpeg" | "png" | null {
  if (bytes.length > 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return "jpeg";
  if (bytes.length > 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47)
    return "png";
  return null;
}
