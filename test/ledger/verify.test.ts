import { createPublicKey } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { LedgerEntry, SignedHead } from "../../src/domain/ledger.ts";
import { canonicalJson, entryHash, GENESIS_HASH, headPayload } from "../../src/ledger/canonical.ts";
import { headLine } from "../../src/ledger/export.ts";
import { PublicKeyFormatError, type LedgerSigner } from "../../src/ledger/keys.ts";
import { verifyLedgerExport } from "../../src/ledger/verify.ts";
import { testSigner } from "./helpers.ts";

/** An export built in memory: n chained entries, heads signed at the given seqs. */
function build(n: number, signer: LedgerSigner, signedAt: readonly number[] = [n]) {
  const entries: LedgerEntry[] = [];
  let prev = GENESIS_HASH;
  for (let seq = 1; seq <= n; seq++) {
    const body = {
      seq,
      at: `2026-10-01T00:00:${String(seq % 60).padStart(2, "0")}.000Z`,
      type: "config.changed" as const,
      siteId: "s1",
      data: { seq },
      prev,
    };
    const entry = { ...body, hash: entryHash(body) };
    entries.push(entry);
    prev = entry.hash;
  }
  const heads = signedAt.map((seq) => sign(signer, seq, seq === 0 ? GENESIS_HASH : entries[seq - 1]!.hash));
  const text = (es = entries, hs = heads) =>
    [...es.map((e) => canonicalJson(e)), ...hs.map(headLine)].join("\n") + "\n";
  return { entries, heads, text };
}

function sign(signer: LedgerSigner, seq: number, hash: string, at = "2026-10-01T01:00:00.000Z"): SignedHead {
  return { seq, hash, at, signature: signer.sign(headPayload(seq, hash, at)), publicKey: signer.publicKey };
}

describe("verifyLedgerExport", () => {
  const signer = testSigner();

  it("accepts an intact export and counts entries appended after the newest signed head", () => {
    const { text } = build(8, signer, [3, 6]);
    const result = verifyLedgerExport(text(), { publicKey: signer.publicKey });
    expect(result).toMatchObject({ ok: true, entries: 8, signedHeads: 2, signedSeq: 6, unsignedEntries: 2 });
    expect(result.publicKeyFingerprint).toMatch(/^SHA256:/);
  });

  it("accepts an empty ledger with a signed empty head", () => {
    const { text } = build(0, signer, [0]);
    expect(verifyLedgerExport(text()).ok).toBe(true);
  });

  it("without any signed head, says truncation cannot be ruled out", () => {
    const { text } = build(3, signer, []);
    const result = verifyLedgerExport(text());
    expect(result.ok).toBe(false);
    expect(result.problems.map((p) => p.code)).toEqual(["no_signed_head"]);
  });

  it("a tampered signature fails", () => {
    const { entries, heads, text } = build(3, signer);
    const forged = { ...heads[0]!, at: "2027-01-01T00:00:00.000Z" };
    const result = verifyLedgerExport(text(entries, [forged]));
    expect(result.problems.map((p) => p.code)).toEqual(["bad_signature", "no_signed_head"]);
  });

  it("a head signed by another key among the monitor's heads fails", () => {
    const { entries, heads, text } = build(3, signer);
    const intruder = testSigner();
    const result = verifyLedgerExport(text(entries, [heads[0]!, sign(intruder, 3, entries[2]!.hash)]));
    expect(result.problems.map((p) => p.code)).toEqual(["mixed_keys"]);
  });

  it("a rewritten history with a new head by another key fails against the given key", () => {
    const intruder = testSigner();
    const { text } = build(4, intruder);
    const result = verifyLedgerExport(text(), { publicKey: signer.publicKey });
    expect(result.problems.map((p) => p.code)).toContain("key_mismatch");
  });

  it("a head received elsewhere catches a truncation whose heads were removed too", () => {
    const { entries, heads, text } = build(10, signer, [5, 10]);
    const truncated = text(entries.slice(0, 6), [heads[0]!]);
    expect(verifyLedgerExport(truncated).ok).toBe(true);
    const result = verifyLedgerExport(truncated, { knownHeads: [heads[1]!] });
    expect(result.problems).toEqual([expect.objectContaining({ code: "truncated", line: null, seq: 10 })]);
  });

  it("reports malformed lines", () => {
    const { text } = build(2, signer);
    const result = verifyLedgerExport(`${text()}not json\n{"type":"head","seq":1}\n{"seq":3}\n`);
    expect(result.problems.map((p) => [p.code, p.line])).toEqual([
      ["malformed", 4],
      ["malformed", 5],
      ["malformed", 6],
    ]);
  });

  it("a field added to an entry breaks its hash", () => {
    const { entries, heads, text } = build(3, signer);
    const changed = entries.map((e, i) => (i === 1 ? { ...e, note: "added" } : e));
    const result = verifyLedgerExport(text(changed, heads));
    expect(result.problems).toEqual([expect.objectContaining({ code: "bad_hash", seq: 2 })]);
  });

  it("lists at most 100 problems and counts the rest", () => {
    const { entries, heads, text } = build(150, signer);
    const edited = entries.map((e) => ({ ...e, data: { seq: -1 } }));
    const result = verifyLedgerExport(text(edited, heads));
    expect(result.problems).toHaveLength(100);
    expect(result.moreProblems).toBe(50);
  });

  it("accepts the public key as PEM, base64 SPKI DER or raw base64, and rejects a non-key", () => {
    const { text } = build(2, signer);
    const key = createPublicKey(signer.publicKey);
    const der = key.export({ type: "spki", format: "der" });
    const raw = Buffer.from(key.export({ format: "jwk" }).x!, "base64url");
    for (const form of [signer.publicKey, der.toString("base64"), raw.toString("base64")]) {
      expect(verifyLedgerExport(text(), { publicKey: form }).ok).toBe(true);
    }
    expect(() => verifyLedgerExport(text(), { publicKey: "hello" })).toThrow(PublicKeyFormatError);
  });
});
