import { generateKeyPairSync } from "node:crypto";
import type { Redis } from "ioredis";
import { canonicalJson, entryHash, GENESIS_HASH } from "../../src/ledger/canonical.ts";
import { createSigner, type LedgerSigner } from "../../src/ledger/keys.ts";
import type { Keys } from "../../src/store/keys.ts";

/** A fresh Ed25519 signer (no file). */
export function testSigner(): LedgerSigner {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return createSigner({
    privateKey,
    publicKey: publicKey.export({ type: "spki", format: "pem" }).toString(),
  });
}

/** A clock the test moves. */
export function fakeClock(start = Date.parse("2026-10-01T00:00:00.000Z")): {
  now: () => number;
  advance(ms: number): void;
} {
  let t = start;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
  };
}

/**
 * What the review did to a ledger in Redis: edits entry 1, removes entry 2, rebuilds every
 * seq, prev and hash so the chain is consistent again, and deletes the signed heads. Returns
 * the rewritten head.
 */
export async function rewriteHistory(redis: Redis, keys: Keys): Promise<{ seq: number; hash: string }> {
  const k = keys.ledger;
  const entries = (await redis.lrange(k.entries, 0, -1)).map((r) => JSON.parse(r) as Record<string, unknown>);
  const first = entries[0]!;
  first["data"] = { ...(first["data"] as Record<string, unknown>), rewritten: true };
  entries.splice(1, 1);
  let prev = GENESIS_HASH;
  const rebuilt = entries.map((e, i) => {
    const { hash: _old, ...rest } = e;
    const unhashed = { ...rest, seq: i + 1, prev };
    const hash = entryHash(unhashed);
    prev = hash;
    return canonicalJson({ ...unhashed, hash });
  });
  await redis
    .multi()
    .del(k.entries, k.signedHeads, k.latestSignedHead)
    .rpush(k.entries, ...rebuilt)
    .hset(k.head, "seq", rebuilt.length, "hash", prev)
    .exec();
  return { seq: rebuilt.length, hash: prev };
}

/** Redis lost its data: the ledger's keys are gone. */
export async function loseLedger(redis: Redis, keys: Keys): Promise<void> {
  const k = keys.ledger;
  await redis.del(k.entries, k.head, k.eventIds, k.signedHeads, k.latestSignedHead);
}
