import { readFileSync, readdirSync } from "node:fs";

/**
 * Every process a test run starts, however deep (the CLI, the simulator it spawns, ffmpeg,
 * GStreamer, a private redis-server), inherits this variable: the run's tag. A process that
 * still carries it once the run is over was left behind by a test, whatever happened to that
 * test (passed, failed, could not load, its worker was killed).
 */
export const RUN_TAG_VARIABLE = "NW_TEST_RUN";

export interface StrayProcess {
  readonly pid: number;
  readonly command: string;
}

/** This process and those that started it (npm, the shell, scripts/test.sh): they carry the tag too. */
function selfAndAncestors(): Set<number> {
  const out = new Set<number>();
  for (let pid = process.pid; pid > 1 && !out.has(pid);) {
    out.add(pid);
    try {
      // /proc/PID/stat: "pid (comm) state ppid ..."; comm may hold spaces, so read after the last ")".
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      pid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
    } catch {
      break;
    }
  }
  return out;
}

/** The live processes, other than this one and its ancestors, that carry `tag` in their environment. */
export function findStrays(tag: string): StrayProcess[] {
  const marker = `${RUN_TAG_VARIABLE}=${tag}`;
  const skip = selfAndAncestors();
  const out: StrayProcess[] = [];
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || skip.has(pid)) continue;
    try {
      const environ = readFileSync(`/proc/${pid}/environ`, "latin1").split("\0");
      if (!environ.includes(marker)) continue;
      const command = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").join(" ").trim();
      if (command === "") continue; // a zombie: already dead, only waiting to be reaped
      out.push({ pid, command });
    } catch {
      // gone meanwhile, or not ours to read
    }
  }
  return out;
}

/** Kills the given processes (SIGKILL: they had their chance to stop). */
export function killStrays(strays: readonly StrayProcess[]): void {
  for (const s of strays) {
    try {
      process.kill(s.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
}
