import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { mkdir, rename, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { PictureKind, VideoEncoding } from "../scenario.ts";
import { GOP, framesOf, sceneGraph } from "./scenes.ts";

/*
 * The one place the simulator runs ffmpeg. The house rule "only media/ runs ffmpeg" is about
 * production code; the simulator is a stand-in camera, and it must not import media/ (a
 * misreading of video in the client must not hide in the device), so it spawns the system
 * ffmpeg itself, here and nowhere else.
 *
 * Each output is made once and kept in a cache folder under a name that carries a hash of the
 * exact ffmpeg arguments (a changed recipe makes a new file). Several simulators may start at
 * once, in one process or many: each writes to its own temporary name and renames it into
 * place, so a reader never sees half a file and the last writer wins with identical content.
 */

export interface GenerateOptions {
  /** The ffmpeg binary. */
  readonly ffmpegPath: string;
  /** Where generated files are kept. */
  readonly cacheDir: string;
  /** Kill an ffmpeg run after this long. Default 60 s. */
  readonly timeoutMs?: number;
}

export class VideoGenerationError extends Error {
  override readonly name = "VideoGenerationError";
}

/** var/sim-cache in the project (git-ignored), or the system temp folder when that is not writable. */
export async function defaultCacheDir(): Promise<string> {
  const inProject = fileURLToPath(new URL("../../../var/sim-cache/", import.meta.url));
  try {
    await mkdir(inProject, { recursive: true });
    return inProject;
  } catch {
    return join(tmpdir(), "nurserywatch-sim-cache");
  }
}

/** Snapshot pictures per second of clip (eight over a 4 s clip). */
const SNAPSHOTS_PER_SECOND = 2;

const COMMON = ["-hide_banner", "-nostdin", "-loglevel", "error", "-y"];

/** Encoder settings of a camera main stream: no B-frames, fixed GOP, an AUD before each picture, headers with each IDR. */
function encoderArgs(encoding: VideoEncoding): string[] {
  if (encoding === "H264") {
    return [
      "-c:v",
      "libx264",
      "-preset",
      "veryfast",
      "-profile:v",
      "main",
      "-crf",
      "28",
      "-bf",
      "0",
      "-g",
      String(GOP),
      "-keyint_min",
      String(GOP),
      "-sc_threshold",
      "0",
      "-x264-params",
      "aud=1:repeat-headers=1",
      "-f",
      "h264",
    ];
  }
  return [
    "-c:v",
    "libx265",
    "-preset",
    "ultrafast",
    "-crf",
    "26",
    "-x265-params",
    `keyint=${GOP}:min-keyint=${GOP}:scenecut=0:bframes=0:aud=1:repeat-headers=1:log-level=error`,
    "-f",
    "hevc",
  ];
}

/** An Annex-B elementary stream of `kind` in `encoding` (see scenes.ts); resolves to its path. */
export function ensureClipFile(
  opts: GenerateOptions,
  kind: PictureKind,
  encoding: VideoEncoding,
): Promise<string> {
  const args = [
    ...COMMON,
    "-f",
    "lavfi",
    "-i",
    sceneGraph(kind),
    "-frames:v",
    String(framesOf(kind)),
    ...encoderArgs(encoding),
  ];
  return cached(opts, `${kind}-${encoding.toLowerCase()}`, encoding === "H264" ? "h264" : "h265", args);
}

/** Concatenated JPEG pictures of `kind`, two per second of the clip (snapshot.ts serves them in turn). */
export function ensureSnapshotFile(opts: GenerateOptions, kind: PictureKind): Promise<string> {
  const args = [
    ...COMMON,
    "-f",
    "lavfi",
    "-i",
    sceneGraph(kind),
    "-vf",
    `fps=${SNAPSHOTS_PER_SECOND}`,
    ...(kind === "frozen" ? ["-frames:v", "1"] : []),
    "-pix_fmt",
    "yuvj420p",
    "-c:v",
    "mjpeg",
    "-q:v",
    "5",
    "-f",
    "mjpeg",
  ];
  return cached(opts, `${kind}-snapshots`, "mjpeg", args);
}

async function cached(opts: GenerateOptions, name: string, ext: string, args: string[]): Promise<string> {
  const hash = createHash("sha256").update(args.join("\0")).digest("hex").slice(0, 12);
  const target = join(opts.cacheDir, `${name}-${hash}.${ext}`);
  if (await nonEmpty(target)) return target;
  await mkdir(opts.cacheDir, { recursive: true });
  const temp = `${target}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  try {
    await run(opts.ffmpegPath, [...args, temp], opts.timeoutMs ?? 60_000);
    if (!(await nonEmpty(temp))) throw new VideoGenerationError(`ffmpeg wrote nothing for ${name}`);
    await rename(temp, target);
  } finally {
    await rm(temp, { force: true });
  }
  return target;
}

async function nonEmpty(path: string): Promise<boolean> {
  try {
    return (await stat(path)).size > 0;
  } catch {
    return false;
  }
}

function run(ffmpeg: string, args: string[], timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(ffmpeg, args, { stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (s: string) => {
      if (stderr.length < 4096) stderr += s;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("error", (e: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(
        new VideoGenerationError(
          e.code === "ENOENT"
            ? `ffmpeg not found at "${ffmpeg}" (the simulated cameras need it to make their video)`
            : `cannot run ffmpeg: ${e.message}`,
        ),
      );
    });
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve();
      else
        reject(
          new VideoGenerationError(
            `ffmpeg failed (${signal ?? `exit ${code}`}): ${stderr.trim().slice(0, 1000) || "no message"}`,
          ),
        );
    });
  });
}
