import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { SignedHead } from "../../src/domain/ledger.ts";
import { exportLedger, headLine } from "../../src/ledger/export.ts";
import {
  createKeptHeadFile,
  KeptHeadError,
  keptHeadPath,
  parseSignedHeads,
} from "../../src/ledger/keptHead.ts";
import { createLedger, LedgerBrokenError, type Ledger } from "../../src/ledger/ledger.ts";
import { verifyLedgerExport } from "../../src/ledger/verify.ts";
import { useTestRedis } from "../store/testRedis.ts";
import { fakeClock, loseLedger, rewriteHistory, testSigner } from "./helpers.ts";

let dir = "";
afterEach(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
  dir = "";
});

async function exportText(ledger: Ledger, extraHeads: readonly SignedHead[] = []): Promise<string> {
  let text = "";
  await exportLedger(
    ledger,
    (chunk) => {
      text += chunk;
    },
    { extraHeads },
  );
  return text;
}

describe("the kept head file", () => {
  it("lives beside the monitor key", () => {
    expect(keptHeadPath("/etc/nw/var/monitor-ed25519.pem")).toBe("/etc/nw/var/monitor-ed25519.head.json");
    expect(keptHeadPath("/k/monitor")).toBe("/k/monitor.head.json");
  });

  it("is written atomically with mode 0600, never goes back to an older head, and is archived aside", async () => {
    dir = await mkdtemp(join(tmpdir(), "nw-kept-"));
    const signer = testSigner();
    const sign = (seq: number): SignedHead => {
      const at = new Date(Date.UTC(2026, 9, 1, 0, 0, seq)).toISOString();
      const hash = seq.toString(16).padStart(64, "0");
      return { seq, hash, at, signature: signer.sign(`${seq}:${hash}:${at}`), publicKey: signer.publicKey };
    };
    const store = createKeptHeadFile(join(dir, "keys", "monitor.head.json"));
    expect(await store.read()).toBeNull();
    await store.write(sign(5));
    expect(await store.read()).toEqual(sign(5));
    expect((await stat(store.path)).mode & 0o777).toBe(0o600);
    await store.write(sign(3));
    expect((await store.read())?.seq).toBe(5);
    await store.write(sign(7));
    expect((await store.read())?.seq).toBe(7);
    expect(await readdir(join(dir, "keys"))).toEqual(["monitor.head.json"]);

    const archived = await store.archive(Date.parse("2026-12-07T22:00:00Z"));
    expect(archived).toBe(join(dir, "keys", "monitor.head.2026-12-07T22-00-00-000Z.archived.json"));
    expect(await store.read()).toBeNull();
    expect(await store.archive(Date.now())).toBeNull();

    await writeFile(store.path, JSON.stringify({ ...sign(9), seq: 10 }));
    await expect(store.read()).rejects.toThrow(KeptHeadError);
    await expect(store.read()).rejects.toThrow(/no valid signature/);
  });

  it("reads heads from one object, an array, or an export's JSON Lines", () => {
    const signer = testSigner();
    const at = "2026-10-01T00:00:00.000Z";
    const hash = "a".repeat(64);
    const head = { seq: 2, hash, at, signature: signer.sign(`2:${hash}:${at}`), publicKey: signer.publicKey };
    expect(parseSignedHeads(JSON.stringify(head), "f")).toEqual([head]);
    expect(parseSignedHeads(JSON.stringify([head, head]), "f")).toHaveLength(2);
    const entry = { seq: 1, at, type: "monitor.started", siteId: "s", data: {}, prev: hash, hash };
    expect(parseSignedHeads(`${JSON.stringify(entry)}\n${headLine(head)}\n`, "f")).toEqual([head]);
    expect(() => parseSignedHeads("{}", "f")).toThrow(/item 1 is not a signed ledger head/);
    expect(
      parseSignedHeads(JSON.stringify({ ...head, seq: 3 }), "f", { checkSignatures: false }),
    ).toHaveLength(1);
  });
});

