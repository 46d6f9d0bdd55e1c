import { createHash, randomBytes } from "node:crypto";
import type { Secret } from "../../domain/secret.ts";
import { NS } from "../namespaces.ts";
import { escapeText } from "../xml/write.ts";

const PASSWORD_DIGEST =
  "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest";
const BASE64_BINARY =
  "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary";

/** WS-UsernameToken PasswordDigest = Base64(SHA1(nonce bytes ‖ Created ‖ password)). */
export function passwordDigest(nonce: Buffer, created: string, password: string): string {
  return createHash("sha1").update(nonce).update(created, "utf8").update(password, "utf8").digest("base64");
}

const NONCE_BYTES = 16;
/** Nonces drawn per randomBytes call: the call, not the bytes, is what costs. */
const NONCES_PER_DRAW = 32;

/**
 * Fresh 16-byte nonces from the system CSPRNG, drawn in batches (one session asks for one per
 * authenticated request). Each nonce is used once; a refill never overwrites handed-out bytes.
 */
export function createNonceSource(): () => Buffer {
  let pool = Buffer.alloc(0);
  let at = 0;
  return () => {
    if (at + NONCE_BYTES > pool.length) {
      pool = randomBytes(NONCE_BYTES * NONCES_PER_DRAW);
      at = 0;
    }
    at += NONCE_BYTES;
    return pool.subarray(at - NONCE_BYTES, at);
  };
}

export interface UsernameTokenInput {
  readonly username: string;
  readonly password: Secret;
  /** The DEVICE's clock in ms (our clock + offset): devices reject tokens outside their window. */
  readonly deviceNowMs: number;
  /** 16 random bytes unless given (tests). */
  readonly nonce?: Buffer;
}

/** The wsse:Security header block. The password itself never appears, only its digest. */
export function usernameTokenHeader(input: UsernameTokenInput): string {
  const nonce = input.nonce ?? randomBytes(16);
  const created = new Date(input.deviceNowMs).toISOString();
  const digest = passwordDigest(nonce, created, input.password.reveal());
  return (
    `<wsse:Security s:mustUnderstand="1" xmlns:wsse="${NS.wsse}" xmlns:wsu="${NS.wsu}">` +
    `<wsse:UsernameToken>` +
    `<wsse:Username>${escapeText(input.username)}</wsse:Username>` +
    `<wsse:Password Type="${PASSWORD_DIGEST}">${digest}</wsse:Password>` +
    `<wsse:Nonce EncodingType="${BASE64_BINARY}">${nonce.toString("base64")}</wsse:Nonce>` +
    `<wsu:Created>${created}</wsu:Created>` +
    `</wsse:UsernameToken></wsse:Security>`
  );
}
