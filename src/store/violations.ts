import type { Redis } from "ioredis";
import { parseJson } from "./bound.ts";
import type { Keys } from "./keys.ts";
import type { TrackedViolation } from "./types.ts";

/** A cursor this store did not make (the API answers 400 for it, not 500). */
export class InvalidCursorError extends Error {
  override readonly name = "InvalidCursorError";
}

export interface ViolationListQuery {
  /** All sites the engine has seen when absent. */
  readonly siteId?: string;
  /** open: only state "open"; all: pending, open and resolved (history). */
  readonly state: "open" | "all";
  readonly limit: number;
  /** Opaque, from a previous page's nextCursor. */
  readonly cursor?: string;
}

export interface ViolationListPage {
  /** Newest first: by openedAt for state open, by firstSeenAt for all. */
  readonly items: readonly TrackedViolation[];
  /** Null on the last page. */
  readonly nextCursor: string | null;
}

/** Reads of the violations the engine writes (the engine is their only writer). */
export interface ViolationReader {
  list(query: ViolationListQuery): Promise<ViolationListPage>;
  /** Every open violation of a site (or of all sites), newest first; for the dashboard and metrics. */
  listOpen(siteId?: string): Promise<TrackedViolation[]>;
  /** By id; searches every known site when siteId is absent. */
  get(id: string, siteId?: string): Promise<TrackedViolation | null>;
  /** The pending or open violation tracking a finding, if any. */
  getByFindingKey(siteId: string, findingKey: string): Promise<TrackedViolation | null>;
  /** Every pending or open violation of a site. */
  listTracked(siteId: string): Promise<TrackedViolation[]>;
  /** Site ids the engine has written state for. */
  sites(): Promise<string[]>;
}

interface Position {
  readonly score: number;
  readonly site: string;
  readonly id: string;
}

export function createViolationReader(redis: Redis, keys: Keys): ViolationReader {
  const sites = async (): Promise<string[]> => (await redis.smembers(keys.sites)).sort();

  const load = async (siteId: string, ids: readonly string[]): Promise<TrackedViolation[]> => {
    if (ids.length === 0) return [];
    const raw = await redis.hmget(keys.site(siteId).violations, ...ids);
    return raw.map((r) => parseJson<TrackedViolation>(r)).filter((v): v is TrackedViolation => v !== null);
  };

  return {
    sites,
    async list(query) {
      const limit = Math.max(1, Math.min(1000, Math.floor(query.limit)));
      const after = query.cursor === undefined ? null : decodeCursor(query.cursor, query.state);
      const siteIds = query.siteId !== undefined ? [query.siteId] : await sites();
      const candidates: Position[] = [];
      for (const site of siteIds) {
        const k = keys.site(site);
        candidates.push(
          ...(await below(redis, query.state === "open" ? k.open : k.all, site, after, limit + 1)),
        );
      }
      candidates.sort(descending);
      const page = candidates.slice(0, limit);
      const items: TrackedViolation[] = [];
      for (const site of new Set(page.map((p) => p.site))) {
        const ids = page.filter((p) => p.site === site).map((p) => p.id);
        items.push(...(await load(site, ids)));
      }
      const order = new Map(page.map((p, i) => [`${p.site}\u0000${p.id}`, i]));
      items.sort(
        (a, b) => (order.get(`${a.siteId}\u0000${a.id}`) ?? 0) - (order.get(`${b.siteId}\u0000${b.id}`) ?? 0),
      );
      const last = page[page.length - 1];
      return {
        items,
        nextCursor: candidates.length > limit && last ? encodeCursor(last, query.state) : null,
      };
    },
    async listOpen(siteId) {
      const out: TrackedViolation[] = [];
      for (const site of siteId !== undefined ? [siteId] : await sites()) {
        out.push(...(await load(site, await redis.zrevrange(keys.site(site).open, 0, -1))));
      }
      return out.sort((a, b) => (b.openedAt ?? "").localeCompare(a.openedAt ?? ""));
    },
    async get(id, siteId) {
      for (const site of siteId !== undefined ? [siteId] : await sites()) {
        const found = parseJson<TrackedViolation>(await redis.hget(keys.site(site).violations, id));
        if (found) return found;
      }
      return null;
    },
    async getByFindingKey(siteId, findingKey) {
      const id = await redis.hget(keys.site(siteId).tracked, findingKey);
      return id === null ? null : ((await load(siteId, [id]))[0] ?? null);
    },
    async listTracked(siteId) {
      return load(siteId, Object.values(await redis.hgetall(keys.site(siteId).tracked)));
    },
  };
}

/** Newest first; ties by site then id, descending (Redis's own order within one sorted set). */
function descending(a: Position, b: Position): number {
  return b.score - a.score || compare(b.site, a.site) || compare(b.id, a.id);
}

const compare = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Up to n members of one site's index strictly after `after` in descending order. */
async function below(
  redis: Redis,
  key: string,
  site: string,
  after: Position | null,
  n: number,
): Promise<Position[]> {
  const out: Position[] = [];
  let offset = 0;
  for (;;) {
    const batch = await redis.zrevrangebyscore(
      key,
      after ? after.score : "+inf",
      "-inf",
      "WITHSCORES",
      "LIMIT",
      offset,
      n,
    );
    if (batch.length === 0) return out;
    for (let i = 0; i + 1 < batch.length; i += 2) {
      const p: Position = { score: Number(batch[i + 1]), site, id: batch[i]! };
      if (after === null || descending(after, p) < 0) out.push(p);
      if (out.length >= n) return out;
    }
    offset += batch.length / 2;
  }
}

function encodeCursor(p: Position, state: string): string {
  return Buffer.from(JSON.stringify([state, p.score, p.site, p.id]), "utf8").toString("base64url");
}

function decodeCursor(cursor: string, state: string): Position {
  const value = parseJson<unknown>(Buffer.from(cursor, "base64url").toString("utf8"));
  if (
    !Array.isArray(value) ||
    value.length !== 4 ||
    value[0] !== state ||
    typeof value[1] !== "number" ||
    typeof value[2] !== "string" ||
    typeof value[3] !== "string"
  ) {
    throw new InvalidCursorError("invalid cursor");
  }
  return { score: value[1], site: value[2], id: value[3] };
}