describe("signing only a chain that extends the kept head", () => {
  const redis = useTestRedis();

  const setup = async () => {
    dir = await mkdtemp(join(tmpdir(), "nw-kept-"));
    const t = redis();
    const clock = fakeClock();
    const conn = t.connect("ledger");
    const keptHead = createKeptHeadFile(join(dir, "monitor.head.json"));
    const ledger = createLedger({
      redis: conn,
      keys: t.keys,
      now: clock.now,
      signer: testSigner(),
      keptHead,
    });
    const appendSome = async (n: number) => {
      for (let i = 0; i < n; i++) {
        await ledger.append("violation.opened", "site1", { violationId: `v${i}`, n: i });
        clock.advance(1000);
      }
    };
    return { t, conn, clock, ledger, keptHead, appendSome };
  };

  it("keeps every signed head outside Redis and goes on signing as the chain grows", async () => {
    const { ledger, keptHead, appendSome } = await setup();
    const empty = await ledger.signHead();
    expect(empty.seq).toBe(0);
    expect(await keptHead.read()).toEqual(empty);
    await appendSome(3);
    const three = await ledger.signHead();
    expect(three.seq).toBe(3);
    expect(await keptHead.read()).toEqual(three);
    await appendSome(2);
    expect((await ledger.signHead()).seq).toBe(5);
    expect(await ledger.checkExtendsKeptHead()).toMatchObject({ seq: 5 });
  });

  it("refuses a history rewritten in Redis with rebuilt hashes, and an export fails against the kept head", async () => {
    const { t, conn, ledger, keptHead, appendSome } = await setup();
    await appendSome(4);
    const signed = await ledger.signHead();
    await rewriteHistory(conn, t.keys);

    // Shorter than what was signed.
    const shorter = await ledger.signHead().catch((e: unknown) => e);
    expect(shorter).toBeInstanceOf(LedgerBrokenError);
    expect(shorter).toMatchObject({ reason: "shorter", kept: signed, current: { seq: 3 } });
    // As long again: the entry at the kept seq is not the one signed.
    await appendSome(2);
    const rewritten = await ledger.signHead().catch((e: unknown) => e);
    expect(rewritten).toMatchObject({ reason: "rewritten", kept: signed, current: { seq: 5 } });
    expect((rewritten as Error).message).toContain("entry 4 in Redis is not the one the monitor signed");

    // Nothing was signed over it, in Redis or outside.
    expect(await ledger.heads()).toEqual([]);
    expect(await keptHead.read()).toEqual(signed);

    // The export verifies on its own (the hashes were rebuilt) but not against the kept head.
    const text = await exportText(ledger);
    expect(verifyLedgerExport(text).problems.map((p) => p.code)).toEqual(["no_signed_head"]);
    const result = verifyLedgerExport(text, { knownHeads: [{ ...signed, source: keptHead.path }] });
    expect(result.ok).toBe(false);
    expect(result.problems.map((p) => p.code)).toEqual(["head_mismatch"]);
    expect(result.problems[0]!.message).toContain(`the known head from ${keptHead.path}`);
    expect(result.problems[0]!.message).toContain("does not extend that head");
  });

  it("refuses a ledger begun anew at sequence 1 after Redis lost its data", async () => {
    const { t, conn, ledger, keptHead, appendSome } = await setup();
    await appendSome(6);
    const signed = await ledger.signHead();
    await loseLedger(conn, t.keys);
    await ledger.append("monitor.started", "site1", {});
    await expect(ledger.signHead()).rejects.toMatchObject({ reason: "shorter", current: { seq: 1 } });
    expect(await keptHead.read()).toEqual(signed);
    // The export carries the kept head (as `ledger export` writes it): cut short.
    const text = await exportText(ledger, [signed]);
    expect(verifyLedgerExport(text).problems.map((p) => p.code)).toEqual(["truncated"]);
    // Against the kept head file, it says what that means.
    const result = verifyLedgerExport(await exportText(ledger), {
      knownHeads: [{ ...signed, source: "kept" }],
    });
    expect(result.problems.map((p) => p.code)).toEqual(["truncated"]);
    expect(result.problems[0]!.message).toContain("began anew after Redis lost its data");
  });

  it("refuses entries edited after the kept head, and an unreadable kept head", async () => {
    const { t, conn, ledger, keptHead, appendSome } = await setup();
    await appendSome(3);
    await ledger.signHead();
    await appendSome(2);
    const raw = (await conn.lindex(t.keys.ledger.entries, 4))!;
    expect(raw).toContain('"violationId":"v1"');
    await conn.lset(t.keys.ledger.entries, 4, raw.replace('"violationId":"v1"', '"violationId":"v9"'));
    await expect(ledger.signHead()).rejects.toMatchObject({ reason: "chain_invalid" });
    await expect(ledger.signHead()).rejects.toThrow(/entry 5 in Redis does not match its hash/);

    // The signed entry itself, edited without its hash rebuilt.
    await conn.lset(t.keys.ledger.entries, 4, raw);
    const signedRaw = (await conn.lindex(t.keys.ledger.entries, 2))!;
    await conn.lset(t.keys.ledger.entries, 2, signedRaw.replace('"violationId":"v2"', '"violationId":"v7"'));
    await expect(ledger.signHead()).rejects.toThrow(
      /entry 3 in Redis, the one the monitor signed .* was edited/,
    );

    await writeFile(keptHead.path, "not json");
    await expect(ledger.signHead()).rejects.toMatchObject({ reason: "kept_head_unreadable", kept: null });
    expect(await readFile(keptHead.path, "utf8")).toBe("not json");
  });
});
