import type { Queue } from "bullmq";
import type { FollowUp } from "../domain/followUp.ts";
import type { PollJob } from "./payloads.ts";

/** The queues follow-ups go to; no probe queue where pictures are not looked at. */
export interface FollowUpQueues {
  readonly probe: Pick<Queue, "add"> | null;
  readonly retention: Pick<Queue, "add">;
}

/** The job id of a follow-up: one per device, kind and `withinMs` bucket of the clock. */
export function followUpJobId(f: FollowUp, now: number): string {
  return `recheck-${f.siteId}-${f.deviceId}-${Math.floor(now / f.withinMs)}`;
}

/**
 * Queues the follow-ups a site evaluation asked for (monitor/followUps.ts): a device gets at
 * most one early job of each kind per `withinMs` bucket, however often asked.
 */
export function createFollowUpQueue(
  queues: FollowUpQueues,
  now: () => number,
): (f: FollowUp) => Promise<void> {
  return async (f) => {
    const queue = f.kind === "probe" ? queues.probe : queues.retention;
    if (queue === null) return;
    const job: PollJob = { siteId: f.siteId, deviceId: f.deviceId };
    await queue.add(f.kind, job, {
      jobId: followUpJobId(f, now()),
      // Kept (not removed at once) for the bucket's length: a job id BullMQ still holds is not
      // added again, so a device gets at most one early look per bucket however often asked.
      removeOnComplete: { age: Math.ceil(f.withinMs / 1000) },
      removeOnFail: { count: 10 },
    });
  };
}
