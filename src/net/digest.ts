import { createHash } from "node:crypto";

/**
 * HTTP Digest answers (RFC 7616, RFC 2617). Pure: the caller supplies the cnonce and the nonce
 * count, so the computation can be checked against the RFC's worked examples.
 */

export type DigestAlgorithm =
  "MD5" | "MD5-sess" | "SHA-256" | "SHA-256-sess" | "SHA-512-256" | "SHA-512-256-sess";

/** A Digest challenge we know how to answer (see digestChallenge.ts for parsing). */
export interface DigestChallenge {
  readonly realm: string;
  readonly nonce: string;
  readonly algorithm: DigestAlgorithm;
  /** Whether the device named the algorithm; RFC 2069-era devices that did not may reject an echoed one. */
  readonly algorithmGiven: boolean;
  /** null: the device sent no qop (RFC 2069 compatibility: no cnonce, no nc). */
  readonly qop: "auth" | "auth-int" | null;
  readonly opaque: string | null;
  readonly userhash: boolean;
  readonly stale: boolean;
}

export interface DigestAnswerInput {
  readonly challenge: DigestChallenge;
  readonly username: string;
  readonly password: string;
  readonly method: string;
  /** The request-target as sent: path plus query. */
  readonly uri: string;
  /** Nonce count, 1 for the first use of a nonce. */
  readonly nc: number;
  readonly cnonce: string;
  /** Needed only for qop=auth-int. */
  readonly body?: string | Buffer;
}

const NODE_HASH: Readonly<Record<DigestAlgorithm, string>> = {
  MD5: "md5",
  "MD5-sess": "md5",
  "SHA-256": "sha256",
  "SHA-256-sess": "sha256",
  "SHA-512-256": "sha512-256",
  "SHA-512-256-sess": "sha512-256",
};

const hasher =
  (alg: DigestAlgorithm) =>
  (data: string | Buffer): string =>
    createHash(NODE_HASH[alg]).update(data).digest("hex");

/** nc is eight lower-case hex digits (RFC 7616 §3.4). */
export const formatNc = (nc: number): string => nc.toString(16).padStart(8, "0");

/** The `response` value of the Authorization header. */
export function digestResponse(input: DigestAnswerInput): string {
  const { challenge: c, username, password, method, uri, cnonce } = input;
  const H = hasher(c.algorithm);
  let ha1 = H(`${username}:${c.realm}:${password}`);
  if (c.algorithm.endsWith("-sess")) ha1 = H(`${ha1}:${c.nonce}:${cnonce}`);
  const a2 = c.qop === "auth-int" ? `${method}:${uri}:${H(input.body ?? "")}` : `${method}:${uri}`;
  const ha2 = H(a2);
  if (c.qop === null) return H(`${ha1}:${c.nonce}:${ha2}`);
  return H(`${ha1}:${c.nonce}:${formatNc(input.nc)}:${cnonce}:${c.qop}:${ha2}`);
}

const quote = (v: string): string => `"${v.replace(/[\\"]/g, (ch) => `\\${ch}`)}"`;

/** The full `Authorization` header value answering the challenge. */
export function digestAuthorization(input: DigestAnswerInput): string {
  const c = input.challenge;
  const H = hasher(c.algorithm);
  const username = c.userhash ? H(`${input.username}:${c.realm}`) : input.username;
  // Header values must be ASCII; a non-ASCII name goes as RFC 5987 ext-value (RFC 7616 §3.4.4).
  const ascii = /^[\x00-\x7f]*$/.test(username);
  const parts = [
    ascii ? `username=${quote(username)}` : `username*=UTF-8''${encodeURIComponent(username)}`,
    `realm=${quote(c.realm)}`,
    `uri=${quote(input.uri)}`,
  ];
  if (c.algorithmGiven) parts.push(`algorithm=${c.algorithm}`);
  parts.push(`nonce=${quote(c.nonce)}`);
  if (c.qop !== null) parts.push(`nc=${formatNc(input.nc)}`, `cnonce=${quote(input.cnonce)}`, `qop=${c.qop}`);
  parts.push(`response=${quote(digestResponse(input))}`);
  if (c.opaque !== null) parts.push(`opaque=${quote(c.opaque)}`);
  if (c.userhash) parts.push("userhash=true");
  return `Digest ${parts.join(", ")}`;
}
