import type { Redis } from "ioredis";
import type { ViewerSession } from "../domain/family.ts";
import { parseJson } from "./bound.ts";
import type { Keys } from "./keys.ts";
import { luaScript, runScript } from "./script.ts";

/**
 * Counts the family's live sessions and adds one only under its cap, in one script: twenty
 * phones opening the link at once cannot all pass a count taken before any of them was added.
 * KEYS: the family's live set, the session's key. ARGV: now, expiresAt (ms), cap, id hash, JSON, ttl ms.
 */
const START = luaScript(`
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return 0 end
redis.call('ZADD', KEYS[1], ARGV[2], ARGV[4])
redis.call('PEXPIRE', KEYS[1], ARGV[6])
redis.call('SET', KEYS[2], ARGV[5], 'PX', ARGV[6])
return 1
`);

export interface ViewerSessionRepository {
  /** Stores the session when the family has fewer than `cap` live ones; false when it is full. */
  start(session: ViewerSession, cap: number, nowMs: number): Promise<boolean>;
  get(siteId: string, idHash: string): Promise<ViewerSession | null>;
  /** Ends one session (frees its place under the cap). */
  stop(session: ViewerSession): Promise<void>;
  /** Frees every place of the family (its sessions are dead anyway: its generation moved on). */
  clearFamily(siteId: string, familyId: string): Promise<void>;
  /** Live sessions of the family. */
  live(siteId: string, familyId: string, nowMs: number): Promise<number>;
}

export function createViewerSessionRepository(redis: Redis, keys: Keys): ViewerSessionRepository {
  return {
    async start(s, cap, nowMs) {
      const expires = Date.parse(s.expiresAt);
      const ttl = Math.max(1, expires - nowMs);
      const r = await runScript(
        redis,
        START,
        [keys.viewerSessions(s.siteId, s.familyId), keys.viewerSession(s.siteId, s.idHash)],
        [nowMs, expires, cap, s.idHash, JSON.stringify(s), ttl],
      );
      return r === 1;
    },
    async get(siteId, idHash) {
      return parseJson<ViewerSession>(await redis.get(keys.viewerSession(siteId, idHash)));
    },
    async stop(s) {
      await redis
        .multi()
        .zrem(keys.viewerSessions(s.siteId, s.familyId), s.idHash)
        .del(keys.viewerSession(s.siteId, s.idHash))
        .exec();
    },
    async clearFamily(siteId, familyId) {
      await redis.del(keys.viewerSessions(siteId, familyId));
    },
    async live(siteId, familyId, nowMs) {
      return redis.zcount(keys.viewerSessions(siteId, familyId), `(${nowMs}`, "+inf");
    },
  };
}
