import type { Redis } from "ioredis";
import type { Keys } from "./keys.ts";

/**
 * Each device's poll backoff, counted in scheduled polls (the policy is the poller's): consecutive
 * unreachable polls, and scheduled polls still to skip. Shared by every worker process.
 */
export interface BackoffRepository {
  /** Takes one skip when the device has some left: true when this poll is to be skipped. */
  takeSkip(siteId: string, deviceId: string): Promise<boolean>;
  /** Counts one more unreachable poll in a row; returns the count. */
  addFailure(siteId: string, deviceId: string): Promise<number>;
  setSkips(siteId: string, deviceId: string, skips: number): Promise<void>;
  /** The device answered: no failures, no skips. */
  clear(siteId: string, deviceId: string): Promise<void>;
}

export function createBackoffRepository(redis: Redis, keys: Keys): BackoffRepository {
  const key = (siteId: string): string => keys.site(siteId).backoff;
  return {
    async takeSkip(siteId, deviceId) {
      const left = Number((await redis.hget(key(siteId), `${deviceId}:skip`)) ?? 0);
      if (!(left > 0)) return false;
      await redis.hincrby(key(siteId), `${deviceId}:skip`, -1);
      return true;
    },
    addFailure: (siteId, deviceId) => redis.hincrby(key(siteId), `${deviceId}:failures`, 1),
    async setSkips(siteId, deviceId, skips) {
      await redis.hset(key(siteId), `${deviceId}:skip`, String(skips));
    },
    async clear(siteId, deviceId) {
      // `until` is what older versions kept (a wall-clock time); dropped with the rest.
      await redis.hdel(key(siteId), `${deviceId}:failures`, `${deviceId}:skip`, `${deviceId}:until`);
    },
  };
}
