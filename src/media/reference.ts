import { createHash } from "node:crypto";
import { mkdir, readFile, rename, stat, unlink, writeFile } from "node:fs/promises";
import { dirname, extname } from "node:path";
import type { ProbeError } from "../domain/probe.ts";
import type { Secret } from "../domain/secret.ts";
import type { DeviceTls } from "../domain/site.ts";
import type { DeviceHttp } from "../net/types.ts";
import { decodeImage, imageType } from "./decodeImage.ts";
import { describeFailure } from "./ffmpegFailure.ts";
import type { MediaRunner } from "./ffmpegRunner.ts";
import type { GrayFrame } from "./frames.ts";
import type { RtspHop } from "../net/rtspHop.ts";
import { openStreamInput, secretForms, streamInputOptions } from "./rtspInput.ts";
import { fetchSnapshot } from "./snapshot.ts";
import type { MediaTools } from "./tools.ts";

/**
 * The approved reference frame of a camera: captured once by the operator (`reference`
 * command), stored as an ordinary PNG or JPEG a person can look at, and compared at every probe.
 */

/** Decoded references by path, kept while the file is unchanged (size and mtime). Owned by the caller. */
export type ReferenceCache = Map<
  string,
  { readonly mtimeMs: number; readonly size: number; readonly frame: GrayFrame }
>;

export async function loadReference(
  path: string,
  runner: MediaRunner,
  opts: { readonly deadlineMs: number; readonly cache?: ReferenceCache; readonly signal?: AbortSignal },
): Promise<{ readonly frame: GrayFrame } | { readonly error: ProbeError }> {
  let bytes: Buffer;
  let info: { mtimeMs: number; size: number };
  try {
    info = await stat(path);
    const hit = opts.cache?.get(path);
    if (hit && hit.mtimeMs === info.mtimeMs && hit.size === info.size) return { frame: hit.frame };
    bytes = await readFile(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "unreadable";
    return { error: { kind: "fault", message: `reference frame ${path}: cannot be read (${code})` } };
  }
  if (!imageType(bytes))
    return { error: { kind: "malformed", message: `reference frame ${path}: not a PNG or JPEG` } };
  const decoded = await decodeImage(bytes, runner, {
    deadlineMs: opts.deadlineMs,
    what: `reference frame ${path}`,
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  if ("frame" in decoded)
    opts.cache?.set(path, { mtimeMs: info.mtimeMs, size: info.size, frame: decoded.frame });
  return decoded;
}

export type ReferenceSource =
  { readonly streamUri: string } | { readonly snapshotUri: string; readonly tls?: DeviceTls | null };

export interface CaptureReferenceOptions {
  readonly source: ReferenceSource;
  readonly username: string;
  readonly password: Secret;
  /** Where to write; the extension says the format: .png, .jpg or .jpeg. */
  readonly path: string;
  readonly deadlineMs: number;
  /** From a stream: skip this many seconds first (the first frames after connecting may be partial). Default 1. */
  readonly skipSeconds?: number;
  readonly signal?: AbortSignal;
}

export interface CapturedReference {
  readonly path: string;
  readonly format: "png" | "jpeg";
  readonly bytes: number;
  /** sha256 of the file, hex: evidence of which frame was approved. */
  readonly sha256: string;
}

export interface CaptureDeps {
  readonly runner: MediaRunner;
  readonly tools: Pick<MediaTools, "options">;
  /** Needed for snapshot sources. */
  readonly http?: DeviceHttp;
  /** Where ffmpeg opens a stream that needs credentials (they never go on its command line). */
  readonly hop?: RtspHop;
}

export class ReferenceCaptureError extends Error {
  readonly error: ProbeError;
  constructor(error: ProbeError) {
    super(error.message);
    this.name = "ReferenceCaptureError";
    this.error = error;
  }
}

/** Grabs one full-resolution frame and writes it to `path` (atomically: temp file, then rename). */
export async function captureReference(
  opts: CaptureReferenceOptions,
  deps: CaptureDeps,
): Promise<CapturedReference> {
  const format = formatOf(opts.path);
  const password = opts.password.reveal();
  const encode = format === "png" ? ["-c:v", "png"] : ["-c:v", "mjpeg", "-q:v", "2"];
  let image: Buffer;

  if ("streamUri" in opts.source) {
    const input = await openStreamInput(opts.source.streamUri, opts.username, password, deps.hop);
    const run = await deps.runner.runFfmpeg({
      input: { url: input.url },
      inputOptions: [
        ...input.options,
        "-loglevel",
        "error",
        ...streamInputOptions(opts.source.streamUri, opts.deadlineMs, deps.tools.options),
      ],
      outputOptions: [
        "-map",
        "0:v:0",
        "-ss",
        String(opts.skipSeconds ?? 1),
        "-frames:v",
        "1",
        ...encode,
        "-f",
        "image2pipe",
      ],
      deadlineMs: opts.deadlineMs,
      secrets: secretForms(password),
      maxStdoutBytes: 64 * 1024 * 1024,
      ...(opts.signal ? { signal: opts.signal } : {}),
    });
    input.close();
    if (run.end !== "exit" || run.exitCode !== 0 || run.stdout.length === 0)
      throw new ReferenceCaptureError(describeFailure(run, "reference from stream"));
    image = run.stdout;
  } else {
    if (!deps.http) throw new TypeError("a snapshot source needs deps.http");
    const shot = await fetchSnapshot(
      {
        snapshotUri: opts.source.snapshotUri,
        username: opts.username,
        password: opts.password,
        deadlineMs: opts.deadlineMs,
        ...(opts.source.tls !== undefined ? { tls: opts.source.tls } : {}),
        ...(opts.signal ? { signal: opts.signal } : {}),
      },
      deps.http,
    );
    if ("error" in shot) throw new ReferenceCaptureError(shot.error);
    image = shot.bytes;
    if (imageType(image) !== format) {
      const run = await deps.runner.runFfmpeg({
        input: { stdin: image },
        inputOptions: ["-loglevel", "error"],
        outputOptions: ["-frames:v", "1", ...encode, "-f", "image2pipe"],
        deadlineMs: opts.deadlineMs,
        maxStdoutBytes: 64 * 1024 * 1024,
      });
      if (run.end !== "exit" || run.exitCode !== 0 || run.stdout.length === 0)
        throw new ReferenceCaptureError(describeFailure(run, "reference from snapshot"));
      image = run.stdout;
    }
  }

  const tmp = `${opts.path}.${process.pid}.partial`;
  await mkdir(dirname(opts.path), { recursive: true });
  try {
    await writeFile(tmp, image, { mode: 0o644 });
    await rename(tmp, opts.path);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
  return {
    path: opts.path,
    format,
    bytes: image.length,
    sha256: createHash("sha256").update(image).digest("hex"),
  };
}

function formatOf(path: string): "png" | "jpeg" {
  const ext = extname(path).toLowerCase();
  if (ext === ".png") return "png";
  if (ext === ".jpg" || ext === ".jpeg") return "jpeg";
  throw new TypeError(`reference path must end in .png, .jpg or .jpeg: ${path}`);
}
