import type { PictureWindow, StreamInfo } from "../domain/picture.ts";
import { failed, ok, type Probe, type ProbeError } from "../domain/probe.ts";
import type { Secret } from "../domain/secret.ts";
import { describeFailure } from "./ffmpegFailure.ts";
import type { MediaRunner, MediaRunResult } from "./ffmpegRunner.ts";
import { FrameAssembler, PROBE_FRAME, type GrayFrame } from "./frames.ts";
import type { RtspHop } from "../net/rtspHop.ts";
import { openStreamInput, secretForms, socketTimeoutMs, streamInputOptions } from "./rtspInput.ts";
import { parseShowinfo } from "./showinfo.ts";
import { StreamInfoReader } from "./streamInfo.ts";
import type { MediaTools } from "./tools.ts";
import type { Sample } from "./windowStats.ts";
import { splitWindows } from "./windows.ts";

/**
 * One ffmpeg run against a camera's stream: open it (RTSP over TCP), read what it is, decode a
 * few frames per second for two consecutive windows, and measure them. One process does it all:
 * the stream's description comes from ffmpeg's own stderr (no separate ffprobe connection, which
 * would cost a second RTSP session on cameras that allow only a few), the frames arrive as small
 * grey rawvideo on stdout, and each frame's stream timestamp comes from the showinfo filter.
 */

export interface StreamProbeOptions {
  readonly streamUri: string;
  readonly username: string;
  readonly password: Secret;
  /** Whole run, connect included; ffmpeg is killed when it passes. */
  readonly deadlineMs: number;
  /** Length of each window, s (by the stream's timestamps). */
  readonly windowSeconds: number;
  /** Windows per probe. Default 2 (frozen needs two in a row). */
  readonly windows?: number;
  /** Frames sampled per second. Default 4. */
  readonly sampleFps?: number;
  readonly signal?: AbortSignal;
}

export interface StreamProbeDeps {
  readonly runner: MediaRunner;
  readonly tools: Pick<MediaTools, "options">;
  /** Where ffmpeg opens a stream that needs credentials (they never go on its command line). */
  readonly hop?: RtspHop;
}

export interface StreamProbeResult {
  readonly stream: Probe<StreamInfo>;
  readonly windows: readonly Probe<PictureWindow>[];
  /** Frames of the last measured window, for the reference comparison (empty when none). */
  readonly lastWindowFrames: readonly GrayFrame[];
  /** The process run, for diagnostics and benchmarks. */
  readonly run: MediaRunResult;
}

export const DEFAULT_SAMPLE_FPS = 4;

