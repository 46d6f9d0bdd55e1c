import { createHash } from "node:crypto";
import type { AgentOptions } from "node:https";
import { checkServerIdentity, type PeerCertificate } from "node:tls";
import type { DeviceTls } from "../domain/site.ts";

/**
 * How a device's certificate is trusted:
 * - no settings: the system CAs and a host name check, as any HTTPS client;
 * - `ca`: that CA only (not the system ones), plus the host name check;
 * - `fingerprint256`: the leaf certificate must have exactly that SHA-256 fingerprint. With a CA
 *   too, both must hold. Without a CA the chain is not verified (NVRs ship self-signed
 *   certificates) — this is the ONLY case in which rejectUnauthorized is false, and the pin
 *   check then runs on the socket before any byte of the request is written (see deviceHttp.ts:
 *   Node skips checkServerIdentity when the chain does not verify, so it cannot be relied on there).
 */
export type TlsPlan =
  | {
      readonly ok: true;
      /** Distinguishes connection pools: two devices with different trust must not share sockets. */
      readonly key: string;
      readonly agentOptions: Pick<AgentOptions, "ca" | "rejectUnauthorized" | "checkServerIdentity">;
      /** Normalised pin (upper-case hex, no colons), or null. */
      readonly pin: string | null;
    }
  | { readonly ok: false; readonly reason: string };

/** "ab:cd:..." / "ABCD..." -> "ABCD...". */
export const normalizeFingerprint = (fp: string): string => fp.replace(/[:\s]/g, "").toUpperCase();

/** Null when the certificate matches the pin; otherwise an error naming both fingerprints (public data). */
export function pinMismatch(cert: PeerCertificate | null | undefined, pin: string): Error | null {
  const actual = cert?.fingerprint256 ? normalizeFingerprint(cert.fingerprint256) : "";
  if (actual === pin) return null;
  const err = new Error(
    actual
      ? `certificate fingerprint ${cert?.fingerprint256} does not match the pinned ${pin}`
      : "the device presented no certificate to check against the pin",
  );
  Object.assign(err, { code: "ERR_CERT_PIN_MISMATCH" });
  return err;
}

export function tlsPlan(tls: DeviceTls | null | undefined): TlsPlan {
  const ca = tls?.ca ?? null;
  const rawPin = tls?.fingerprint256 ?? null;
  const pin = rawPin === null ? null : normalizeFingerprint(rawPin);
  if (pin !== null && !/^[0-9A-F]{64}$/.test(pin)) {
    return { ok: false, reason: "tls.fingerprint256 is not a SHA-256 fingerprint (64 hex digits)" };
  }
  if (ca !== null && !ca.includes("-----BEGIN CERTIFICATE-----")) {
    return { ok: false, reason: "tls.ca holds no PEM certificate" };
  }
  const key = `ca=${ca === null ? "-" : createHash("sha256").update(ca).digest("hex")};pin=${pin ?? "-"}`;
  if (pin === null) {
    return { ok: true, key, pin, agentOptions: ca === null ? {} : { ca: [ca] } };
  }
  if (ca === null) {
    // Chain verification is off only because the pin replaces it; the socket gate enforces the pin.
    return {
      ok: true,
      key,
      pin,
      agentOptions: {
        rejectUnauthorized: false,
        checkServerIdentity: (_host, cert) => pinMismatch(cert, pin) ?? undefined,
      },
    };
  }
  return {
    ok: true,
    key,
    pin,
    agentOptions: {
      ca: [ca],
      checkServerIdentity: (host, cert) =>
        checkServerIdentity(host, cert) ?? pinMismatch(cert, pin) ?? undefined,
    },
  };
}

// OpenSSL verification results as Node reports them in err.code (X509_V_ERR_* without the prefix).
const X509_CODES = new Set([
  "UNABLE_TO_GET_ISSUER_CERT",
  "UNABLE_TO_GET_CRL",
  "UNABLE_TO_DECRYPT_CERT_SIGNATURE",
  "UNABLE_TO_DECRYPT_CRL_SIGNATURE",
  "UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY",
  "CERT_SIGNATURE_FAILURE",
  "CRL_SIGNATURE_FAILURE",
  "CERT_NOT_YET_VALID",
  "CERT_HAS_EXPIRED",
  "CRL_NOT_YET_VALID",
  "CRL_HAS_EXPIRED",
  "ERROR_IN_CERT_NOT_BEFORE_FIELD",
  "ERROR_IN_CERT_NOT_AFTER_FIELD",
  "ERROR_IN_CRL_LAST_UPDATE_FIELD",
  "ERROR_IN_CRL_NEXT_UPDATE_FIELD",
  "DEPTH_ZERO_SELF_SIGNED_CERT",
  "SELF_SIGNED_CERT_IN_CHAIN",
  "UNABLE_TO_GET_ISSUER_CERT_LOCALLY",
  "UNABLE_TO_VERIFY_LEAF_SIGNATURE",
  "CERT_CHAIN_TOO_LONG",
  "CERT_REVOKED",
  "INVALID_CA",
  "PATH_LENGTH_EXCEEDED",
  "INVALID_PURPOSE",
  "CERT_UNTRUSTED",
  "CERT_REJECTED",
  "HOSTNAME_MISMATCH",
  "ERR_CERT_PIN_MISMATCH",
]);

/** Whether a Node socket error is about TLS (certificate, pin, handshake) rather than the network. */
export function isTlsErrorCode(code: string | undefined): boolean {
  if (code === undefined) return false;
  return X509_CODES.has(code) || code.startsWith("ERR_TLS_") || code.startsWith("ERR_SSL_");
}
