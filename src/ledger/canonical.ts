import { createHash } from "node:crypto";

/**
 * Canonical JSON: object keys sorted (by UTF-16 code units, JavaScript's default sort), no
 * whitespace, undefined members left out. The same value always gives the same text, so a hash
 * over it is stable across processes and over an export and its re-verification.
 */
export function canonicalJson(value: unknown): string {
  if (value === null) return "null";
  switch (typeof value) {
    case "boolean":
    case "string":
      return JSON.stringify(value);
    case "number":
      if (!Number.isFinite(value)) throw new TypeError(`canonical JSON has no ${value}`);
      return JSON.stringify(value);
    case "object": {
      const withJson = value as { toJSON?: () => unknown };
      if (typeof withJson.toJSON === "function") return canonicalJson(withJson.toJSON());
      if (Array.isArray(value)) {
        return `[${value.map((v) => (v === undefined || typeof v === "function" ? "null" : canonicalJson(v))).join(",")}]`;
      }
      const members = Object.keys(value as Record<string, unknown>)
        .sort()
        .flatMap((k) => {
          const v = (value as Record<string, unknown>)[k];
          return v === undefined || typeof v === "function"
            ? []
            : [`${JSON.stringify(k)}:${canonicalJson(v)}`];
        });
      return `{${members.join(",")}}`;
    }
    default:
      throw new TypeError(`canonical JSON has no ${typeof value}`);
  }
}

/** `prev` of the first entry, and the hash of an empty ledger's head. */
export const GENESIS_HASH = "0".repeat(64);

/** SHA-256 hex over the canonical JSON of every field but `hash`. */
export function entryHash(entry: Readonly<Record<string, unknown>>): string {
  const { hash: _hash, ...rest } = entry;
  return createHash("sha256").update(canonicalJson(rest), "utf8").digest("hex");
}

/** What the monitor signs for a chain head (src/domain/ledger.ts SignedHead). */
export const headPayload = (seq: number, hash: string, at: string): string => `${seq}:${hash}:${at}`;
