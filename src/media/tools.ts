import { constants } from "node:fs";
import { access } from "node:fs/promises";
import { createRequire } from "node:module";
import { delimiter, join } from "node:path";
import { runTool, type MediaRunResult } from "./ffmpegRunner.ts";

/**
 * Finding ffmpeg and ffprobe. Debian's packages (on the search path) are the supported install;
 * the static builds shipped on npm (@ffmpeg-installer, @ffprobe-installer) are the fallback, so
 * the quick start works without root. The CLI prints the result at startup.
 */

export interface MediaBinary {
  readonly path: string;
  /** As the binary states it: "5.1.9-0+deb12u1", or a git build name such as "N-47683-g0e8eb07980-static". */
  readonly version: string;
  readonly source: "system" | "npm";
}

/** How this ffmpeg spells the options the probes need: both were renamed between releases. */
export interface MediaOptionNames {
  /**
   * RTSP socket I/O timeout (µs): "timeout" since ffmpeg 5, "stimeout" before. Before 5,
   * `-timeout` meant "listen as a server", so guessing wrong would make the probe wait for a
   * connection instead of making one. null: neither is known; only our deadline bounds the run.
   */
  readonly rtspSocketTimeout: "timeout" | "stimeout" | null;
  /** Keep the stream's own timestamps (no duplicated frames): `-fps_mode` since 5.1, else `-vsync`. */
  readonly passthroughTiming: "fps_mode" | "vsync";
}

export interface MediaTools {
  readonly ffmpeg: MediaBinary;
  readonly ffprobe: MediaBinary;
  /** The filters the probes use, and whether this ffmpeg has each. */
  readonly filters: Readonly<Record<string, boolean>>;
  readonly options: MediaOptionNames;
}

/** Filters the picture probes run (probeStream.ts, frames.ts). */
export const PROBE_FILTERS = ["trim", "select", "scale", "format", "showinfo"] as const;

export interface DetectMediaToolsOptions {
  /**
   * PATH-style list of directories to search first. The caller passes the environment's PATH
   * (only config/ reads the environment); default: the standard system directories.
   */
  readonly searchPath?: string;
  /** Fall back to the npm-shipped builds. Default true. */
  readonly npmFallback?: boolean;
  /** Per query. Default 10 s (the static builds are large and slow to start from a cold cache). */
  readonly deadlineMs?: number;
}

export const DEFAULT_SEARCH_PATH = ["/usr/local/bin", "/usr/bin", "/bin"].join(delimiter);

export class MediaToolsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "MediaToolsError";
  }
}

type Tool = "ffmpeg" | "ffprobe";

const NPM_PACKAGES: Record<Tool, string> = {
  ffmpeg: "@ffmpeg-installer/ffmpeg",
  ffprobe: "@ffprobe-installer/ffprobe",
};

export async function detectMediaTools(opts: DetectMediaToolsOptions = {}): Promise<MediaTools> {
  const deadlineMs = opts.deadlineMs ?? 10_000;
  const dirs = (opts.searchPath ?? DEFAULT_SEARCH_PATH).split(delimiter).filter((d) => d.length > 0);
  const npm = opts.npmFallback ?? true;

  // Both looked for before failing, so the message names everything missing, in a fixed order.
  const [ffmpegFound, ffprobeFound] = await Promise.allSettled([
    findBinary("ffmpeg", dirs, npm, deadlineMs),
    findBinary("ffprobe", dirs, npm, deadlineMs),
  ]);
  if (ffmpegFound.status === "rejected" || ffprobeFound.status === "rejected") {
    const failures = [ffmpegFound, ffprobeFound].flatMap((r) =>
      r.status === "rejected" ? [r.reason as Error] : [],
    );
    const unexpected = failures.find((e) => !(e instanceof MediaToolsError));
    if (unexpected) throw unexpected;
    throw new MediaToolsError(failures.map((e) => e.message).join("\n"));
  }
  const ffmpegBin = ffmpegFound.value;
  const ffprobeBin = ffprobeFound.value;

  const [filtersOut, rtspHelp, longHelp] = await Promise.all([
    query(ffmpegBin.path, ["-hide_banner", "-filters"], deadlineMs),
    query(ffmpegBin.path, ["-hide_banner", "-h", "demuxer=rtsp"], deadlineMs),
    query(ffmpegBin.path, ["-hide_banner", "-h", "long"], deadlineMs),
  ]);
  const available = parseFilterNames(filtersOut);
  const filters = Object.fromEntries(PROBE_FILTERS.map((f) => [f, available.has(f)]));

  return {
    ffmpeg: ffmpegBin,
    ffprobe: ffprobeBin,
    filters,
    options: { rtspSocketTimeout: rtspTimeoutOption(rtspHelp), passthroughTiming: timingOption(longHelp) },
  };
}

