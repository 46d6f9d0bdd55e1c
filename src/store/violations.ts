import type { Redis } from "ioredis";
import { InvalidCursorError } from "../domain/cursor.ts";
import type { OutboxMessage } from "../domain/outbox.ts";
import type { Incident, Lapse, TrackedViolation } from "../domain/violation.ts";
import { parseJson } from "./bound.ts";
import { encodeIncident } from "./incidents.ts";
import type { Keys } from "./keys.ts";
import { encodeLapse } from "./lapses.ts";
import {
  acquireSiteLock,
  cmd,
  commitUnderLock,
  type LockOptions,
  type SiteLock,
  type WriteOp,
} from "./siteLock.ts";

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

/** Records that the monitor keeps state for a site (the listings read every known site). */
export async function addKnownSite(redis: Redis, keys: Keys, siteId: string): Promise<void> {
  await redis.sadd(keys.sites, siteId);
}

/** The last evaluation applied to a site: its sequence, time, and the ledger entries it appended. */
export interface AppliedMark {
  readonly seq: number | null;
  readonly at: number | null;
  /** Ledger seqs the apply noted; read back for a duplicate apply. */
  readonly ledgerSeqs: readonly number[];
}

/** What one step of the lifecycle did to the violation tracking one finding key. */
export interface ViolationChange {
  readonly key: string;
  readonly prev: TrackedViolation | null;
  /** What to track from now on (unchanged when it is `prev`); null when nothing. */
  readonly next: TrackedViolation | null;
  /** A violation that ended: resolved and recorded (kept as history), otherwise deleted. */
  readonly ended: TrackedViolation | null;
}

/** Everything one applied evaluation writes, in one atomic script under the site's lock. */
export interface ApplyWrite {
  readonly siteId: string;
  readonly changes: readonly ViolationChange[];
  readonly lapses: readonly Lapse[];
  /** New gap incidents, and aliases (a reported hole seen again under another key). */
  readonly incidents: readonly Incident[];
  readonly aliases: readonly Incident[];
  readonly applied: { readonly seq: number; readonly at: number; readonly ledgerSeqs: readonly number[] };
  /** Transitions for the registered subscribers, written in the same script as the violations. */
  readonly outbox: readonly OutboxMessage[];
  /** What is dropped: history, lapses and incidents older than these times (ms) or beyond these counts. */
  readonly keep: {
    readonly resolvedSince: number;
    readonly maxResolved: number;
    readonly lapsesSince: number;
    readonly maxLapses: number;
    readonly incidentsSince: number;
    readonly maxIncidents: number;
  };
}

/** The violation lifecycle's state in Redis, for the engine (its only writer). */
export interface ViolationStateStore {
  /** The next evaluation's sequence number for a site (a counter): taken when an evaluation starts. */
  nextEvaluationSeq(siteId: string): Promise<number>;
  lock(siteId: string, options?: LockOptions): Promise<SiteLock>;
  lastApplied(siteId: string): Promise<AppliedMark>;
  /** Every pending or open violation of a site, by finding key. */
  loadTracked(siteId: string): Promise<Map<string, TrackedViolation>>;
  /** When the first evaluation of a site was applied (ms), the start of its uptime. */
  firstAppliedAt(siteId: string): Promise<number | null>;
  /** Writes an apply atomically if `lock` still holds; throws LockLostError if not. */
  commit(lock: SiteLock, write: ApplyWrite): Promise<void>;
}

