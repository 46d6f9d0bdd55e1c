import { createHash, randomBytes } from "node:crypto";
import { DAY, HOUR, MINUTE } from "../domain/time.ts";

/** 256 random bits: guessing one is hopeless, and only its SHA-256 is stored. */
const TOKEN_BYTES = 32;

export interface NewToken {
  /** Handed to the family once (link, QR code); never stored, never logged. */
  readonly token: string;
  readonly sha256: string;
  /** Public handle for revoking this one token; unrelated to the token. */
  readonly tokenId: string;
}

export function newAccessToken(): NewToken {
  const token = randomBytes(TOKEN_BYTES).toString("base64url");
  return { token, sha256: hashToken(token), tokenId: `tok_${randomBytes(8).toString("hex")}` };
}

export function hashToken(token: string): string {
  return createHash("sha256").update(token, "utf8").digest("hex");
}

/** What a token looks like: anything else is refused before a hash or a Redis read. */
export function isTokenShaped(value: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(value);
}

/**
 * The parent link. The token sits in the fragment (#t=...), which browsers never send to a
 * server, so it cannot reach an access log, a proxy's log or a Referer header; the page posts
 * it in a body to trade it for a session.
 */
export function parentLink(publicUrl: string, token: string): string {
  return `${publicUrl.replace(/\/+$/, "")}/p/#t=${token}`;
}

const UNITS: Readonly<Record<string, number>> = { m: MINUTE, h: HOUR, d: DAY, w: 7 * DAY };

/** Longest lifetime of a token: a school year and a bit; families get a new link after. */
export const MAX_TOKEN_DAYS = 400;

/** "30d", "12h", "90m", "2w" in ms; a message when it is not one or longer than MAX_TOKEN_DAYS. */
export function parseLifetime(text: string): { ok: true; ms: number } | { ok: false; message: string } {
  const m = /^([1-9][0-9]{0,5})([mhdw])$/.exec(text.trim());
  if (m === null)
    return { ok: false, message: `"${text}" is not a lifetime: write a number and m, h, d or w (30d, 12h)` };
  const ms = Number(m[1]) * (UNITS[m[2] ?? "d"] ?? 0);
  if (ms > MAX_TOKEN_DAYS * DAY)
    return { ok: false, message: `"${text}" is longer than ${MAX_TOKEN_DAYS} days` };
  return { ok: true, ms };
}