export async function probeStream(
  opts: StreamProbeOptions,
  deps: StreamProbeDeps,
): Promise<StreamProbeResult> {
  const count = opts.windows ?? 2;
  const sampleFps = opts.sampleFps ?? DEFAULT_SAMPLE_FPS;
  if (!(opts.windowSeconds > 0) || !(sampleFps > 0) || !(count >= 1))
    throw new RangeError("windowSeconds, sampleFps and windows must be positive");
  const password = opts.password.reveal();
  const input = await openStreamInput(opts.streamUri, opts.username, password, deps.hop);

  const frames = new FrameAssembler(PROBE_FRAME.width, PROBE_FRAME.height);
  const pts: number[] = [];
  const info = new StreamInfoReader();
  const run = await deps.runner.runFfmpeg({
    input: { url: input.url },
    inputOptions: [...input.options, ...inputOptions(opts, deps.tools.options)],
    outputOptions: outputOptions(opts.windowSeconds * count, sampleFps, deps.tools.options),
    deadlineMs: opts.deadlineMs,
    secrets: secretForms(password),
    onStdout: (chunk) => frames.push(chunk),
    onStderrLine: (line) => {
      info.feed(line);
      const shown = parseShowinfo(line);
      if (shown && shown.n === pts.length) pts.push(shown.ptsTime);
    },
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  // (A route left open by a throw expires by itself, or ends with ffmpeg's connection.)
  input.close();

  // showinfo may report a frame the muxer then cut at -t: pair by order, up to the shorter list.
  const samples: Sample[] = [];
  for (let i = 0; i < Math.min(frames.frames.length, pts.length); i++)
    samples.push({ pts: pts[i]!, frame: frames.frames[i]! });

  const why = endReason(run, info.info !== null, socketTimeoutMs(opts, deps.tools.options));
  if (samples.length === 0) {
    const error = why ?? { kind: "malformed", message: "stream: opened but no frame could be decoded" };
    const detail = info.info ? ` [${describe(info.info)}]` : "";
    return {
      stream: failed({ ...error, message: `${error.message}${detail}` }),
      windows: Array.from({ length: count }, () => failed<PictureWindow>(error)),
      lastWindowFrames: [],
      run,
    };
  }

  const windows = splitWindows(
    samples,
    { windowSeconds: opts.windowSeconds, count, sampleFps },
    why ?? stopped(),
  );
  const stream: Probe<StreamInfo> = info.info
    ? ok(info.info)
    : failed({ kind: "malformed", message: "stream: frames arrived but ffmpeg did not describe the stream" });
  return { stream, windows, lastWindowFrames: lastMeasuredFrames(samples, windows, opts.windowSeconds), run };
}

function endReason(run: MediaRunResult, described: boolean, socketMs: number | null): ProbeError | null {
  if (run.end === "exit" && run.exitCode === 0) return null;
  const error = describeFailure(run, "stream");
  // When its socket timeout fires before the server has said anything, ffmpeg reports
  // "Invalid data found when processing input": it was silence, not bad data.
  if (error.kind === "malformed" && !described && socketMs !== null && run.wallMs >= socketMs * 0.9)
    return {
      kind: "timeout",
      message: `stream: no answer within the ${socketMs} ms socket timeout (${error.message})`,
    };
  return error;
}

const stopped = (): ProbeError => ({ kind: "network", message: "stream: the camera stopped sending" });

function describe(info: StreamInfo): string {
  return `${info.codec} ${info.width}x${info.height}${info.fps ? ` ${info.fps} fps` : ""}`;
}

function lastMeasuredFrames(
  samples: readonly Sample[],
  windows: readonly Probe<PictureWindow>[],
  windowSeconds: number,
): GrayFrame[] {
  const k = windows.map((w) => w.status).lastIndexOf("ok");
  if (k < 0) return [];
  const start = samples[0]!.pts + k * windowSeconds;
  return samples.filter((s) => s.pts >= start && s.pts < start + windowSeconds).map((s) => s.frame);
}

function inputOptions(opts: StreamProbeOptions, names: MediaTools["options"]): string[] {
  // info: the stream description and showinfo lines are logged at that level. One decoder
  // thread and one filter thread (a global option, so it may stand here): a probe is paced by
  // the camera anyway, and thread pools only add CPU (filter threads: ~5 % of a probe's ffmpeg).
  return [
    "-loglevel",
    "info",
    "-nostats",
    "-threads",
    "1",
    "-filter_threads",
    "1",
    "-analyzeduration",
    "1000000",
    ...streamInputOptions(opts.streamUri, opts.deadlineMs, names),
  ];
}

function outputOptions(seconds: number, sampleFps: number, names: MediaTools["options"]): string[] {
  // select keeps the stream's own frames (and timestamps) at most sampleFps per second; the
  // fps filter would instead invent duplicates to fill gaps, which look exactly like a freeze.
  const interval = (0.95 / sampleFps).toFixed(4);
  // The run's length is counted from the first decoded frame (trim), not by the output's -t:
  // joining a shared stream mid-GOP, the decoder waits for a keyframe, and -t counts that wait
  // as sampled time, cutting the second window short.
  const filter = [
    `trim=duration=${(seconds + 0.5 / sampleFps).toFixed(3)}`,
    `select=isnan(prev_selected_t)+gte(t-prev_selected_t\\,${interval})`,
    `scale=${PROBE_FRAME.width}:${PROBE_FRAME.height}:flags=area`,
    "format=gray",
    "showinfo",
  ].join(",");
  const maxFrames = Math.ceil(seconds * sampleFps * 1.2) + 4;
  return [
    "-map",
    "0:v:0",
    "-an",
    "-sn",
    "-dn",
    "-vf",
    filter,
    // Passthrough: never duplicate frames to a constant rate (duplicates would read as frozen).
    `-${names.passthroughTiming}`,
    "passthrough",
    "-frames:v",
    String(maxFrames),
    "-pix_fmt",
    "gray",
    "-f",
    "rawvideo",
  ];
}
