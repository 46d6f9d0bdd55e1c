import type { Job } from "bullmq";
import type { Redis } from "ioredis";
import {
  compactHistory,
  incrementalFrom,
  mergeHistory,
  type DeviceHistories,
  type ScanMode,
} from "../domain/historyMerge.ts";
import type { RecordingHistory } from "../domain/observation.ts";
import type { ProbeError } from "../domain/probe.ts";
import type { Site } from "../domain/site.ts";
import type { Metrics } from "../metrics/metrics.ts";
import type { Logger } from "../logging/logger.ts";
import type { Monitor } from "../monitor/monitor.ts";
import { scanRecordingHistory } from "../onvif/index.ts";
import { tryDeviceLock } from "../store/deviceLock.ts";
import type { HistoryRepository } from "../store/histories.ts";
import type { Keys } from "../store/keys.ts";
import { deviceJobTarget, type OpenSession } from "./deviceJob.ts";
import { DAY } from "../domain/time.ts";

export interface RetentionScannerDeps {
  readonly sites: ReadonlyMap<string, Site>;
  readonly openSession: OpenSession;
  readonly redis: Redis;
  readonly keys: Keys;
  readonly histories: HistoryRepository;
  readonly monitor: Monitor;
  readonly now: () => number;
  readonly logger: Logger;
  readonly metrics?: Metrics;
}

export type ScanOutcome =
  | {
      readonly status: "scanned";
      readonly mode: ScanMode;
      /** The searched window on the device clock (ISO). */
      readonly from: string;
      readonly to: string;
      readonly recordings: number;
    }
  | { readonly status: "failed"; readonly error: ProbeError }
  | { readonly status: "unsupported"; readonly reason: string }
  | { readonly status: "skipped"; readonly why: "unknown-device" | "busy" | "no-cameras" };

/**
 * One device's retention scan, as a BullMQ job: search its recordings' history on the device
 * clock — the whole retention window the first time and once a day, otherwise only from just
 * before where the last scan ended — merge it into the stored history, then evaluate the site
 * so new gaps and deletions take effect. Polls read the stored history between scans.
 */
export function createRetentionScanProcessor(deps: RetentionScannerDeps): (job: Job) => Promise<ScanOutcome> {
  return async (job) => {
    const target = deviceJobTarget(deps.sites, job, "retention");
    if (target === null) return { status: "skipped", why: "unknown-device" };
    const { site, device, cameras } = target;
    const siteId = site.id;
    const deviceId = device.id;
    if (cameras.length === 0) return { status: "skipped", why: "no-cameras" };

    const lockMs = Math.max(60_000, device.timeoutSeconds * 1000 * 40);
    const release = await tryDeviceLock(deps.redis, deps.keys.scanLock(siteId, deviceId), lockMs);
    if (release === null) return { status: "skipped", why: "busy" };
    const started = deps.now();
    try {
      const stored = await deps.histories.get(siteId, deviceId);
      const windowMs = site.policy.retentionDays * DAY;
      let mode: ScanMode = "full";
      const session = deps.openSession(siteId, device);
      const scan = await scanRecordingHistory({
        session,
        cameras,
        searchFrom: (tokens, deviceNow) => {
          const from = incrementalFrom(stored, tokens, deviceNow, deviceNow - windowMs, started);
          mode = from === null ? "full" : "incremental";
          return from ?? deviceNow - windowMs;
        },
      });
      const outcome = await store(deps, siteId, deviceId, stored, scan, mode, windowMs, started);
      deps.metrics?.pollDuration.observe({ site: siteId, job: "retention" }, (deps.now() - started) / 1000);
      await deps.monitor.evaluate(site, started);
      return outcome;
    } finally {
      await release();
    }
  };
}

async function store(
  deps: RetentionScannerDeps,
  siteId: string,
  deviceId: string,
  stored: DeviceHistories | null,
  scan: Awaited<ReturnType<typeof scanRecordingHistory>>,
  mode: ScanMode,
  windowMs: number,
  at: number,
): Promise<ScanOutcome> {
  const kept = {
    searchedAt: stored?.searchedAt ?? null,
    fullAt: stored?.fullAt ?? null,
    windowMs: stored?.windowMs ?? 0,
    recordings: stored?.recordings ?? {},
  };
  const fail = async (error: ProbeError): Promise<ScanOutcome> => {
    deps.logger.warn(
      { siteId, deviceId, err: error.message },
      "retention scan failed; the last good history stands",
    );
    await deps.histories.put(siteId, deviceId, { ...kept, last: { status: "failed", at, error } });
    return { status: "failed", error };
  };
  const lacking = async (reason: string): Promise<ScanOutcome> => {
    await deps.histories.put(siteId, deviceId, { ...kept, last: { status: "unsupported", at, reason } });
    return { status: "unsupported", reason };
  };
  if (scan.status === "failed") return fail(scan.error);
  if (scan.status === "unsupported") return lacking(scan.reason);
  // One search covers every recording, so one recording's failed answer is the whole scan's.
  for (const p of Object.values(scan.value.histories)) {
    if (p.status === "failed") return fail(p.error);
    if (p.status === "unsupported") return lacking(p.reason);
  }
  const { fromMs, toMs, histories } = scan.value;
  const recordings: Record<string, RecordingHistory> = {};
  for (const [token, probe] of Object.entries(histories)) {
    if (probe.status !== "ok") continue;
    const previous = mode === "incremental" ? (stored?.recordings[token] ?? null) : null;
    recordings[token] = compactHistory(mergeHistory(previous, probe.value), toMs - windowMs);
  }
  await deps.histories.put(siteId, deviceId, {
    last: { status: "searched", at, mode },
    searchedAt: at,
    fullAt: mode === "full" ? at : (stored?.fullAt ?? at),
    windowMs: mode === "full" ? windowMs : (stored?.windowMs ?? windowMs),
    recordings,
  });
  return {
    status: "scanned",
    mode,
    from: new Date(fromMs).toISOString(),
    to: new Date(toMs).toISOString(),
    recordings: Object.keys(recordings).length,
  };
}
