import type { Redis } from "ioredis";
import type { Incident } from "../domain/violation.ts";
import { listIncidents } from "../store/incidents.ts";
import type { Keys } from "../store/keys.ts";

/** Reported recording-gap incidents, read without building the violation engine. */
export interface IncidentService {
  /** A site's incidents, newest first (at most `limit`, default 100). */
  list(siteId: string, limit?: number): Promise<Incident[]>;
}

export function createIncidentService({
  redis,
  keys,
}: {
  readonly redis: Redis;
  readonly keys: Keys;
}): IncidentService {
  return { list: (siteId, limit) => listIncidents(redis, keys, siteId, limit) };
}
