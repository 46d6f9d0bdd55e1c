import type { Redis } from "ioredis";
import type { LedgerEntry, LedgerEventType, SignedHead } from "../domain/ledger.ts";
import type { Keys } from "../store/keys.ts";
import { parseJson } from "../store/bound.ts";
import { createLedgerStore, type StoredLedgerHead } from "../store/ledger.ts";
import { canonicalJson, entryHash, GENESIS_HASH, headPayload } from "./canonical.ts";
import { KeptHeadError, type KeptHeadStore } from "./keptHead.ts";
import type { LedgerSigner } from "./keys.ts";

/**
 * The append-only, hash-chained ledger (DESIGN.md §4 "Ledger") in Redis (store/ledger.ts): a
 * list of canonical entry JSON (index = seq - 1), the head (seq, hash) beside it, and the signed
 * heads. Appends from any number of processes keep one chain: each append is computed against
 * the head it read and stored by a script that refuses it when the head has moved (then it is
 * recomputed).
 */
export interface Ledger {
  /**
   * Appends one event. With an eventId (a stable id such as "violation:ID:opened"), an event
   * already in the ledger is not appended again and the stored entry is returned: a retried
   * job records its events once.
   */
  append(
    type: LedgerEventType,
    siteId: string,
    data: Readonly<Record<string, unknown>>,
    options?: { readonly eventId?: string },
  ): Promise<LedgerEntry>;
  head(): Promise<LedgerHead>;
  /** Entries with seq >= from (1 when absent), ascending, at most limit. */
  page(query: { readonly from?: number; readonly limit: number }): Promise<LedgerEntry[]>;
  /** The stored text of entries, as page() selects them (export writes these unchanged). */
  pageRaw(query: { readonly from?: number; readonly limit: number }): Promise<string[]>;
  /** Entries stored (the list's length, which equals head().seq unless someone tampered). */
  length(): Promise<number>;
  /**
   * Signs the current head, stores it (in Redis, and in the kept head file when there is one),
   * returns it. Throws when the ledger has no signer, and LedgerBrokenError, signing nothing,
   * when the chain in Redis does not extend the kept head.
   */
  signHead(): Promise<SignedHead>;
  /**
   * Whether the chain in Redis extends the kept head, or `against` when given (null: checks the
   * whole chain from the start); throws LedgerBrokenError when not. Returns the head checked against.
   */
  checkExtendsKeptHead(against?: SignedHead | null): Promise<SignedHead | null>;
  /** Signed heads, newest first: the latest signature, then one per earlier signed seq. */
  heads(limit?: number): Promise<SignedHead[]>;
  latestSignedHead(): Promise<SignedHead | null>;
  /** The signer's public key (SPKI PEM); null for a read-only ledger. */
  readonly publicKey: string | null;
}

export interface LedgerHead {
  readonly seq: number;
  readonly hash: string;
}

export interface LedgerOptions {
  readonly redis: Redis;
  readonly keys: Keys;
  readonly now: () => number;
  /** Null for a ledger that is only read (signHead then throws). */
  readonly signer: LedgerSigner | null;
  /**
   * The last signed head kept outside Redis (keptHead.ts). With one, the ledger signs only a
   * chain that extends it; without (tests, read-only ledgers), whatever Redis holds.
   */
  readonly keptHead?: KeptHeadStore | null;
  /** Largest canonical `data` accepted. Default 16 KiB. */
  readonly maxDataBytes?: number;
}

/** Appends kept colliding with other writers. Retryable. */
export class LedgerBusyError extends Error {
  override readonly name = "LedgerBusyError";
  readonly retryable = true;
}

/**
 * The stored head disagrees with the stored entries (entries removed or added behind the
 * monitor's back). The monitor does not append onto a ledger it cannot extend honestly. Not
 * retryable: someone must look (`nurserywatch ledger verify`).
 */
export class LedgerIntegrityError extends Error {
  override readonly name = "LedgerIntegrityError";
  readonly retryable = false;
}

export type LedgerBrokenReason =
  /** Fewer entries than the kept head covers: removed, or Redis lost its data and began anew. */
  | "shorter"
  /** The entry at the kept head's seq is not the one signed: the history up to it was rewritten. */
  | "rewritten"
  /** The entries after the kept head do not chain (edited, removed, reordered), or disagree with the stored head. */
  | "chain_invalid"
  /** The kept head file is unreadable or its signature is bad. */
  | "kept_head_unreadable";

/**
 * The chain in Redis does not extend the last head the monitor signed: the monitor refuses to
 * sign it (DESIGN.md §4 "Ledger"), and the site gets a ledger_broken violation. Not retryable:
 * someone must look (`nurserywatch ledger verify --head`), and only an operator starts a new
 * chain (`nurserywatch ledger new-chain`).
 */