export function createViolationStateStore(redis: Redis, keys: Keys): ViolationStateStore {
  return {
    nextEvaluationSeq: (siteId) => redis.incr(keys.site(siteId).evaluationSeq),
    lock: (siteId, options) => acquireSiteLock(redis, keys.site(siteId).lock, options),
    async lastApplied(siteId) {
      const [seq, ledger, at] = await redis.hmget(
        keys.site(siteId).meta,
        "lastAppliedSeq",
        "lastLedger",
        "lastAppliedAt",
      );
      return {
        seq: seq == null ? null : Number(seq),
        at: at == null ? null : Number(at),
        ledgerSeqs: (ledger ?? "").split(",").filter(Boolean).map(Number),
      };
    },
    async loadTracked(siteId) {
      const k = keys.site(siteId);
      const entries = Object.entries(await redis.hgetall(k.tracked));
      const out = new Map<string, TrackedViolation>();
      if (entries.length === 0) return out;
      const raw = await redis.hmget(k.violations, ...entries.map(([, id]) => id));
      entries.forEach(([key], i) => {
        const v = parseJson<TrackedViolation>(raw[i]);
        if (v !== null && v.state !== "resolved") out.set(key, v);
      });
      return out;
    },
    async firstAppliedAt(siteId) {
      const first = await redis.hget(keys.site(siteId).meta, "firstAppliedAt");
      return first === null ? null : Number(first);
    },
    async commit(lock, w) {
      await commitUnderLock(redis, lock, applyOps(keys, w));
      await addKnownSite(redis, keys, w.siteId);
    },
  };
}

/** The writes of one apply, against the key layout. */
function applyOps(keys: Keys, w: ApplyWrite): WriteOp[] {
  const k = keys.site(w.siteId);
  const ops: WriteOp[] = [];
  for (const { key, prev, next, ended } of w.changes) {
    if (ended !== null) {
      // History keeps what is on the record; a derived blind spot lives on as its lapse.
      if (ended.state === "resolved" && ended.recorded) {
        ops.push(
          cmd("HSET", k.violations, ended.id, JSON.stringify(ended)),
          cmd("ZREM", k.open, ended.id),
          cmd("ZADD", k.resolved, Date.parse(ended.resolvedAt ?? ended.updatedAt), ended.id),
        );
      } else {
        ops.push(
          cmd("HDEL", k.violations, ended.id),
          cmd("ZREM", k.all, ended.id),
          cmd("ZREM", k.open, ended.id),
        );
      }
      ops.push(cmd("HDEL", k.tracked, key));
    }
    if (next !== null && next !== prev) {
      ops.push(
        cmd("HSET", k.violations, next.id, JSON.stringify(next)),
        cmd("HSET", k.tracked, key, next.id),
        cmd("ZADD", k.all, Date.parse(next.firstSeenAt), next.id),
      );
      if (next.state === "open" && next.openedAt !== null) {
        ops.push(cmd("ZADD", k.open, Date.parse(next.openedAt), next.id));
      }
    }
  }
  for (const l of w.lapses) {
    const { score, member } = encodeLapse(l);
    ops.push(cmd("ZADD", k.lapses, score, member));
  }
  for (const i of w.incidents) {
    ops.push(
      cmd("HSET", k.incidents, i.key, encodeIncident(i)),
      cmd("ZADD", k.incidentIndex, Date.parse(i.reportedAt), i.key),
    );
  }
  // Indexed like incidents, so they are trimmed with them.
  for (const a of w.aliases) {
    ops.push(
      cmd("HSET", k.incidents, a.key, encodeIncident(a, true)),
      cmd("ZADD", k.incidentIndex, w.applied.at, a.key),
    );
  }
  for (const m of w.outbox) ops.push(cmd("RPUSH", keys.outbox(w.siteId, m.subscriber), JSON.stringify(m)));
  const { seq, at, ledgerSeqs } = w.applied;
  ops.push(
    cmd("HSET", k.meta, "lastAppliedSeq", seq, "lastAppliedAt", at, "lastLedger", ledgerSeqs.join(",")),
    cmd("HSETNX", k.meta, "firstAppliedAt", at),
    {
      op: "trim",
      index: k.resolved,
      before: w.keep.resolvedSince,
      keep: w.keep.maxResolved,
      also: [k.violations, k.all],
    },
    cmd("ZREMRANGEBYSCORE", k.lapses, "-inf", `(${w.keep.lapsesSince}`),
    cmd("ZREMRANGEBYRANK", k.lapses, 0, -(w.keep.maxLapses + 1)),
    {
      op: "trim",
      index: k.incidentIndex,
      before: w.keep.incidentsSince,
      keep: w.keep.maxIncidents,
      also: [k.incidents],
    },
  );
  return ops;
}
