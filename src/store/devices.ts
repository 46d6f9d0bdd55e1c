import type { Redis } from "ioredis";
import type { DeviceObservation } from "../domain/observation.ts";
import { parseJson } from "./bound.ts";
import type { Keys } from "./keys.ts";
import type { DeviceSummary } from "./types.ts";

/**
 * The latest poll of each device, as the dashboard shows it, and when each device was last
 * polled. A summary, never the observation itself: observations hold stream URIs (which some
 * devices hand out with credentials inside) and are large.
 */
export function summarizeObservation(obs: DeviceObservation): DeviceSummary {
  const clock = obs.clock.status === "ok" ? obs.clock.value : null;
  const info = obs.info.status === "ok" ? obs.info.value : null;
  return {
    deviceId: obs.deviceId,
    startedAt: obs.startedAt,
    polledAt: obs.finishedAt,
    reachable: obs.reach.status === "reachable",
    error:
      obs.reach.status === "unreachable"
        ? { kind: obs.reach.error.kind, message: obs.reach.error.message.slice(0, 300) }
        : null,
    deviceUtc: clock?.deviceUtc ?? null,
    clockSource: clock?.source ?? null,
    manufacturer: info?.manufacturer ?? null,
    model: info?.model ?? null,
    firmwareVersion: info?.firmwareVersion ?? null,
    profiles: obs.profiles.status === "ok" ? obs.profiles.value.length : null,
    recordings: obs.recordings.status === "ok" ? obs.recordings.value.length : null,
  };
}

export interface DeviceRepository {
  /** Stores the summaries and records each device's poll time (its polledAt). */
  put(siteId: string, summaries: readonly DeviceSummary[]): Promise<void>;
  all(siteId: string): Promise<DeviceSummary[]>;
  /** Poll bookkeeping on its own, for a poll that produced no summary. */
  recordPoll(siteId: string, deviceId: string, atMs: number): Promise<void>;
  /** Device id -> when its last poll finished (ms). */
  lastPolls(siteId: string): Promise<Record<string, number>>;
}

export function createDeviceRepository(redis: Redis, keys: Keys): DeviceRepository {
  return {
    async put(siteId, summaries) {
      if (summaries.length === 0) return;
      const k = keys.site(siteId);
      const tx = redis.multi();
      for (const s of summaries) {
        tx.hset(k.devices, s.deviceId, JSON.stringify(s));
        const at = Date.parse(s.polledAt);
        if (Number.isFinite(at)) tx.hset(k.polls, s.deviceId, String(at));
      }
      await tx.exec();
    },
    async all(siteId) {
      const raw = await redis.hgetall(keys.site(siteId).devices);
      return Object.values(raw)
        .map((r) => parseJson<DeviceSummary>(r))
        .filter((s): s is DeviceSummary => s !== null)
        .sort((a, b) => a.deviceId.localeCompare(b.deviceId));
    },
    async recordPoll(siteId, deviceId, atMs) {
      await redis.hset(keys.site(siteId).polls, deviceId, String(atMs));
    },
    async lastPolls(siteId) {
      const raw = await redis.hgetall(keys.site(siteId).polls);
      return Object.fromEntries(Object.entries(raw).map(([k, v]) => [k, Number(v)]));
    },
  };
}
