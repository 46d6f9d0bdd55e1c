import type { Redis } from "ioredis";
import { parseJson } from "./bound.ts";
import type { Keys } from "./keys.ts";
import type { StoredSession } from "./types.ts";

/**
 * Dashboard logins, stored under the SHA-256 of the session id (the cookie alone can open a
 * session; a Redis dump cannot). Redis expires them; `get` also checks expiresAt against the
 * injected clock, so an expired session never opens even before Redis drops it.
 */
export interface SessionRepository {
  create(session: StoredSession): Promise<void>;
  get(idHash: string): Promise<StoredSession | null>;
  delete(idHash: string): Promise<void>;
}

const SHA256_HEX = /^[0-9a-f]{64}$/;

export function createSessionRepository(redis: Redis, keys: Keys, now: () => number): SessionRepository {
  const key = (idHash: string) => {
    if (!SHA256_HEX.test(idHash)) throw new Error("a session is stored by the SHA-256 hex of its id");
    return keys.session(idHash);
  };
  return {
    async create(session) {
      const ttl = Date.parse(session.expiresAt) - now();
      if (!(ttl > 0)) return;
      await redis.set(key(session.idHash), JSON.stringify(session), "PX", Math.ceil(ttl));
    },
    async get(idHash) {
      if (!SHA256_HEX.test(idHash)) return null;
      const session = parseJson<StoredSession>(await redis.get(key(idHash)));
      if (session === null) return null;
      return Date.parse(session.expiresAt) > now() ? session : null;
    },
    async delete(idHash) {
      if (!SHA256_HEX.test(idHash)) return;
      await redis.del(key(idHash));
    },
  };
}
