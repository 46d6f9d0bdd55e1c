import type { Redis } from "ioredis";
import type { LedgerEntry, SignedHead } from "../domain/ledger.ts";
import { parseJson } from "./bound.ts";
import type { Keys } from "./keys.ts";
import { luaScript, runScript } from "./script.ts";

/** The ledger's head as stored (seq, hash); null before the first append. */
export interface StoredLedgerHead {
  readonly seq: number;
  readonly hash: string;
}

/** What the append script found: appended, already there (by event id), moved on, or inconsistent. */
export type LedgerAppendReply =
  | { readonly kind: "ok" }
  | { readonly kind: "dup"; readonly seq: number }
  | { readonly kind: "conflict"; readonly seq: number }
  | { readonly kind: "corrupt"; readonly length: number };

/**
 * The ledger chain's Redis commands (ledger/ledger.ts computes the chain, hashes and
 * signatures; this only stores and reads): a list of canonical entry JSON (index = seq - 1),
 * the head beside it, the event ids already appended, and the signed heads.
 */
export interface LedgerStore {
  head(): Promise<StoredLedgerHead | null>;
  /** The head and the stored length, read together (appends run in scripts, so never half seen). */
  headAndLength(): Promise<{ readonly head: StoredLedgerHead | null; readonly length: number }>;
  /** The entry at seq; null when missing or unreadable. */
  entryAt(seq: number): Promise<LedgerEntry | null>;
  /** Stored text of `limit` entries from seq `from` (1-based). */
  pageRaw(from: number, limit: number): Promise<string[]>;
  length(): Promise<number>;
  /**
   * Appends `entryJson` as entry `seq` with head `hash`, only if the head is still
   * (expectedSeq, expectedHash) and the list agrees with it; an eventId already appended is
   * not appended again. One script: appends from many processes keep one chain.
   */
  append(a: {
    readonly expectedSeq: number;
    readonly expectedHash: string;
    /** The hash a head-less ledger counts as its head. */
    readonly genesisHash: string;
    readonly entryJson: string;
    readonly seq: number;
    readonly hash: string;
    readonly eventId: string;
  }): Promise<LedgerAppendReply>;
  /** Signed heads, oldest first. */
  signedHeads(): Promise<SignedHead[]>;
  latestSignedHead(): Promise<SignedHead | null>;
  /**
   * Stores a new signature as the latest; also appends it to the list of signed heads unless the
   * last one there has the same seq and hash (one per signed seq, not one per signing).
   */
  putSignedHead(head: SignedHead, text: string): Promise<void>;
}

const APPEND = luaScript(`
if ARGV[6] ~= '' then
  local s = redis.call('HGET', KEYS[3], ARGV[6])
  if s then return {'dup', s} end
end
local h = redis.call('HMGET', KEYS[2], 'seq', 'hash')
local seq = tonumber(h[1]) or 0
local hash = h[2] or ARGV[7]
if seq ~= tonumber(ARGV[1]) or hash ~= ARGV[2] then return {'conflict', tostring(seq)} end
if redis.call('LLEN', KEYS[1]) ~= seq then return {'corrupt', tostring(redis.call('LLEN', KEYS[1]))} end
redis.call('RPUSH', KEYS[1], ARGV[3])
redis.call('HSET', KEYS[2], 'seq', ARGV[4], 'hash', ARGV[5])
if ARGV[6] ~= '' then redis.call('HSET', KEYS[3], ARGV[6], ARGV[4]) end
return {'ok', ARGV[4]}`);

const headOf = (seq: string | null | undefined, hash: string | null | undefined): StoredLedgerHead | null =>
  seq == null || hash == null ? null : { seq: Number(seq), hash };

export function createLedgerStore(redis: Redis, keys: Keys): LedgerStore {
  const k = keys.ledger;
  return {
    async head() {
      const [seq, hash] = await redis.hmget(k.head, "seq", "hash");
      return headOf(seq, hash);
    },
    async headAndLength() {
      const reply = await redis.multi().hmget(k.head, "seq", "hash").llen(k.entries).exec();
      const [seq, hash] = (reply?.[0]?.[1] ?? [null, null]) as (string | null)[];
      return { head: headOf(seq, hash), length: Number(reply?.[1]?.[1] ?? 0) };
    },
    async entryAt(seq) {
      return parseJson<LedgerEntry>(await redis.lindex(k.entries, seq - 1));
    },
    pageRaw: (from, limit) => redis.lrange(k.entries, from - 1, from - 1 + limit - 1),
    length: () => redis.llen(k.entries),
    async append(a) {
      const [kind, value] = (await runScript(
        redis,
        APPEND,
        [k.entries, k.head, k.eventIds],
        [a.expectedSeq, a.expectedHash, a.entryJson, a.seq, a.hash, a.eventId, a.genesisHash],
      )) as [string, string];
      switch (kind) {
        case "ok":
          return { kind: "ok" };
        case "dup":
          return { kind: "dup", seq: Number(value) };
        case "corrupt":
          return { kind: "corrupt", length: Number(value) };
        default:
          return { kind: "conflict", seq: Number(value) };
      }
    },
    async signedHeads() {
      return (await redis.lrange(k.signedHeads, 0, -1))
        .map((r) => parseJson<SignedHead>(r))
        .filter((h): h is SignedHead => h !== null);
    },
    async latestSignedHead() {
      return parseJson<SignedHead>(await redis.get(k.latestSignedHead));
    },
    async putSignedHead(head, text) {
      const last = parseJson<SignedHead>(await redis.lindex(k.signedHeads, -1));
      const tx = redis.multi().set(k.latestSignedHead, text);
      if (last === null || last.seq !== head.seq || last.hash !== head.hash) tx.rpush(k.signedHeads, text);
      await tx.exec();
    },
  };
}
