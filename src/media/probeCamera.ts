import type { PictureObservation, PictureWindow, ReferenceComparison } from "../domain/picture.ts";
import { failed, ok, unsupported, type Probe, type ProbeError } from "../domain/probe.ts";
import type { Secret } from "../domain/secret.ts";
import type { DeviceTls } from "../domain/site.ts";
import type { RtspHop } from "../net/rtspHop.ts";
import type { DeviceHttp } from "../net/types.ts";
import { viewSimilarity } from "./compareView.ts";
import { decodeImage } from "./decodeImage.ts";
import type { MediaRunner } from "./ffmpegRunner.ts";
import { meanFrame, type GrayFrame } from "./frames.ts";
import { loadReference, type ReferenceCache } from "./reference.ts";
import { fetchSnapshot } from "./snapshot.ts";
import { probeStream } from "./probeStream.ts";
import { addressProblem, SNAPSHOT_SCHEMES, STREAM_SCHEMES } from "./rtspInput.ts";
import type { MediaTools } from "./tools.ts";
import { measureWindow } from "./windowStats.ts";

/**
 * Looking at one camera: the measurements behind camera_offline (stream side), image_black,
 * image_frozen and view_changed. Measures only; compliance/ judges.
 */

export interface CameraProbeDeps {
  readonly runner: MediaRunner;
  readonly tools: Pick<MediaTools, "options">;
  /** Our clock, ms since the epoch (startedAt). */
  readonly now: () => number;
  /** For snapshots. */
  readonly http?: DeviceHttp;
  /** Decoded reference frames, kept between probes by the caller. */
  readonly referenceCache?: ReferenceCache;
  /** Where ffmpeg opens a stream that needs credentials (they never go on its command line). */
  readonly hop?: RtspHop;
}

export interface ReferenceSpec {
  readonly path: string;
  /** What the observation names it by (e.g. the path relative to the config). Default: path. */
  readonly label?: string;
}

interface CommonProbeOptions {
  readonly cameraId: string;
  readonly username: string;
  readonly password: Secret;
  readonly reference?: ReferenceSpec | null;
  readonly deadlineMs: number;
  readonly signal?: AbortSignal;
}

export interface CameraProbeOptions extends CommonProbeOptions {
  readonly streamUri: string;
  /** Used for the reference comparison when the stream gave no frame to compare. */
  readonly snapshotUri?: string | null;
  readonly snapshotTls?: DeviceTls | null;
  /** Length of each of the two windows, s. */
  readonly windowSeconds: number;
  /** Frames sampled per second. Default 4. */
  readonly sampleFps?: number;
}

/** Deadline for decoding one still picture (snapshot or reference file). */
const STILL_DEADLINE_MS = 5000;

/**
 * Opens the stream, measures two consecutive windows, and compares the view with the approved
 * reference. The comparison uses the stream's own frames (the mean of the last window: free, as
 * they are decoded anyway, and steadier than one frame); the snapshot is fetched only when the
 * stream gave nothing to compare.
 */
