import { describe, expect, it } from "vitest";
import { isTlsErrorCode, normalizeFingerprint, pinMismatch, tlsPlan } from "../../src/net/tlsOptions.ts";
import type { PeerCertificate } from "node:tls";

const PIN = "AB:".repeat(31) + "AB";
const PEM = "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n";

describe("tlsPlan", () => {
  it("never turns chain verification off without a pin", () => {
    for (const tls of [
      null,
      undefined,
      { ca: null, fingerprint256: null },
      { ca: PEM, fingerprint256: null },
    ]) {
      const plan = tlsPlan(tls);
      expect(plan.ok).toBe(true);
      if (plan.ok) expect(plan.agentOptions.rejectUnauthorized).not.toBe(false);
    }
  });

  it("uses the given CA as the only CA", () => {
    const plan = tlsPlan({ ca: PEM, fingerprint256: null });
    expect(plan.ok && plan.agentOptions.ca).toEqual([PEM]);
  });

  it("pins without a CA: chain check off, pin checked", () => {
    const plan = tlsPlan({ ca: null, fingerprint256: PIN.toLowerCase() });
    expect(plan.ok).toBe(true);
    if (!plan.ok) return;
    expect(plan.pin).toBe("AB".repeat(32));
    expect(plan.agentOptions.rejectUnauthorized).toBe(false);
    const check = plan.agentOptions.checkServerIdentity;
    expect(check?.("h", { fingerprint256: PIN } as PeerCertificate)).toBeUndefined();
    expect(check?.("h", { fingerprint256: "CD:".repeat(31) + "CD" } as PeerCertificate)).toBeInstanceOf(
      Error,
    );
  });

  it("gives separate pool keys to different trust settings", () => {
    const keys = [
      tlsPlan(null),
      tlsPlan({ ca: PEM, fingerprint256: null }),
      tlsPlan({ ca: null, fingerprint256: PIN }),
    ].map((p) => (p.ok ? p.key : ""));
    expect(new Set(keys).size).toBe(3);
  });

  it("rejects malformed pins and CAs", () => {
    expect(tlsPlan({ ca: null, fingerprint256: "AB:CD" }).ok).toBe(false);
    expect(tlsPlan({ ca: "not pem", fingerprint256: null }).ok).toBe(false);
  });
});

describe("pin helpers", () => {
  it("normalises case and colons", () => {
    expect(normalizeFingerprint("ab:cd:ef")).toBe("ABCDEF");
    expect(
      pinMismatch({ fingerprint256: PIN } as PeerCertificate, normalizeFingerprint(PIN.toLowerCase())),
    ).toBeNull();
    expect(pinMismatch({} as PeerCertificate, "AB")).toBeInstanceOf(Error);
  });

  it("classifies TLS error codes", () => {
    expect(isTlsErrorCode("DEPTH_ZERO_SELF_SIGNED_CERT")).toBe(true);
    expect(isTlsErrorCode("ERR_TLS_CERT_ALTNAME_INVALID")).toBe(true);
    expect(isTlsErrorCode("ERR_SSL_WRONG_VERSION_NUMBER")).toBe(true);
    expect(isTlsErrorCode("ECONNREFUSED")).toBe(false);
    expect(isTlsErrorCode(undefined)).toBe(false);
  });
});
