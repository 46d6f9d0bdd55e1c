import type { Redis } from "ioredis";
import type { OutboxMessage } from "../domain/outbox.ts";
import { parseJson } from "./bound.ts";
import type { Keys } from "./keys.ts";

/**
 * A subscriber's outbox of one site, oldest first. The violation engine writes it (in the same
 * script as the violations, store/violations.ts); the subscriber's worker reads it.
 */
export interface OutboxReader {
  /** The oldest `limit` messages, left in place. */
  peek(siteId: string, subscriber: string, limit?: number): Promise<OutboxMessage[]>;
}

export function createOutboxReader(redis: Redis, keys: Keys): OutboxReader {
  return {
    async peek(siteId, subscriber, limit = 100) {
      const raw = await redis.lrange(keys.outbox(siteId, subscriber), 0, limit - 1);
      return raw.map((r) => parseJson<OutboxMessage>(r)).filter((m): m is OutboxMessage => m !== null);
    },
  };
}
