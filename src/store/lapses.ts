import type { Redis } from "ioredis";
import type { FindingKind, SubjectType } from "../domain/finding.ts";
import type { Keys } from "./keys.ts";
import type { Lapse } from "../domain/violation.ts";

/*
 * Lapses are the most numerous records (every blip of every finding), so each is one compact
 * sorted-set member, scored by its end: "fromMs|toMs|findingKey|flags|violationId", flags being
 * v/u (violation/unknown), then d (derived) and m (maintenance). About 80 bytes instead of 300
 * as JSON, and trimming by age is one ZREMRANGEBYSCORE.
 */

export function encodeLapse(lapse: Lapse): { score: number; member: string } {
  const from = Date.parse(lapse.from);
  const to = lapse.to === null ? Number.NaN : Date.parse(lapse.to);
  if (!Number.isFinite(from) || !Number.isFinite(to)) throw new Error("only a finished lapse is stored");
  const flags = `${lapse.status === "violation" ? "v" : "u"}${lapse.derived ? "d" : ""}${lapse.maintenance ? "m" : ""}`;
  return { score: to, member: `${from}|${to}|${lapse.findingKey}|${flags}|${lapse.violationId ?? ""}` };
}

export function decodeLapse(member: string): Lapse | null {
  const [from, to, key, flags, id] = member.split("|");
  if (from === undefined || to === undefined || key === undefined || flags === undefined) return null;
  const ref = parseFindingKey(key);
  if (ref === null) return null;
  return {
    findingKey: key,
    kind: ref.kind,
    subject: ref.subject,
    status: flags.startsWith("v") ? "violation" : "unknown",
    from: new Date(Number(from)).toISOString(),
    to: new Date(Number(to)).toISOString(),
    derived: flags.includes("d"),
    maintenance: flags.includes("m"),
    violationId: id ? id : null,
  };
}

/** The inverse of domain findingKey(): "kind:type:id" (ids never hold a colon). */
export function parseFindingKey(
  key: string,
): { kind: FindingKind; subject: { type: SubjectType; id: string } } | null {
  const first = key.indexOf(":");
  const second = key.indexOf(":", first + 1);
  if (first <= 0 || second <= first) return null;
  return {
    kind: key.slice(0, first) as FindingKind,
    subject: { type: key.slice(first + 1, second) as SubjectType, id: key.slice(second + 1) },
  };
}

/** Finished lapses of a site that end at or after `fromMs` (oldest end first). */
export async function readLapses(redis: Redis, keys: Keys, siteId: string, fromMs: number): Promise<Lapse[]> {
  const members = await redis.zrangebyscore(keys.site(siteId).lapses, fromMs, "+inf");
  return members.map(decodeLapse).filter((l): l is Lapse => l !== null);
}
