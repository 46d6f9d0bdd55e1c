import { execFile } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { promisify } from "node:util";
import pLimit from "p-limit";
import { createMediaRunner, type MediaLogger, type MediaRunner } from "../../../src/media/ffmpegRunner.ts";
import { detectMediaTools, type MediaTools } from "../../../src/media/tools.ts";

const exec = promisify(execFile);

let toolsOnce: Promise<MediaTools> | null = null;
/** Debian's ffmpeg (the supported install), found once per test file. */
export const systemTools = (): Promise<MediaTools> => (toolsOnce ??= detectMediaTools());

/** A runner over the system tools that records every process and every log line. */
export async function recordingRunner(limit = 4): Promise<{
  runner: MediaRunner;
  tools: MediaTools;
  pids: number[];
  logs: string[];
}> {
  const tools = await systemTools();
  const pids: number[] = [];
  const logs: string[] = [];
  const logger: MediaLogger = {
    debug: (obj, msg) => logs.push(`${msg} ${JSON.stringify(obj)}`),
    warn: (obj, msg) => logs.push(`${msg} ${JSON.stringify(obj)}`),
  };
  const runner = createMediaRunner({
    ffmpegPath: tools.ffmpeg.path,
    ffprobePath: tools.ffprobe.path,
    limit: pLimit(limit),
    logger,
    onProcess: (e) => {
      if (e.state === "started") pids.push(e.pid);
    },
  });
  return { runner, tools, pids, logs };
}

/** Runs the system ffmpeg to make a test input (not the code under test). */
export async function ffmpegCli(args: readonly string[]): Promise<Buffer> {
  const { stdout } = await exec("/usr/bin/ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", ...args], {
    encoding: "buffer",
    maxBuffer: 256 * 1024 * 1024,
  });
  return stdout;
}

/** Whether a process exists at all (a zombie counts: it has not been reaped). */
export function processExists(pid: number): boolean {
  try {
    readFileSync(`/proc/${pid}/stat`);
    return true;
  } catch {
    return false;
  }
}

/** Live children of this process whose command is `name` (from /proc). */
export function childProcesses(name: string): number[] {
  const out: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
      // pid (comm) state ppid ...
      const m = /^\d+ \((.*)\) (\S) (\d+)/.exec(stat);
      if (m && m[1] === name && Number(m[3]) === process.pid) out.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}
