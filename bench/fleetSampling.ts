import { execFileSync } from "node:child_process";
import { readFileSync } from "node:fs";
import type { Queue } from "bullmq";
import type { Redis } from "ioredis";

/** What the fleet benchmark reads from /proc, from Redis and from BullMQ's event stream. */

const CLK_TCK = (() => {
  try {
    const n = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8" }).trim());
    return Number.isInteger(n) && n > 0 ? n : 100;
  } catch {
    return 100;
  }
})();

export interface ProcSample {
  /** user + system CPU of the process so far, ms. */
  readonly cpuMs: number;
  readonly rssKb: number;
  /** Peak RSS so far. */
  readonly hwmKb: number;
}

/** CPU (utime + stime of /proc/PID/stat) and VmRSS/VmHWM of /proc/PID/status; null once it is gone. */
export function procSample(pid: number): ProcSample | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name may hold spaces and parentheses: the fields start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    // Fields 14 and 15 of the man page (utime, stime) are 11 and 12 here (state is field 3).
    const ticks = Number(fields[11]) + Number(fields[12]);
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const kb = (name: string): number =>
      Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0);
    return { cpuMs: (ticks * 1000) / CLK_TCK, rssKb: kb("VmRSS"), hwmKb: kb("VmHWM") };
  } catch {
    return null;
  }
}

/** Busy and total CPU time of the whole machine (all cores), ms, from /proc/stat. */
export function machineCpu(): { busyMs: number; totalMs: number } {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
  const v = line.trim().split(/\s+/).slice(1).map(Number);
  // user nice system idle iowait irq softirq steal (guest time is already inside user).
  const idle = (v[3] ?? 0) + (v[4] ?? 0);
  const total = v.slice(0, 8).reduce((a, b) => a + b, 0);
  return { busyMs: ((total - idle) * 1000) / CLK_TCK, totalMs: (total * 1000) / CLK_TCK };
}

/** Direct children of a process (tsx's esbuild service, if one is running). */
export function childPids(pid: number): number[] {
  try {
    const tasks = execFileSync("ls", [`/proc/${pid}/task`], { encoding: "utf8" })
      .split("\n")
      .filter(Boolean);
    return tasks.flatMap((t) => {
      try {
        return readFileSync(`/proc/${pid}/task/${t}/children`, "utf8").split(" ").filter(Boolean).map(Number);
      } catch {
        return [];
      }
    });
  } catch {
    return [];
  }
}

/** Nearest-rank percentile of sorted values; null when there are none. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}

export async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info("memory");
  return Number(/^used_memory:(\d+)/m.exec(info)?.[1] ?? NaN);
}

/**
 * Where Redis memory goes: MEMORY USAGE of every key, grouped by the key with ids replaced by
 * `*` (nursery ids, job ids), biggest groups first.
 */
export async function memoryByKeyGroup(
  redis: Redis,
): Promise<{ group: string; keys: number; bytes: number }[]> {
  const groups = new Map<string, { keys: number; bytes: number }>();
  let cursor = "0";
  // Bounded: SCAN returns to cursor 0 after one pass over the keyspace.
  for (let pass = 0; pass < 1_000_000; pass++) {
    const [next, keys] = await redis.scan(cursor, "COUNT", 1000);
    const pipeline = redis.pipeline();
    for (const k of keys) pipeline.memory("USAGE", k);
    const sizes = (await pipeline.exec()) ?? [];
    keys.forEach((k, i) => {
      const group = k
        .replace(/nursery-\d+(-nvr)?/g, "*")
        .replace(/(\{nw\}:poll:)(repeat:[^:]+:[^:]+:[^:]+:\d+|now-[^:]+|\d+)/, "$1<job>")
        .replace(/:repeat:poll:.*$/, ":repeat:poll:*");
      const g = groups.get(group) ?? { keys: 0, bytes: 0 };
      g.keys++;
      g.bytes += Number(sizes[i]?.[1] ?? 0);
      groups.set(group, g);
    });
    cursor = next;
    if (cursor === "0") break;
  }
  return [...groups].map(([group, g]) => ({ group, ...g })).sort((a, b) => b.bytes - a.bytes);
}

/** One job as the event stream tells it; times are Redis's own clock (stream ids), ms. */
export interface JobTimeline {
  readonly id: string;
  /** The slot the scheduler gave it (from the job id `repeat:<scheduler>:<millis>`); null for one-off jobs. */
  readonly scheduledAt: number | null;
  activeAt: number | null;
  finishedAt: number | null;
  outcome: "completed" | "failed" | null;
  /** The job's outcome from its return value ("polled", "skipped:busy", "scanned:incremental", ...). */
  result: string | null;
}

