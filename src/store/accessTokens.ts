import type { Redis } from "ioredis";
import type { AccessTokenRecord } from "../domain/family.ts";
import { parseJson } from "./bound.ts";
import type { Keys } from "./keys.ts";

/**
 * Parents' access tokens, by id within their site, and found by the SHA-256 of the token
 * through one index (a token names no site). Only hashes are ever written.
 */
export interface AccessTokenRepository {
  put(record: AccessTokenRecord): Promise<void>;
  /** The record whose hash this is, or null. */
  byHash(sha256: string): Promise<AccessTokenRecord | null>;
  get(siteId: string, tokenId: string): Promise<AccessTokenRecord | null>;
  /** Tokens of one family of the site. */
  ofFamily(siteId: string, familyId: string): Promise<AccessTokenRecord[]>;
  /** Deletes the tokens; returns how many there were. */
  remove(records: readonly AccessTokenRecord[]): Promise<number>;
  /** Deletes the site's tokens expired before `beforeMs`. */
  trimExpired(siteId: string, beforeMs: number): Promise<number>;
}

interface IndexEntry {
  readonly siteId: string;
  readonly tokenId: string;
}

export function createAccessTokenRepository(redis: Redis, keys: Keys): AccessTokenRepository {
  const all = async (siteId: string): Promise<AccessTokenRecord[]> =>
    (await redis.hvals(keys.site(siteId).accessTokens))
      .map((r) => parseJson<AccessTokenRecord>(r))
      .filter((t): t is AccessTokenRecord => t !== null);
  const remove = async (records: readonly AccessTokenRecord[]): Promise<number> => {
    if (records.length === 0) return 0;
    // Index first: a token whose index entry is gone can no longer be used, whatever follows.
    await redis.hdel(keys.accessTokenIndex, ...records.map((r) => r.sha256));
    let n = 0;
    for (const r of records) n += await redis.hdel(keys.site(r.siteId).accessTokens, r.tokenId);
    return n;
  };
  return {
    async put(t) {
      await redis.hset(keys.site(t.siteId).accessTokens, t.tokenId, JSON.stringify(t));
      const entry: IndexEntry = { siteId: t.siteId, tokenId: t.tokenId };
      await redis.hset(keys.accessTokenIndex, t.sha256, JSON.stringify(entry));
    },
    async byHash(sha256) {
      const entry = parseJson<IndexEntry>(await redis.hget(keys.accessTokenIndex, sha256));
      if (entry === null) return null;
      const record = parseJson<AccessTokenRecord>(
        await redis.hget(keys.site(entry.siteId).accessTokens, entry.tokenId),
      );
      // The hash is compared again: an index entry pointing at another token is no match.
      return record !== null && record.sha256 === sha256 ? record : null;
    },
    async get(siteId, tokenId) {
      return parseJson<AccessTokenRecord>(await redis.hget(keys.site(siteId).accessTokens, tokenId));
    },
    async ofFamily(siteId, familyId) {
      return (await all(siteId))
        .filter((t) => t.familyId === familyId)
        .sort((a, b) => a.issuedAt.localeCompare(b.issuedAt));
    },
    remove,
    async trimExpired(siteId, beforeMs) {
      return remove((await all(siteId)).filter((t) => Date.parse(t.expiresAt) < beforeMs));
    },
  };
}
