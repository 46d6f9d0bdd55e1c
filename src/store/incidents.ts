import type { Redis } from "ioredis";
import type { Keys } from "./keys.ts";
import type { Incident } from "../domain/violation.ts";

/*
 * A site can have a hundred recording gaps per camera on record, each remembered for longer
 * than the retention window (or it would be reported again), so an incident is stored as one
 * short hash value keyed by its incident key: "startMs|endMs|minutes|flags|reportedAtMs|id",
 * flags being o (open), m (maintenance), a (alertable), s (seen again: an alias, see below).
 * The rest follows from the key.
 *
 * An alias is a key under which an already reported hole was seen again with another start (a
 * state change the device indexed late, or a hole that began before the window and has closed
 * since): it is remembered like an incident, so it is not looked at again, but never listed.
 */

export function encodeIncident(i: Incident, alias = false): string {
  const flags = `${i.gap.open ? "o" : ""}${i.maintenance ? "m" : ""}${i.alertable ? "a" : ""}${alias ? "s" : ""}`;
  return `${Date.parse(i.gap.start)}|${Date.parse(i.gap.end)}|${i.gap.minutes}|${flags}|${Date.parse(i.reportedAt)}|${i.id}`;
}

export function decodeIncident(siteId: string, key: string, value: string): Incident | null {
  const [start, end, minutes, flags, reported, id] = value.split("|");
  const cameraId = key.slice(0, key.indexOf("|"));
  if (
    start === undefined ||
    end === undefined ||
    flags === undefined ||
    reported === undefined ||
    !id ||
    !cameraId
  ) {
    return null;
  }
  const iso = (ms: string) => new Date(Number(ms)).toISOString();
  return {
    id,
    key,
    siteId,
    kind: "retention_gap",
    subject: { type: "camera", id: cameraId },
    gap: { start: iso(start), end: iso(end), minutes: Number(minutes), open: flags.includes("o") },
    reportedAt: iso(reported),
    maintenance: flags.includes("m"),
    alertable: flags.includes("a"),
  };
}

/** Which of these incident keys a site has already reported. */
export async function knownIncidentKeys(
  redis: Redis,
  keys: Keys,
  siteId: string,
  incidentKeys: readonly string[],
): Promise<Set<string>> {
  if (incidentKeys.length === 0) return new Set();
  const found = await redis.hmget(keys.site(siteId).incidents, ...incidentKeys);
  return new Set(incidentKeys.filter((_, i) => found[i] !== null));
}

/** The holes a site has reported, per camera: [start, end as reported] in ms. */
export async function reportedGapSpans(
  redis: Redis,
  keys: Keys,
  siteId: string,
): Promise<Map<string, { readonly startMs: number; readonly endMs: number; readonly incident: Incident }[]>> {
  const raw = await redis.hgetall(keys.site(siteId).incidents);
  const out = new Map<string, { startMs: number; endMs: number; incident: Incident }[]>();
  for (const [key, value] of Object.entries(raw)) {
    const incident = decodeIncident(siteId, key, value);
    if (incident === null) continue;
    const list = out.get(incident.subject.id) ?? [];
    list.push({ startMs: Date.parse(incident.gap.start), endMs: Date.parse(incident.gap.end), incident });
    out.set(incident.subject.id, list);
  }
  return out;
}

/** A site's incidents, newest first. */
export async function listIncidents(
  redis: Redis,
  keys: Keys,
  siteId: string,
  limit = 100,
): Promise<Incident[]> {
  const k = keys.site(siteId);
  const ids = await redis.zrevrange(k.incidentIndex, 0, Math.max(0, limit - 1));
  if (ids.length === 0) return [];
  const raw = await redis.hmget(k.incidents, ...ids);
  return ids.flatMap((key, i) => {
    const value = raw[i];
    if (value == null || isAlias(value)) return [];
    const incident = decodeIncident(siteId, key, value);
    return incident === null ? [] : [incident];
  });
}

function isAlias(value: string): boolean {
  return (value.split("|")[3] ?? "").includes("s");
}