/** The filters of PROBE_FILTERS this ffmpeg lacks (empty when probes can run). */
export function missingProbeFilters(tools: MediaTools): string[] {
  return PROBE_FILTERS.filter((f) => tools.filters[f] !== true);
}

async function findBinary(
  tool: Tool,
  dirs: readonly string[],
  npm: boolean,
  deadlineMs: number,
): Promise<MediaBinary> {
  const tried: string[] = [];
  for (const dir of dirs) {
    const path = join(dir, tool);
    if (!(await isExecutable(path))) continue;
    tried.push(path);
    const version = await versionOf(path, deadlineMs);
    if (version) return { path, version, source: "system" };
  }
  if (npm) {
    const path = npmBinaryPath(tool);
    if (path) {
      tried.push(path);
      const version = await versionOf(path, deadlineMs);
      if (version) return { path, version, source: "npm" };
    }
  }
  const where = [
    `${dirs.join(", ") || "(no directories)"}`,
    ...(npm ? [`the ${NPM_PACKAGES[tool]} package`] : []),
  ];
  const found = tried.length > 0 ? ` (found but not runnable: ${tried.join(", ")})` : "";
  throw new MediaToolsError(
    `${tool} not found in ${where.join(" or ")}${found}. Install Debian's ffmpeg package (apt-get install ffmpeg), ` +
      `or reinstall the npm dependencies (${NPM_PACKAGES.ffmpeg}, ${NPM_PACKAGES.ffprobe}).`,
  );
}

async function isExecutable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function npmBinaryPath(tool: Tool): string | null {
  try {
    const require = createRequire(import.meta.url);
    const mod = require(NPM_PACKAGES[tool]) as { path?: unknown };
    return typeof mod.path === "string" ? mod.path : null;
  } catch {
    // The installer packages throw (sometimes a bare string) when their platform build is absent.
    return null;
  }
}

async function versionOf(path: string, deadlineMs: number): Promise<string | null> {
  const out = await runTool(path, { args: ["-hide_banner", "-version"], deadlineMs });
  if (out.end !== "exit" || out.exitCode !== 0) return null;
  return parseVersion(out.stdout.toString("utf8"));
}

async function query(path: string, args: readonly string[], deadlineMs: number): Promise<string> {
  const out: MediaRunResult = await runTool(path, { args, deadlineMs });
  return out.end === "exit" ? out.stdout.toString("utf8") : "";
}

/** "ffmpeg version 5.1.9-0+deb12u1 Copyright ..." -> "5.1.9-0+deb12u1". */
export function parseVersion(text: string): string | null {
  const m = /^\s*ff(?:mpeg|probe) version (\S+)/m.exec(text);
  return m?.[1] ?? null;
}

/** Names from `ffmpeg -filters` (" TSC name  V->V  description"; older builds lack the flags column). */
export function parseFilterNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const line of text.split("\n")) {
    const m = /^\s*(?:[T.][S.][C.]\s+)?([A-Za-z0-9_]+)\s+[AVN|]+->[AVN|]+\s/.exec(line);
    if (m?.[1]) names.add(m[1]);
  }
  return names;
}

export function rtspTimeoutOption(rtspHelp: string): MediaOptionNames["rtspSocketTimeout"] {
  if (/^\s*-stimeout\s/m.test(rtspHelp)) return "stimeout";
  if (/^\s*-timeout\s+<int(?:64)?>.*socket/m.test(rtspHelp)) return "timeout";
  return null;
}

export function timingOption(longHelp: string): MediaOptionNames["passthroughTiming"] {
  return /^\s*-fps_mode\s/m.test(longHelp) ? "fps_mode" : "vsync";
}
