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

/** The live processes, other than this one, that carry `tag` in their environment. */
export function findStrays(tag: string): StrayProcess[] {
  const marker = `${RUN_TAG_VARIABLE}=${tag}`;
  const out: StrayProcess[] = [];
  for (const entry of readdirSync("/proc")) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
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