export async function probeCamera(
  opts: CameraProbeOptions,
  deps: CameraProbeDeps,
): Promise<PictureObservation> {
  const startedAt = new Date(deps.now()).toISOString();
  const started = deps.now();
  // An address the device made up (file:, concat:, a pipe, another scheme) is never opened: the
  // camera's stream is then unavailable, with the reason, and the probe goes on with the others.
  const problem = addressProblem(opts.streamUri, STREAM_SCHEMES, "stream");
  if (problem !== null) {
    const error: ProbeError = { kind: "bad_argument", message: `stream: ${problem}` };
    return {
      cameraId: opts.cameraId,
      startedAt,
      via: "stream",
      stream: failed(error),
      windows: [failed(error), failed(error)],
      reference: opts.reference ? failed(error) : null,
    };
  }
  const probe = await probeStream(
    {
      streamUri: opts.streamUri,
      username: opts.username,
      password: opts.password,
      deadlineMs: opts.deadlineMs,
      windowSeconds: opts.windowSeconds,
      ...(opts.sampleFps !== undefined ? { sampleFps: opts.sampleFps } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    },
    deps,
  );

  let reference: Probe<ReferenceComparison> | null = null;
  if (opts.reference) {
    let current: { frame: GrayFrame } | { error: ProbeError };
    if (probe.lastWindowFrames.length > 0) current = { frame: meanFrame(probe.lastWindowFrames) };
    else if (opts.snapshotUri && deps.http)
      current = await snapshotFrame(
        { ...opts, snapshotUri: opts.snapshotUri, tls: opts.snapshotTls ?? null },
        deps,
        started,
      );
    else current = { error: streamError(probe.stream, probe.windows) };
    reference = await compareWithReference(current, opts.reference, deps, opts.signal);
  }

  return {
    cameraId: opts.cameraId,
    startedAt,
    via: "stream",
    stream: probe.stream,
    windows: probe.windows,
    reference,
  };
}

export interface SnapshotProbeOptions extends CommonProbeOptions {
  readonly snapshotUri: string;
  readonly tls?: DeviceTls | null;
}

/**
 * The cheap look: one snapshot, no RTSP. It can tell black and view_changed, not frozen (one
 * picture has no timestamps to advance): its single window has frames 1 and ptsAdvanceMs 0, and
 * the stream is `unsupported`.
 */
export async function probeSnapshot(
  opts: SnapshotProbeOptions,
  deps: CameraProbeDeps,
): Promise<PictureObservation> {
  const startedAt = new Date(deps.now()).toISOString();
  const current = await snapshotFrame(opts, deps, deps.now());
  const window: Probe<PictureWindow> =
    "frame" in current ? ok(measureWindow([{ pts: 0, frame: current.frame }])) : failed(current.error);
  return {
    cameraId: opts.cameraId,
    startedAt,
    via: "snapshot",
    stream: unsupported("snapshot probe: the stream was not opened"),
    windows: [window],
    reference: opts.reference ? await compareWithReference(current, opts.reference, deps, opts.signal) : null,
  };
}

async function snapshotFrame(
  opts: CommonProbeOptions & { readonly snapshotUri: string; readonly tls?: DeviceTls | null },
  deps: CameraProbeDeps,
  started: number,
): Promise<{ frame: GrayFrame } | { error: ProbeError }> {
  if (!deps.http) return { error: { kind: "fault", message: "snapshot: no HTTP client configured" } };
  const problem = addressProblem(opts.snapshotUri, SNAPSHOT_SCHEMES, "snapshot");
  if (problem !== null) return { error: { kind: "bad_argument", message: `snapshot: ${problem}` } };
  const left = Math.max(1, opts.deadlineMs - (deps.now() - started));
  const shot = await fetchSnapshot(
    {
      snapshotUri: opts.snapshotUri,
      username: opts.username,
      password: opts.password,
      deadlineMs: left,
      ...(opts.tls !== undefined ? { tls: opts.tls } : {}),
      ...(opts.signal ? { signal: opts.signal } : {}),
    },
    deps.http,
  );
  if ("error" in shot) return shot;
  return decodeImage(shot.bytes, deps.runner, {
    deadlineMs: STILL_DEADLINE_MS,
    what: "snapshot",
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
}

async function compareWithReference(
  current: { frame: GrayFrame } | { error: ProbeError },
  spec: ReferenceSpec,
  deps: CameraProbeDeps,
  signal: AbortSignal | undefined,
): Promise<Probe<ReferenceComparison>> {
  if ("error" in current) return failed(current.error);
  const ref = await loadReference(spec.path, deps.runner, {
    deadlineMs: STILL_DEADLINE_MS,
    ...(deps.referenceCache ? { cache: deps.referenceCache } : {}),
    ...(signal ? { signal } : {}),
  });
  if ("error" in ref) return failed(ref.error);
  return ok({ similarity: viewSimilarity(current.frame, ref.frame), reference: spec.label ?? spec.path });
}

function streamError(stream: Probe<unknown>, windows: readonly Probe<PictureWindow>[]): ProbeError {
  if (stream.status === "failed") return stream.error;
  const w = windows.find((x) => x.status === "failed");
  if (w?.status === "failed") return w.error;
  return { kind: "malformed", message: "no frame to compare with the reference" };
}
