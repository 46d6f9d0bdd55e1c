import type { Redis } from "ioredis";
import type { AuditRecord } from "../domain/family.ts";
import { parseJson } from "./bound.ts";
import type { Keys } from "./keys.ts";

/** The access audit log of each site: records by time, kept for a set number of days. */
export interface AccessAuditRepository {
  /** Appends the record and drops those older than `keepFromMs`. */
  append(record: AuditRecord, keepFromMs: number): Promise<void>;
  /** Records with fromMs <= at < toMs, oldest first. */
  range(siteId: string, fromMs: number, toMs: number): Promise<AuditRecord[]>;
}

export function createAccessAuditRepository(redis: Redis, keys: Keys): AccessAuditRepository {
  return {
    async append(record, keepFromMs) {
      const k = keys.site(record.siteId);
      // Records of one millisecond sort by their member: a zero-padded sequence keeps them in
      // the order they were written (and two equal records apart).
      const seq = await redis.incr(k.auditSeq);
      await redis
        .multi()
        .zadd(k.audit, Date.parse(record.at), `${String(seq).padStart(15, "0")} ${JSON.stringify(record)}`)
        .zremrangebyscore(k.audit, "-inf", `(${keepFromMs}`)
        .exec();
    },
    async range(siteId, fromMs, toMs) {
      const raw = await redis.zrangebyscore(keys.site(siteId).audit, fromMs, `(${toMs}`);
      return raw
        .map((r) => parseJson<AuditRecord>(r.slice(r.indexOf(" ") + 1)))
        .filter((r): r is AuditRecord => r !== null);
    },
  };
}
