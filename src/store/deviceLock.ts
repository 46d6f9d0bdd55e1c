import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";

const RELEASE = `if redis.call("get", KEYS[1]) == ARGV[1] then return redis.call("del", KEYS[1]) else return 0 end`;

/**
 * A short exclusive lock on one device's work (a poll, a probe), so two workers never do it at
 * once: the release function when taken, null when another holder has it. Expires by itself
 * after `ms` if its holder dies; releasing never deletes a lock someone else took since.
 */
export async function tryDeviceLock(
  redis: Redis,
  key: string,
  ms: number,
): Promise<(() => Promise<void>) | null> {
  const token = randomUUID();
  if ((await redis.set(key, token, "PX", ms, "NX")) !== "OK") return null;
  return async () => {
    await redis.eval(RELEASE, 1, key, token);
  };
}
