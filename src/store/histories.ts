import type { Redis } from "ioredis";
import type { DeviceHistories } from "../domain/historyMerge.ts";
import type { Keys } from "./keys.ts";

/**
 * Each device's recording histories as its retention scans left them: what the site's
 * retention rules read between scans, and where the next scan picks up.
 */
export interface HistoryRepository {
  get(siteId: string, deviceId: string): Promise<DeviceHistories | null>;
  put(siteId: string, deviceId: string, histories: DeviceHistories): Promise<void>;
  all(siteId: string): Promise<Map<string, DeviceHistories>>;
}

export function createHistoryRepository(redis: Redis, keys: Keys): HistoryRepository {
  return {
    async get(siteId, deviceId) {
      return parse(await redis.hget(keys.site(siteId).histories, deviceId));
    },
    async put(siteId, deviceId, histories) {
      await redis.hset(keys.site(siteId).histories, deviceId, JSON.stringify(histories));
    },
    async all(siteId) {
      const raw = await redis.hgetall(keys.site(siteId).histories);
      const out = new Map<string, DeviceHistories>();
      for (const [deviceId, json] of Object.entries(raw)) {
        const h = parse(json);
        if (h !== null) out.set(deviceId, h);
      }
      return out;
    },
  };
}

/** A corrupt entry is as good as none: the next scan searches the whole window again. */
function parse(json: string | null): DeviceHistories | null {
  if (json === null) return null;
  try {
    const h = JSON.parse(json) as DeviceHistories;
    return typeof h === "object" && h !== null && typeof h.recordings === "object" && h.last ? h : null;
  } catch {
    return null;
  }
}