export class LedgerBrokenError extends Error {
  override readonly name = "LedgerBrokenError";
  readonly retryable = false;
  constructor(
    message: string,
    readonly reason: LedgerBrokenReason,
    /** The kept head; null when it could not be read. */
    readonly kept: SignedHead | null,
    /** The head in Redis. */
    readonly current: LedgerHead,
  ) {
    super(message);
  }
}

export class LedgerDataError extends Error {
  override readonly name = "LedgerDataError";
  readonly retryable = false;
}

const MAX_ATTEMPTS = 100;

export function createLedger(options: LedgerOptions): Ledger {
  const { now, signer } = options;
  const store = createLedgerStore(options.redis, options.keys);
  const maxDataBytes = options.maxDataBytes ?? 16 * 1024;

  /** A ledger with no head yet stands at the genesis hash. */
  const orGenesis = (h: StoredLedgerHead | null): LedgerHead => h ?? { seq: 0, hash: GENESIS_HASH };

  const head = async (): Promise<LedgerHead> => orGenesis(await store.head());

  const entryAt = async (seq: number): Promise<LedgerEntry> => {
    const entry = await store.entryAt(seq);
    if (entry === null) throw new LedgerIntegrityError(`ledger entry ${seq} is missing or unreadable`);
    return entry;
  };

  const pageRaw = async (query: { from?: number; limit: number }): Promise<string[]> => {
    const from = Math.max(1, Math.floor(query.from ?? 1));
    const limit = Math.max(0, Math.floor(query.limit));
    if (limit === 0) return [];
    return store.pageRaw(from, limit);
  };

  const keptStore = options.keptHead ?? null;

  const headAndLength = async (): Promise<{ head: LedgerHead; length: number }> => {
    const { head: h, length } = await store.headAndLength();
    return { head: orGenesis(h), length };
  };

  /**
   * Checks that `current` extends `kept` (genesis when null): the entry at kept.seq has the kept
   * hash, and every entry after it, up to current.seq, matches its hash and names the one before.
   * Entries up to kept.seq were checked when it was signed. Throws LedgerBrokenError.
   */
  const checkExtends = async (
    kept: SignedHead | null,
    current: LedgerHead,
    length: number,
  ): Promise<void> => {
    const from = kept?.seq ?? 0;
    const broken = (reason: LedgerBrokenReason, message: string): LedgerBrokenError =>
      new LedgerBrokenError(message, reason, kept, current);
    const signed =
      kept === null
        ? ""
        : `the monitor signed entry ${kept.seq} (hash ${kept.hash.slice(0, 12)}…) at ${kept.at}`;
    if (kept !== null && current.seq < kept.seq) {
      throw broken(
        "shorter",
        `the ledger in Redis ends at entry ${current.seq} but ${signed}: entries were removed, or Redis lost its data and the ledger began anew`,
      );
    }
    if (length !== current.seq) {
      throw broken(
        "chain_invalid",
        `the ledger head in Redis says entry ${current.seq} but ${length} entries are stored: entries were removed or added behind the monitor's back`,
      );
    }
    let prev = GENESIS_HASH;
    if (kept !== null && kept.seq > 0) {
      const [raw] = await pageRaw({ from: kept.seq, limit: 1 });
      const at = parseJson<LedgerEntry>(raw);
      if (at === null || at.hash !== kept.hash) {
        throw broken(
          "rewritten",
          `entry ${kept.seq} in Redis is not the one ${signed}: the history up to it was rewritten`,
        );
      }
      if (entryHash(at as unknown as Record<string, unknown>) !== at.hash) {
        throw broken(
          "chain_invalid",
          `entry ${kept.seq} in Redis, the one ${signed}, was edited: it does not match its hash`,
        );
      }
      prev = at.hash;
    } else if (kept !== null && kept.hash !== GENESIS_HASH) {
      throw broken("rewritten", `${signed}, but an empty ledger has no such hash`);
    }
    const pageSize = 1000;
    for (let seq = from + 1; seq <= current.seq; seq += pageSize) {
      const page = await pageRaw({ from: seq, limit: Math.min(pageSize, current.seq - seq + 1) });
      for (const [i, raw] of page.entries()) {
        const expected = seq + i;
        const e = parseJson<LedgerEntry>(raw);
        const problem =
          e === null
            ? "is unreadable"
            : e.seq !== expected
              ? `says it is entry ${e.seq}`
              : e.prev !== prev
                ? "does not follow the entry before it"
                : entryHash(e as unknown as Record<string, unknown>) !== e.hash
                  ? "does not match its hash (edited)"
                  : null;
        if (problem !== null || e === null) {
          throw broken(
            "chain_invalid",
            `entry ${expected} in Redis ${problem ?? "is unreadable"}${kept === null ? "" : `; ${signed}`}`,
          );
        }
        prev = e.hash;
      }
      if (page.length === 0) break;
    }
    if (prev !== current.hash) {
      throw broken(
        "chain_invalid",
        `the ledger head in Redis (entry ${current.seq}) is not the hash of its last entry`,
      );
    }
  };

  const readKept = async (current: LedgerHead): Promise<SignedHead | null> => {
    if (keptStore === null) return null;
    try {
      return await keptStore.read();
    } catch (err) {
      if (!(err instanceof KeptHeadError)) throw err;
      throw new LedgerBrokenError(
        `${err.message}; the monitor signs nothing until it is looked at`,
        "kept_head_unreadable",
        null,
        current,
      );
    }
  };

  return {
    publicKey: signer?.publicKey ?? null,
    head,
    pageRaw,
    async page(query) {
      return (await pageRaw(query)).map((r) => {
        const e = parseJson<LedgerEntry>(r);
        if (e === null) throw new LedgerIntegrityError("a ledger entry is unreadable");
        return e;
      });
    },
    length: () => store.length(),

    async append(type, siteId, data, appendOptions = {}) {
      const eventId = appendOptions.eventId ?? "";
      // Normalised once: what is hashed is what a reader parses back.
      const body = JSON.parse(canonicalJson(eventId ? { ...data, eventId } : data)) as Record<
        string,
        unknown
      >;
      const bytes = Buffer.byteLength(canonicalJson(body), "utf8");
      if (bytes > maxDataBytes) {
        throw new LedgerDataError(
          `ledger data of ${type} is ${bytes} bytes; at most ${maxDataBytes} are kept`,
        );
      }
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const current = await head();
        const unhashed = {
          seq: current.seq + 1,
          at: new Date(now()).toISOString(),
          type,
          siteId,
          data: body,
          prev: current.hash,
        };
        const entry: LedgerEntry = { ...unhashed, hash: entryHash(unhashed) };
        const reply = await store.append({
          expectedSeq: current.seq,
          expectedHash: current.hash,
          genesisHash: GENESIS_HASH,
          entryJson: canonicalJson(entry),
          seq: entry.seq,
          hash: entry.hash,
          eventId,
        });
        switch (reply.kind) {
          case "ok":
            return entry;
          case "dup":
            return entryAt(reply.seq);
          case "corrupt":
            throw new LedgerIntegrityError(
              `the ledger head says seq ${current.seq} but ${reply.length} entries are stored; run \`nurserywatch ledger verify\``,
            );
          case "conflict":
            // Another writer appended first: recompute against the new head.
            if (attempt > 5) await new Promise((res) => setTimeout(res, Math.random() * 20));
        }
      }
      throw new LedgerBusyError(`could not append ${type} after ${MAX_ATTEMPTS} attempts (too many writers)`);
    },

    async checkExtendsKeptHead(against) {
      const { head: h, length } = await headAndLength();
      const kept = against === undefined ? await readKept(h) : against;
      await checkExtends(kept, h, length);
      return kept;
    },

    async signHead() {
      if (signer === null) throw new Error("this ledger has no signer (no monitor key)");
      const { head: h, length } = await headAndLength();
      const kept = await readKept(h);
      if (keptStore !== null) await checkExtends(kept, h, length);
      const at = new Date(now()).toISOString();
      const signed: SignedHead = {
        seq: h.seq,
        hash: h.hash,
        at,
        signature: signer.sign(headPayload(h.seq, h.hash, at)),
        publicKey: signer.publicKey,
      };
      // Outside Redis first: what Redis says afterwards cannot take it back.
      if (keptStore !== null && (kept === null || kept.seq !== h.seq || kept.hash !== h.hash)) {
        await keptStore.write(signed);
      }
      // One stored head per signed seq keeps the list as long as the ledger's history of
      // changes, not as long as the monitor's uptime; the newest signature is kept besides.
      await store.putSignedHead(signed, canonicalJson(signed));
      return signed;
    },

    async heads(limit = 100) {
      const stored = (await store.signedHeads()).reverse();
      const latest = await store.latestSignedHead();
      const all =
        latest && !stored.some((h) => h.at === latest.at && h.seq === latest.seq)
          ? [latest, ...stored]
          : stored;
      return all.slice(0, Math.max(0, limit));
    },

    latestSignedHead: () => store.latestSignedHead(),
  };
}
