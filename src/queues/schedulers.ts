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

/**
 * Makes a queue's job schedulers match the sites: one per device, every interval of its
 * kind of work (SCHEDULE) with a stable jitter; schedulers of devices no longer configured are
 * removed. Upserting is idempotent, so every process that starts may call it.
 */
export async function syncPollSchedulers(
  queue: Queue,
  sites: readonly Site[],
  work: ScheduledWork = "poll",
): Promise<{ upserted: number; removed: number }> {
  const wanted = new Map<string, { job: PollJob; every: number }>();
  for (const site of sites) {
    const every = SCHEDULE[work].seconds(site) * 1000;
    for (const device of site.devices) {
      const job: PollJob = { siteId: site.id, deviceId: device.id };
      wanted.set(SCHEDULE[work].id(job), { job, every });
    }
  }
  for (const [id, { job, every }] of wanted) {
    await queue.upsertJobScheduler(
      id,
      { every, offset: pollOffsetMs(job.siteId, job.deviceId, every) },
      { name: work, data: job, opts: { removeOnComplete: { count: 10 }, removeOnFail: { count: 50 } } },
    );
  }
  let removed = 0;
  const existing = await queue.getJobSchedulers(0, -1);
  for (const s of existing) {
    const key = s.key;
    if (key.startsWith(`${work}:`) && !wanted.has(key)) {
      await queue.removeJobScheduler(key);
      removed++;
    }
  }
  return { upserted: wanted.size, removed };
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
  for (const site of sites) {
    for (const device of site.devices) {
      const job: PollJob = { siteId: site.id, deviceId: device.id };
      await queue.add(work, job, {
        jobId: `now:${SCHEDULE[work].id(job)}:${startedAt}`.replaceAll(":", "-"),
        removeOnComplete: true,
        removeOnFail: { count: 10 },
      });
    }
  }
}
