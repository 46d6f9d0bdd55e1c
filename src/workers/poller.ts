import type { Job } from "bullmq";
import type { Redis } from "ioredis";
import type { Site } from "../domain/site.ts";
import type { Metrics } from "../metrics/metrics.ts";
import type { Logger } from "../logging/logger.ts";
import { observeDevice } from "../onvif/index.ts";
import type { DeviceRepository } from "../store/devices.ts";
import { createBackoffRepository, type BackoffRepository } from "../store/backoff.ts";
import { tryDeviceLock } from "../store/deviceLock.ts";
import type { Keys } from "../store/keys.ts";
import type { ObservationRepository } from "../store/observations.ts";
import { summarizeObservation } from "../store/devices.ts";
import type { FollowUp } from "../domain/followUp.ts";
import type { Monitor } from "../monitor/monitor.ts";
import { deviceJobTarget, type OpenSession } from "./deviceJob.ts";

export interface PollerDeps {
  readonly sites: ReadonlyMap<string, Site>;
  readonly openSession: OpenSession;
  readonly redis: Redis;
  readonly keys: Keys;
  readonly observations: ObservationRepository;
  readonly devices: DeviceRepository;
  readonly monitor: Monitor;
  /** Whether polls search recording history (no retention scans in this deployment: they would). */
  readonly searchHistory: boolean;
  /** Queues what the site's evaluation asks to run early; absent when this deployment does neither. */
  readonly followUp?: (f: FollowUp) => Promise<void>;
  readonly now: () => number;
  readonly logger: Logger;
  readonly metrics?: Metrics;
}

export type PollOutcome =
  | { readonly status: "polled"; readonly reachable: boolean; readonly applied: boolean }
  | { readonly status: "skipped"; readonly why: "unknown-device" | "busy" | "backoff" };

/** Unreachable devices are polled less often, doubling up to this many intervals. */
const MAX_BACKOFF_INTERVALS = 8;

/**
 * One poll of one device, as a BullMQ job: observe it over ONVIF, store what it said, then
 * evaluate its whole site from the latest observation of every device and let the violation
 * engine move the lifecycle on. The payload holds ids only; the device (and its password) comes
 * from this worker's own configuration.
 */
export function createPollProcessor(deps: PollerDeps): (job: Job) => Promise<PollOutcome> {
  const backoff = createBackoffRepository(deps.redis, deps.keys);
  return async (job) => {
    const target = deviceJobTarget(deps.sites, job, "poll");
    if (target === null) {
      deps.logger.warn(
        { job: job.data as unknown },
        "poll job for a device this worker does not know; skipped",
      );
      return { status: "skipped", why: "unknown-device" };
    }
    const { site, device, cameras } = target;
    const siteId = site.id;
    const deviceId = device.id;
    const interval = site.policy.pollIntervalSeconds * 1000;
    if (await backoff.takeSkip(siteId, deviceId)) {
      deps.logger.debug(
        { site: siteId, device: deviceId },
        "poll skipped: the device is unreachable (backoff)",
      );
      return { status: "skipped", why: "backoff" };
    }

    // A device is never polled by two workers at once, even when a slow poll overruns its interval.
    const lockKey = deps.keys.deviceLock(siteId, deviceId);
    const lockMs = Math.max(interval, device.timeoutSeconds * 1000 * 20);
    const release = await tryDeviceLock(deps.redis, lockKey, lockMs);
    if (release === null) {
      deps.logger.debug(
        { site: siteId, device: deviceId },
        "poll skipped: another poll of the device is running",
      );
      return { status: "skipped", why: "busy" };
    }
    const started = deps.now();
    try {
      const session = deps.openSession(siteId, device);
      const obs = await observeDevice({
        session,
        cameras,
        policy: site.policy,
        now: deps.now,
        searchHistory: deps.searchHistory,
      });
      await deps.observations.put(siteId, obs);
      await deps.devices.put(siteId, [summarizeObservation(obs)]);
      const reachable = obs.reach.status === "reachable";
      await updateBackoff(backoff, siteId, deviceId, reachable);
      deps.metrics?.pollDuration.observe({ site: siteId, job: "poll" }, (deps.now() - started) / 1000);
      const result = await deps.monitor.evaluate(site, started, { deviceId, reachable });
      if (result.applied && deps.followUp) for (const f of result.followUps) await deps.followUp(f);
      return { status: "polled", reachable, applied: result.applied };
    } finally {
      await release();
    }
  };
}

/**
 * Backoff counted in scheduled polls, not in time: after the k-th failure in a row a device
 * skips the next min(2^(k-2), 8) - 1 polls. No clock is read, so a clock that steps back (an
 * hour, say) cannot stretch a backoff, and every worker process sees the same count in Redis
 * (a monotonic clock is per process). A scheduled poll arrives every interval, so the wait is
 * the same as before.
 */
async function updateBackoff(
  backoff: BackoffRepository,
  siteId: string,
  deviceId: string,
  reachable: boolean,
): Promise<void> {
  if (reachable) return backoff.clear(siteId, deviceId);
  const failures = await backoff.addFailure(siteId, deviceId);
  // The first two failures poll on schedule (the lifecycle needs two observations); later ones back off.
  if (failures < 2) return;
  const factor = Math.min(2 ** (failures - 2), MAX_BACKOFF_INTERVALS);
  await backoff.setSkips(siteId, deviceId, factor - 1);
}
