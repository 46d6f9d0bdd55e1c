import { createHash, timingSafeEqual } from "node:crypto";
import { child, textAt, type XNode } from "../soapRequest.ts";

/**
 * WS-Security UsernameToken with PasswordDigest, verified the way ONVIF Core asks: both nonce
 * and Created required, Created within ±5 minutes of the DEVICE clock (so a client that does
 * not correct for the device's clock fails), and each nonce accepted once.
 * Digest = Base64(SHA1(nonce bytes ‖ Created ‖ password)).
 */
export type WsseResult =
  | { readonly status: "absent" }
  | { readonly status: "ok"; readonly username: string }
  | { readonly status: "bad"; readonly why: string };

export const WSSE_WINDOW_MS = 5 * 60_000;
const PASSWORD_DIGEST = "#PasswordDigest";

/** Nonces seen recently; bounded both in count and in age so a flood cannot grow it. */
export class NonceCache {
  readonly #seen = new Map<string, number>();
  constructor(
    private readonly maxEntries = 20_000,
    private readonly ttlMs = 2 * WSSE_WINDOW_MS,
  ) {}

  /** Records the nonce; true when it had been seen already (a replay). */
  checkAndRemember(key: string, nowMs: number): boolean {
    for (const [k, at] of this.#seen) {
      if (nowMs - at <= this.ttlMs && this.#seen.size < this.maxEntries) break;
      this.#seen.delete(k);
    }
    if (this.#seen.has(key)) return true;
    this.#seen.set(key, nowMs);
    return false;
  }

  get size(): number {
    return this.#seen.size;
  }
}

export function verifyUsernameToken(
  header: XNode | null,
  expected: { readonly username: string; readonly password: string },
  deviceNowMs: number,
  simNowMs: number,
  nonces: NonceCache,
): WsseResult {
  const token = child(child(header, "Security"), "UsernameToken");
  if (!token) return { status: "absent" };
  const username = textAt(token, "Username") ?? "";
  const passwordEl = child(token, "Password");
  const nonceText = textAt(token, "Nonce");
  const created = textAt(token, "Created");
  if (!passwordEl || !nonceText || !created)
    return { status: "bad", why: "UsernameToken needs Password, Nonce and Created" };
  const type = passwordEl.attrs["Type"] ?? "";
  if (!type.endsWith(PASSWORD_DIGEST)) return { status: "bad", why: "only PasswordDigest is accepted" };
  const createdMs = Date.parse(created);
  if (Number.isNaN(createdMs)) return { status: "bad", why: "Created is not a date-time" };
  if (Math.abs(createdMs - deviceNowMs) > WSSE_WINDOW_MS)
    return { status: "bad", why: "Created is outside ±5 minutes of the device clock" };
  const nonce = Buffer.from(nonceText, "base64");
  const want = createHash("sha1")
    .update(Buffer.concat([nonce, Buffer.from(created, "utf8"), Buffer.from(expected.password, "utf8")]))
    .digest();
  const got = Buffer.from(passwordEl.text.trim(), "base64");
  const userOk = username === expected.username;
  const digestOk = got.length === want.length && timingSafeEqual(got, want);
  if (!userOk || !digestOk) return { status: "bad", why: "wrong username or password" };
  if (nonces.checkAndRemember(`${username}\n${nonceText}`, simNowMs))
    return { status: "bad", why: "nonce replayed" };
  return { status: "ok", username };
}
