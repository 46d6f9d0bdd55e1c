/**
 * Job payloads carry ids only: never credentials, never device answers. A worker looks the
 * device up in its own loaded configuration, so a payload in Redis reveals nothing.
 */
export interface PollJob {
  readonly siteId: string;
  readonly deviceId: string;
}

export const pollSchedulerId = (job: PollJob): string => `poll:${job.siteId}:${job.deviceId}`;

/** A device's picture probes: the same ids as a poll, on the probe queue. */
export type ProbeJob = PollJob;
export const probeSchedulerId = (job: ProbeJob): string => `probe:${job.siteId}:${job.deviceId}`;

/** A device's retention scans: the same ids again, on the retention queue. */
export type RetentionJob = PollJob;
export const retentionSchedulerId = (job: RetentionJob): string => `retention:${job.siteId}:${job.deviceId}`;

export function isPollJob(data: unknown): data is PollJob {
  if (typeof data !== "object" || data === null) return false;
  const d = data as Record<string, unknown>;
  return typeof d["siteId"] === "string" && typeof d["deviceId"] === "string" && Object.keys(d).length === 2;
}
