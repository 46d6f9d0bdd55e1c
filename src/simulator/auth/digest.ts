import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { DigestAlgorithm } from "../scenario.ts";

/**
 * HTTP Digest (RFC 7616) as a device serves it: one challenge per algorithm offered (SHA-256
 * and MD5 by default, preferred first), qop=auth only, opaque echoed, nonces that carry their
 * issue time under an HMAC so they expire (an expired nonce with a right answer gets
 * stale=true), and nc strictly increasing per nonce so a captured request cannot be replayed.
 */
export type DigestResult =
  | { readonly status: "absent" }
  | { readonly status: "ok"; readonly username: string }
  | { readonly status: "bad"; readonly why: string; readonly stale: boolean };

export interface DigestOptions {
  readonly realm: string;
  readonly algorithms: () => readonly DigestAlgorithm[];
  readonly now: () => number;
  readonly nonceTtlMs?: number;
  readonly maxTrackedNonces?: number;
}

const HASH: Record<DigestAlgorithm, string> = { MD5: "md5", "SHA-256": "sha256" };

export class DigestVerifier {
  readonly #secret = randomBytes(32);
  readonly #opaque = randomBytes(12).toString("hex");
  /** nonce → highest nc seen; insertion-ordered so the oldest go first when full. */
  readonly #nc = new Map<string, number>();
  readonly #ttl: number;
  readonly #max: number;

  constructor(private readonly opts: DigestOptions) {
    this.#ttl = opts.nonceTtlMs ?? 5 * 60_000;
    this.#max = opts.maxTrackedNonces ?? 20_000;
  }

  /** WWW-Authenticate values, one per algorithm. */
  challenges(stale = false): string[] {
    const nonce = this.#newNonce();
    return this.opts
      .algorithms()
      .map(
        (alg) =>
          `Digest realm="${this.opts.realm}", qop="auth", algorithm=${alg}, nonce="${nonce}", opaque="${this.#opaque}"` +
          (stale ? ", stale=true" : ""),
      );
  }

  verify(
    header: string | undefined,
    method: string,
    requestUri: string,
    expected: { readonly username: string; readonly password: string },
  ): DigestResult {
    if (!header || !/^Digest\s/i.test(header)) return { status: "absent" };
    const p = parseAuthParams(header.replace(/^Digest\s+/i, ""));
    const bad = (why: string, stale = false): DigestResult => ({ status: "bad", why, stale });
    const { username, realm, nonce, uri, response, qop, nc, cnonce, opaque } = p;
    if (!username || !realm || !nonce || !uri || !response) return bad("incomplete Authorization header");
    const alg = (p["algorithm"] ?? "MD5") as DigestAlgorithm;
    if (!(alg in HASH) || !this.opts.algorithms().includes(alg)) return bad(`algorithm ${alg} not offered`);
    if (realm !== this.opts.realm) return bad("wrong realm");
    if (opaque !== this.#opaque) return bad("wrong opaque");
    if (qop !== "auth" || !nc || !cnonce) return bad("qop=auth with nc and cnonce is required");
    if (uri !== requestUri) return bad("uri does not match the request");
    const issued = this.#nonceIssuedAt(nonce);
    if (issued === null) return bad("unknown nonce");
    const h = (s: string): string => createHash(HASH[alg]).update(s, "utf8").digest("hex");
    const ha1 = h(`${expected.username}:${realm}:${expected.password}`);
    const ha2 = h(`${method}:${uri}`);
    const want = Buffer.from(h(`${ha1}:${nonce}:${nc}:${cnonce}:${qop}:${ha2}`));
    const got = Buffer.from(response.toLowerCase());
    const right = username === expected.username && got.length === want.length && timingSafeEqual(got, want);
    if (!right) return bad("wrong username or password");
    if (this.opts.now() - issued > this.#ttl) return bad("nonce expired", true);
    const count = parseInt(nc, 16);
    if (!/^[0-9a-fA-F]{8}$/.test(nc) || count < 1) return bad("bad nc");
    const last = this.#nc.get(nonce) ?? 0;
    if (count <= last) return bad("nc not increasing (replay)");
    this.#nc.delete(nonce);
    this.#nc.set(nonce, count);
    while (this.#nc.size > this.#max) {
      const oldest = this.#nc.keys().next().value;
      if (oldest === undefined) break;
      this.#nc.delete(oldest);
    }
    return { status: "ok", username };
  }

  #newNonce(): string {
    const body = `${this.opts.now().toString(36)}.${randomBytes(8).toString("hex")}`;
    const mac = createHmac("sha256", this.#secret).update(body).digest("base64url").slice(0, 22);
    return `${body}.${mac}`;
  }

  #nonceIssuedAt(nonce: string): number | null {
    const parts = nonce.split(".");
    if (parts.length !== 3) return null;
    const [ts, rand, mac] = parts as [string, string, string];
    const want = createHmac("sha256", this.#secret).update(`${ts}.${rand}`).digest("base64url").slice(0, 22);
    if (mac.length !== want.length || !timingSafeEqual(Buffer.from(mac), Buffer.from(want))) return null;
    const at = parseInt(ts, 36);
    return Number.isFinite(at) ? at : null;
  }
}

/** Splits `a="x", b=y` auth-params (quoted strings may hold commas and \-escapes). */
export function parseAuthParams(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /\s*([A-Za-z0-9_*-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))\s*(?:,|$)/gy;
  let m: RegExpExecArray | null;
  while ((m = re.exec(s)) !== null && m[0] !== "") {
    const key = (m[1] ?? "").toLowerCase();
    out[key] = m[2] !== undefined ? m[2].replace(/\\(.)/g, "$1") : (m[3] ?? "");
  }
  return out;
}
