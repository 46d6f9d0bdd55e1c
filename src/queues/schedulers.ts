import type { Queue } from "bullmq";
import type { Site } from "../domain/site.ts";
import { pollOffsetMs } from "./jitter.ts";
import { pollSchedulerId, probeSchedulerId, retentionSchedulerId, type PollJob } from "./payloads.ts";

/**
 * What a queue's schedulers run: polls every pollIntervalSeconds, probes every
 * probeIntervalSeconds, retention scans every retentionIntervalSeconds.
 */
export type ScheduledWork = "poll" | "probe" | "retention";

const SCHEDULE: Record<ScheduledWork, { id: (job: PollJob) => string; seconds: (site: Site) => number }> = {
  poll: { id: pollSchedulerId, seconds: (s) => s.policy.pollIntervalSeconds },
  probe: { id: probeSchedulerId, seconds: (s) => s.policy.probeIntervalSeconds },
  retention: { id: retentionSchedulerId, seconds: (s) => s.policy.retentionIntervalSeconds },
};

interface Wanted {
  readonly job: PollJob;
  readonly every: number;
  readonly offset: number;
}

/** One scheduler per device of the sites, by scheduler id. */
function wantedSchedules(sites: readonly Site[], work: ScheduledWork): Map<string, Wanted> {
  const wanted = new Map<string, Wanted>();
  for (const site of sites) {
    const every = SCHEDULE[work].seconds(site) * 1000;
    for (const device of site.devices) {
      const job: PollJob = { siteId: site.id, deviceId: device.id };
      wanted.set(SCHEDULE[work].id(job), {
        job,
        every,
        offset: pollOffsetMs(job.siteId, job.deviceId, every),
      });
    }
  }
  return wanted;
}

/** The site a scheduler id of this kind of work belongs to (`poll:<site>:<device>`; ids hold no ':'). */
function siteOfScheduler(key: string, work: ScheduledWork): string | null {
  const parts = key.split(":");
  return parts.length === 3 && parts[0] === work ? parts[1]! : null;
}

export interface SyncResult {
  /** Schedulers the sites want. */
  readonly wanted: number;
  /** Devices whose scheduler was missing (first start, or Redis lost its data) and was created. */
  readonly created: readonly PollJob[];
  /** Schedulers whose interval or offset changed, updated. */
  readonly updated: number;
  /** Schedulers of devices no longer configured, removed. */
  readonly removed: number;
  /** Schedulers whose next run was further away than their interval (our clock stepped back), made anew. */
  readonly rescheduled: number;
}

export interface SyncOptions {
  /** Sites whose schedulers this process removes when not wanted; default the sites given. */
  readonly owned?: readonly string[];
  /**
   * Our clock: a scheduler whose next run is more than an interval ahead of it was planned by a
   * clock that has since stepped back, and would run nothing until the clock catches up.
   */
  readonly now?: number;
}

/**
 * Makes a queue's job schedulers match the sites: one per device, every interval of its
 * kind of work (SCHEDULE) with a stable jitter. Only schedulers that are missing or differ are
 * written, so calling it often (the daemon reconciles periodically and on reconnect) leaves a
 * running schedule alone. Schedulers of devices no longer configured are removed, but only
 * those of the sites in `owned` (default: the sites given): a district with two `start`
 * processes on different site files must not delete the other's.
 */
export async function syncPollSchedulers(
  queue: Queue,
  sites: readonly Site[],
  work: ScheduledWork = "poll",
  options: SyncOptions = {},
): Promise<SyncResult> {
  const wanted = wantedSchedules(sites, work);
  const existing = new Map((await queue.getJobSchedulers(0, -1)).map((s) => [s.key, s]));
  const created: PollJob[] = [];
  let updated = 0;
  let rescheduled = 0;
  for (const [id, { job, every, offset }] of wanted) {
    const have = existing.get(id);
    const same = have !== undefined && have.every === every && (have.offset ?? 0) === offset;
    // BullMQ keeps a scheduler's next run when it is upserted again: only a new one starts afresh.
    const ahead = have?.next != null && options.now !== undefined && have.next > options.now + every + 1000;
    if (same && !ahead) continue;
    if (ahead) {
      await queue.removeJobScheduler(id);
      rescheduled++;
    }
    await queue.upsertJobScheduler(
      id,
      { every, offset },
      { name: work, data: job, opts: { removeOnComplete: { count: 10 }, removeOnFail: { count: 50 } } },
    );
    if (have === undefined) created.push(job);
    else if (!same) updated++;
  }
  const mine = new Set(options.owned ?? sites.map((s) => s.id));
  let removed = 0;
  for (const key of existing.keys()) {
    const site = siteOfScheduler(key, work);
    if (site !== null && mine.has(site) && !wanted.has(key)) {
      await queue.removeJobScheduler(key);
      removed++;
    }
  }
  return { wanted: wanted.size, created, updated, removed, rescheduled };
}

/** Devices of the sites that have no scheduler of this kind of work on the queue. */
export async function missingSchedules(
  queue: Queue,
  sites: readonly Site[],
  work: ScheduledWork = "poll",
): Promise<PollJob[]> {
  const existing = new Set((await queue.getJobSchedulers(0, -1)).map((s) => s.key));
  return [...wantedSchedules(sites, work)].filter(([id]) => !existing.has(id)).map(([, w]) => w.job);
}

/**
 * One poll of every device right away, so a monitor that starts shows the truth within
 * seconds instead of after its first interval. The job id makes repeated starts add it once.
 */
export async function pollAllNow(
  queue: Queue,
  sites: readonly Site[],
  startedAt: number,
  work: ScheduledWork = "poll",
): Promise<void> {
  const jobs = sites.flatMap((site) =>
    site.devices.map((d): PollJob => ({ siteId: site.id, deviceId: d.id })),
  );
  await pollNow(queue, jobs, startedAt, work);
}

/** One job of this kind of work for each device given, right away (added once per `at`). */
export async function pollNow(
  queue: Queue,
  jobs: readonly PollJob[],
  at: number,
  work: ScheduledWork = "poll",
): Promise<void> {
  for (const job of jobs) {
    await queue.add(work, job, {
      jobId: `now:${SCHEDULE[work].id(job)}:${at}`.replaceAll(":", "-"),
      removeOnComplete: true,
      removeOnFail: { count: 10 },
    });
  }
}
