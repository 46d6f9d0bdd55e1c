import type { Redis } from "ioredis";
import type { MaintenanceWindow } from "../domain/violation.ts";
import { parseJson } from "./bound.ts";
import type { Keys } from "./keys.ts";

/** Maintenance windows of each site, and an index to find a window's site by its id. */
export interface MaintenanceRepository {
  put(window: MaintenanceWindow): Promise<void>;
  get(id: string): Promise<MaintenanceWindow | null>;
  /** Windows not ended before `fromMs` (covering or after it), for the lifecycle. */
  endingAfter(siteId: string, fromMs: number): Promise<MaintenanceWindow[]>;
  /** Every stored window of a site. */
  all(siteId: string): Promise<MaintenanceWindow[]>;
  /** Drops windows that ended before `beforeMs` (the ledger keeps them for ever). */
  trim(siteId: string, beforeMs: number): Promise<number>;
}

export function createMaintenanceRepository(redis: Redis, keys: Keys): MaintenanceRepository {
  const load = async (siteId: string, ids: readonly string[]): Promise<MaintenanceWindow[]> => {
    if (ids.length === 0) return [];
    const raw = await redis.hmget(keys.site(siteId).maintenance, ...ids);
    return raw.map((r) => parseJson<MaintenanceWindow>(r)).filter((w): w is MaintenanceWindow => w !== null);
  };
  return {
    async put(w) {
      const k = keys.site(w.siteId);
      // The site's keys share one slot; the id index is a separate key, written after.
      await redis
        .multi()
        .hset(k.maintenance, w.id, JSON.stringify(w))
        .zadd(k.maintenanceByEnd, Date.parse(w.to), w.id)
        .exec();
      await redis.hset(keys.maintenanceIndex, w.id, w.siteId);
    },
    async get(id) {
      const siteId = await redis.hget(keys.maintenanceIndex, id);
      if (siteId === null) return null;
      return parseJson<MaintenanceWindow>(await redis.hget(keys.site(siteId).maintenance, id));
    },
    async endingAfter(siteId, fromMs) {
      return load(
        siteId,
        await redis.zrangebyscore(keys.site(siteId).maintenanceByEnd, `(${fromMs}`, "+inf"),
      );
    },
    async all(siteId) {
      return load(siteId, await redis.zrange(keys.site(siteId).maintenanceByEnd, 0, -1));
    },
    async trim(siteId, beforeMs) {
      const k = keys.site(siteId);
      const ids = await redis.zrangebyscore(k.maintenanceByEnd, "-inf", `(${beforeMs}`);
      if (ids.length === 0) return 0;
      await redis
        .multi()
        .zrem(k.maintenanceByEnd, ...ids)
        .hdel(k.maintenance, ...ids)
        .exec();
      await redis.hdel(keys.maintenanceIndex, ...ids);
      return ids.length;
    },
  };
}