/**
 * Follows BullMQ's event stream (`<prefix>:<queue>:events`) with XRANGE from the last id read.
 * Every job the daemon runs leaves "active" then "completed"/"failed" there, with the time in
 * the stream id, so no job is missed the way sampling the completed set (trimmed to 10 jobs
 * for the whole queue) would miss them, as long as it is read before the stream is trimmed
 * (10,000 events by default; a few seconds' worth at most here).
 */
export function createEventFollower(redis: Redis, streamKey: string) {
  const jobs = new Map<string, JobTimeline>();
  let cursor = "-";
  let events = 0;
  let trimmedGap = false;
  const timeline = (id: string): JobTimeline => {
    let t = jobs.get(id);
    if (!t) {
      const m = /^repeat:.*:(\d+)$/.exec(id);
      t = {
        id,
        scheduledAt: m ? Number(m[1]) : null,
        activeAt: null,
        finishedAt: null,
        outcome: null,
        result: null,
      };
      jobs.set(id, t);
    }
    return t;
  };
  return {
    jobs,
    events: () => events,
    /** True when the stream was trimmed past the cursor between two reads (events lost). */
    lostEvents: () => trimmedGap,
    async read(): Promise<void> {
      // Bounded: at most 100 pages of 2,000 per read; the next read goes on from the cursor.
      for (let page = 0; page < 100; page++) {
        const start = cursor === "-" ? "-" : `(${cursor}`;
        const entries = await redis.xrange(streamKey, start, "+", "COUNT", 2000);
        if (entries.length === 0) return;
        if (cursor !== "-" && page === 0) {
          const first = await redis.xinfo("STREAM", streamKey);
          const firstId = (first as unknown[])[(first as unknown[]).indexOf("first-entry") + 1] as
            [string, string[]] | null;
          if (firstId && compareIds(firstId[0], cursor) > 0) trimmedGap = true;
        }
        for (const [id, flat] of entries) {
          cursor = id;
          events++;
          const f: Record<string, string> = {};
          for (let i = 0; i + 1 < flat.length; i += 2) f[flat[i]!] = flat[i + 1]!;
          const jobId = f["jobId"];
          if (jobId === undefined) continue;
          const at = Number(id.slice(0, id.indexOf("-")));
          const t = timeline(jobId);
          if (f["event"] === "active") t.activeAt ??= at;
          else if (f["event"] === "completed" || f["event"] === "failed") {
            t.finishedAt = at;
            t.outcome = f["event"];
            t.result = f["event"] === "failed" ? "failed" : outcomeOf(f["returnvalue"]);
          }
        }
        if (entries.length < 2000) return;
      }
    },
  };
}

function compareIds(a: string, b: string): number {
  const [am, as] = a.split("-").map(Number) as [number, number];
  const [bm, bs] = b.split("-").map(Number) as [number, number];
  return am !== bm ? am - bm : as - bs;
}

function outcomeOf(returnvalue: string | undefined): string {
  try {
    const v = JSON.parse(returnvalue ?? "null") as {
      status?: string;
      why?: string;
      reachable?: boolean;
      mode?: string;
    } | null;
    if (!v?.status) return "unknown";
    if (v.status === "skipped") return `skipped:${v.why ?? "?"}`;
    // Retention scans: "scanned:full", "scanned:incremental", "failed", "unsupported".
    if (v.status === "scanned") return `scanned:${v.mode ?? "?"}`;
    if (v.status === "failed" || v.status === "unsupported") return v.status;
    return v.reachable === false ? "polled:unreachable" : "polled";
  } catch {
    return "unknown";
  }
}

/**
 * The brief's second source, as a cross-check of the stream: the completed jobs BullMQ still
 * keeps, lateness = processedOn - (timestamp + delay), deduplicated by job id.
 */
export function createCompletedSampler(queue: Queue) {
  const seen = new Map<string, { processedOn: number; lateMs: number }>();
  return {
    seen,
    async sample(): Promise<void> {
      const jobs = await queue.getJobs(["completed"], 0, 49);
      for (const job of jobs) {
        if (!job?.id || seen.has(job.id) || !job.id.startsWith("repeat:") || job.processedOn === undefined)
          continue;
        const due = job.timestamp + (job.opts.delay ?? job.delay ?? 0);
        seen.set(job.id, { processedOn: job.processedOn, lateMs: job.processedOn - due });
      }
    },
  };
}
