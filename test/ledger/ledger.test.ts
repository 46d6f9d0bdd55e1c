import { describe, expect, it } from "vitest";
import { canonicalJson, entryHash, GENESIS_HASH } from "../../src/ledger/canonical.ts";
import { exportLedger } from "../../src/ledger/export.ts";
import { createLedger, LedgerIntegrityError, type Ledger } from "../../src/ledger/ledger.ts";
import { verifyLedgerExport } from "../../src/ledger/verify.ts";
import { useTestRedis } from "../store/testRedis.ts";
import { fakeClock, testSigner } from "./helpers.ts";

async function exportText(ledger: Ledger): Promise<string> {
  let text = "";
  await exportLedger(ledger, (chunk) => {
    text += chunk;
  });
  return text;
}

describe("ledger in Redis", () => {
  const redis = useTestRedis();

  const setup = () => {
    const t = redis();
    const clock = fakeClock();
    const signer = testSigner();
    const ledger = createLedger({ redis: t.connect("ledger"), keys: t.keys, now: clock.now, signer });
    return { t, clock, signer, ledger };
  };

  const appendSome = async (ledger: Ledger, n: number, clock: ReturnType<typeof fakeClock>) => {
    for (let i = 0; i < n; i++) {
      await ledger.append("violation.opened", "site1", { violationId: `v${i}`, n: i });
      clock.advance(1000);
    }
  };

  it("chains entries and round-trips through export and verify", async () => {
    const { ledger, clock, signer } = setup();
    expect(await ledger.head()).toEqual({ seq: 0, hash: GENESIS_HASH });
    const first = await ledger.append("monitor.started", "site1", { version: "0.1.0" });
    clock.advance(1000);
    const second = await ledger.append("violation.opened", "site1", { violationId: "v1", b: 2, a: 1 });
    expect(first).toMatchObject({ seq: 1, prev: GENESIS_HASH, type: "monitor.started", siteId: "site1" });
    expect(second.prev).toBe(first.hash);
    expect(second.hash).toBe(entryHash({ ...second }));
    expect(await ledger.head()).toEqual({ seq: 2, hash: second.hash });
    expect(await ledger.page({ limit: 10 })).toEqual([first, second]);
    expect(await ledger.page({ from: 2, limit: 10 })).toEqual([second]);

    const signed = await ledger.signHead();
    expect(signed).toMatchObject({ seq: 2, hash: second.hash, publicKey: signer.publicKey });
    const text = await exportText(ledger);
    const lines = text.trimEnd().split("\n");
    expect(lines).toHaveLength(3);
    // Canonical JSON, keys sorted: the data's b/a come out as a, b.
    expect(lines[1]).toBe(canonicalJson(second));
    expect(lines[1]).toContain('"data":{"a":1,"b":2,"violationId":"v1"}');
    expect(JSON.parse(lines[2]!)).toMatchObject({ type: "head", seq: 2 });

    const result = verifyLedgerExport(text, { publicKey: signer.publicKey });
    expect(result).toMatchObject({
      ok: true,
      entries: 2,
      lastSeq: 2,
      signedSeq: 2,
      unsignedEntries: 0,
      problems: [],
    });
  });

  it("an event id is appended once, however often it is retried", async () => {
    const { ledger } = setup();
    const a = await ledger.append(
      "violation.opened",
      "site1",
      { violationId: "v1" },
      { eventId: "violation:v1:opened" },
    );
    const b = await ledger.append(
      "violation.opened",
      "site1",
      { violationId: "v1", differs: true },
      { eventId: "violation:v1:opened" },
    );
    expect(b).toEqual(a);
    expect(a.data["eventId"]).toBe("violation:v1:opened");
    expect(await ledger.length()).toBe(1);
  });

  it("keeps one chain when two connections append concurrently", async () => {
    const { t, clock, signer } = setup();
    const one = createLedger({ redis: t.connect("writer-1"), keys: t.keys, now: clock.now, signer });
    const two = createLedger({ redis: t.connect("writer-2"), keys: t.keys, now: clock.now, signer });
    const writes: Promise<unknown>[] = [];
    for (let i = 0; i < 60; i++) {
      writes.push(one.append("config.changed", "site1", { writer: 1, i }));
      writes.push(two.append("config.changed", "site1", { writer: 2, i }));
    }
    await Promise.all(writes);
    expect(await one.length()).toBe(120);
    const entries = await one.page({ limit: 200 });
    expect(entries.map((e) => e.seq)).toEqual(Array.from({ length: 120 }, (_, i) => i + 1));
    await one.signHead();
    const result = verifyLedgerExport(await exportText(one), { publicKey: signer.publicKey });
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
    // Every append landed exactly once.
    const seen = new Set(entries.map((e) => `${String(e.data["writer"])}:${String(e.data["i"])}`));
    expect(seen.size).toBe(120);
  });

  it("an entry edited directly in Redis fails verification", async () => {
    const { t, ledger, clock, signer } = setup();
    await appendSome(ledger, 5, clock);
    await ledger.signHead();
    const raw = t.connect("attacker");
    const stored = JSON.parse((await raw.lindex(t.keys.ledger.entries, 2))!) as Record<string, unknown>;
    await raw.lset(
      t.keys.ledger.entries,
      2,
      canonicalJson({ ...stored, data: { ...(stored["data"] as object), violationId: "nothing-happened" } }),
    );
    const result = verifyLedgerExport(await exportText(ledger), { publicKey: signer.publicKey });
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([expect.objectContaining({ code: "bad_hash", seq: 3, line: 3 })]);
  });

  it("an edit with a recomputed hash breaks the link to the next entry and the signed head", async () => {
    const { t, ledger, clock, signer } = setup();
    await appendSome(ledger, 5, clock);
    await ledger.signHead();
    const raw = t.connect("attacker");
    const stored = JSON.parse((await raw.lindex(t.keys.ledger.entries, 4))!) as Record<string, unknown>;
    const { hash: _old, ...rest } = { ...stored, data: { rewritten: true } } as Record<string, unknown>;
    await raw.lset(t.keys.ledger.entries, 4, canonicalJson({ ...rest, hash: entryHash(rest) }));
    const result = verifyLedgerExport(await exportText(ledger), { publicKey: signer.publicKey });
    expect(result.ok).toBe(false);
    expect(result.problems.map((p) => p.code)).toEqual(["head_mismatch"]);
  });

  it("deleting the newest entries (LTRIM) fails against the signed head", async () => {
    const { t, ledger, clock, signer } = setup();
    await appendSome(ledger, 10, clock);
    await ledger.signHead();
    const raw = t.connect("attacker");
    await raw.ltrim(t.keys.ledger.entries, 0, 6);
    const result = verifyLedgerExport(await exportText(ledger), { publicKey: signer.publicKey });
    expect(result.ok).toBe(false);
    expect(result.problems).toEqual([expect.objectContaining({ code: "truncated", seq: 10 })]);
    expect(result.problems[0]?.message).toContain("entries 8..10 were removed");
    // And the monitor refuses to append onto the shortened chain.
    await expect(ledger.append("config.changed", "site1", {})).rejects.toBeInstanceOf(LedgerIntegrityError);
  });

  it("deleting an entry in the middle shows as a gap", async () => {
    const { t, ledger, clock, signer } = setup();
    await appendSome(ledger, 6, clock);
    await ledger.signHead();
    const raw = t.connect("attacker");
    const victim = (await raw.lindex(t.keys.ledger.entries, 2))!;
    await raw.lrem(t.keys.ledger.entries, 1, victim);
    const result = verifyLedgerExport(await exportText(ledger), { publicKey: signer.publicKey });
    expect(result.problems).toEqual([expect.objectContaining({ code: "seq_gap", seq: 4 })]);
  });

  it("reordered entries fail", async () => {
    const { t, ledger, clock, signer } = setup();
    await appendSome(ledger, 5, clock);
    await ledger.signHead();
    const raw = t.connect("attacker");
    const [a, b] = await raw.lrange(t.keys.ledger.entries, 1, 2);
    await raw.lset(t.keys.ledger.entries, 1, b!);
    await raw.lset(t.keys.ledger.entries, 2, a!);
    const result = verifyLedgerExport(await exportText(ledger), { publicKey: signer.publicKey });
    expect(result.ok).toBe(false);
    expect(result.problems.map((p) => p.code)).toContain("seq_gap");
    expect(result.problems.map((p) => p.code)).toContain("out_of_order");
  });

  it("a different public key fails", async () => {
    const { ledger, clock } = setup();
    await appendSome(ledger, 3, clock);
    await ledger.signHead();
    const other = testSigner();
    const result = verifyLedgerExport(await exportText(ledger), { publicKey: other.publicKey });
    expect(result.ok).toBe(false);
    expect(result.problems.map((p) => p.code)).toEqual(["key_mismatch", "no_signed_head"]);
  });

  it("stores one signed head per signed seq, and the latest signature besides", async () => {
    const { ledger, clock } = setup();
    await appendSome(ledger, 2, clock);
    const h1 = await ledger.signHead();
    clock.advance(300_000);
    const h2 = await ledger.signHead();
    await appendSome(ledger, 1, clock);
    const h3 = await ledger.signHead();
    const heads = await ledger.heads();
    expect(heads.map((h) => [h.seq, h.at])).toEqual([
      [3, h3.at],
      [2, h1.at],
    ]);
    expect(await ledger.latestSignedHead()).toEqual(h3);
    expect(h2.seq).toBe(2);
    const text = await exportText(ledger);
    expect(verifyLedgerExport(text).ok).toBe(true);
  });

  it("refuses data beyond its size limit", async () => {
    const { t, clock, signer } = setup();
    const small = createLedger({
      redis: t.connect(),
      keys: t.keys,
      now: clock.now,
      signer,
      maxDataBytes: 100,
    });
    await expect(small.append("config.changed", "site1", { blob: "x".repeat(200) })).rejects.toThrow(
      /at most 100/,
    );
  });
});
