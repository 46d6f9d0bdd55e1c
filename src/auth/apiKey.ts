import { createHash, randomBytes, timingSafeEqual } from "node:crypto";

/** Prefix that makes a leaked key recognisable to secret scanners and to people. */
const PREFIX = "nwk_";

/**
 * A new bearer key (256 random bits) and the SHA-256 hex that goes into http.apiKeys[].sha256.
 * Only the hash is ever stored; the key is shown once to its holder.
 */
export function newApiKey(): { key: string; sha256: string } {
  const key = PREFIX + randomBytes(32).toString("base64url");
  return { key, sha256: hashApiKey(key) };
}

/** SHA-256 of the key's UTF-8 bytes, lower-case hex. */
export function hashApiKey(key: string): string {
  return createHash("sha256").update(key, "utf8").digest("hex");
}

/**
 * Whether `key` hashes to `sha256hex` (either case). Compares the digests in constant time, so
 * response timing reveals nothing about how much of a guess was right.
 */
export function matchesApiKey(key: string, sha256hex: string): boolean {
  if (!/^[0-9a-fA-F]{64}$/.test(sha256hex)) return false;
  const expected = Buffer.from(sha256hex, "hex");
  const actual = createHash("sha256").update(key, "utf8").digest();
  return timingSafeEqual(actual, expected);
}
