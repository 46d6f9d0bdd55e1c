import { mkdtemp, readdir, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  ledgerExportCommand,
  ledgerNewChainCommand,
  ledgerPublicKeyCommand,
  ledgerVerifyCommand,
  type CommandIo,
} from "../../src/cli/commands/ledger.ts";
import { createLedger } from "../../src/ledger/ledger.ts";
import { createSigner, loadOrCreateMonitorKey } from "../../src/ledger/keys.ts";
import { TEST_REDIS_URL, useTestRedis } from "../store/testRedis.ts";
import { loseLedger, rewriteHistory, testSigner } from "./helpers.ts";

function collect(): CommandIo & { out: () => string; err: () => string } {
  let out = "";
  let err = "";
  return {
    stdout: (t) => {
      out += t;
    },
    stderr: (t) => {
      err += t;
    },
    out: () => out,
    err: () => err,
  };
}

const siteFile = (redisUrl: string) => `site:
  id: cli-site
  timezone: Asia/Shanghai
  commissionedAt: 2026-09-01
redis:
  url: ${redisUrl}
ledger:
  keyFile: keys/monitor.pem
devices:
  - id: nvr1
    onvif: http://127.0.0.1:8000/onvif/device_service
    username: monitor
    passwordFile: pw.txt
zones:
  - { id: gate, kind: entrance }
cameras:
  - { id: cam-gate, device: nvr1, profile: P1, zones: [gate] }
`;

describe("ledger export / verify / public-key commands", () => {
  const redis = useTestRedis();
  let dir = "";
  const saved: Record<string, string | undefined> = {};

  beforeAll(() => {
    // The configured redis.url must be the one used (REDIS_URL would override it).
    for (const name of ["REDIS_URL", "NURSERYWATCH_REDIS_URL"]) {
      saved[name] = process.env[name];
      delete process.env[name];
    }
  });
  afterAll(() => {
    for (const [name, value] of Object.entries(saved)) if (value !== undefined) process.env[name] = value;
  });
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = "";
  });

  async function site(redisUrl = TEST_REDIS_URL) {
    dir = await mkdtemp(join(tmpdir(), "nw-ledger-cli-"));
    await writeFile(join(dir, "pw.txt"), "secret\n", { mode: 0o600 });
    const config = join(dir, "site.yaml");
    await writeFile(config, siteFile(redisUrl));
    return { config, keyFile: join(dir, "keys/monitor.pem") };
  }

  it("exports a signed ledger that verifies, and fails verification once edited", async () => {
    const t = redis();
    const { config, keyFile } = await site();
    const key = await loadOrCreateMonitorKey(keyFile);
    const ledger = createLedger({
      redis: t.connect(),
      keys: t.keys,
      now: Date.now,
      signer: createSigner(key),
    });
    for (let i = 0; i < 4; i++) await ledger.append("violation.opened", "cli-site", { violationId: `v${i}` });

    const out = join(dir, "ledger.jsonl");
    const io = collect();
    expect(await ledgerExportCommand({ configFile: config, out, keyPrefix: t.keys.prefix, io })).toBe(0);
    expect(io.err()).toContain("exported 4 ledger entries and 1 signed heads");
    const text = await readFile(out, "utf8");
    expect(text.trimEnd().split("\n")).toHaveLength(5);

    const pubFile = join(dir, "monitor.pub");
    const pk = collect();
    expect(await ledgerPublicKeyCommand({ configFile: config, io: pk })).toBe(0);
    expect(pk.out()).toBe(key.publicKey);
    expect(pk.err()).toContain(key.fingerprint);
    await writeFile(pubFile, pk.out());

    const ok = collect();
    expect(await ledgerVerifyCommand({ file: out, publicKey: pubFile, io: ok })).toBe(0);
    expect(ok.out()).toContain("ledger intact: 4 entries");
    expect(ok.out()).toContain(`signed by the given key ${key.fingerprint}`);

    const json = collect();
    expect(await ledgerVerifyCommand({ file: out, json: true, io: json })).toBe(0);
    expect(JSON.parse(json.out())).toMatchObject({
      ok: true,
      entries: 4,
      publicKeyFingerprint: key.fingerprint,
    });

    const edited = join(dir, "edited.jsonl");
    await writeFile(edited, text.replace('"violationId":"v2"', '"violationId":"v9"'));
    const bad = collect();
    expect(await ledgerVerifyCommand({ file: edited, publicKey: key.publicKey, io: bad })).toBe(1);
    expect(bad.out()).toContain("ledger verification FAILED: 1 problem");
    expect(bad.out()).toContain("bad_hash: entry 3 (line 3) was edited");

    const wrongKey = collect();
    expect(await ledgerVerifyCommand({ file: out, publicKey: testSigner().publicKey, io: wrongKey })).toBe(1);
    expect(wrongKey.out()).toContain("key_mismatch");
  });

  it("exports to standard output, and without a key only the heads signed before", async () => {
    const t = redis();
    const { config } = await site();
    const ledger = createLedger({ redis: t.connect(), keys: t.keys, now: Date.now, signer: testSigner() });
    await ledger.append("config.loaded", "cli-site", {});
    const io = collect();
    expect(await ledgerExportCommand({ configFile: config, keyPrefix: t.keys.prefix, io })).toBe(0);
    expect(io.err()).toContain("warning: cannot read the monitor key");
    expect(io.out().trimEnd().split("\n")).toHaveLength(1);
  });

  it("answers 2 for usage problems and 1 when Redis cannot be reached", async () => {
    const { config } = await site("redis://127.0.0.1:1/0");
    const io = collect();
    expect(await ledgerVerifyCommand({ file: join(dir, "missing.jsonl"), io })).toBe(2);
    await writeFile(join(dir, "x.jsonl"), "");
    expect(await ledgerVerifyCommand({ file: join(dir, "x.jsonl"), publicKey: "not-a-key", io })).toBe(2);
    expect(io.err()).toContain("--public-key");
    expect(await ledgerExportCommand({ configFile: join(dir, "nope.yaml"), io })).toBe(2);
    expect(await ledgerPublicKeyCommand({ configFile: config, io })).toBe(2);

    const down = collect();
    expect(await ledgerExportCommand({ configFile: config, io: down })).toBe(1);
    expect(down.err()).toContain("cannot reach Redis");
  });

  /** A site, its monitor key, and a ledger of n entries in Redis as the daemon would have written them. */
  async function siteWithEntries(n: number) {
    const t = redis();
    const { config, keyFile } = await site();
    const key = await loadOrCreateMonitorKey(keyFile);
    const conn = t.connect();
    const ledger = createLedger({ redis: conn, keys: t.keys, now: Date.now, signer: createSigner(key) });
    for (let i = 0; i < n; i++) await ledger.append("violation.opened", "cli-site", { violationId: `v${i}` });
    return { t, config, key, conn, ledger };
  }

  it("a history rewritten in Redis with rebuilt hashes is not signed by export and fails verify against the kept head", async () => {
    const { t, config, key, conn } = await siteWithEntries(4);
    const first = join(dir, "first.jsonl");
    expect(
      await ledgerExportCommand({ configFile: config, out: first, keyPrefix: t.keys.prefix, io: collect() }),
    ).toBe(0);
    const keptFile = join(dir, "keys/monitor.head.json");
    expect((await stat(keptFile)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(keptFile, "utf8"))).toMatchObject({ seq: 4 });

    // Edit entry 1, remove entry 2, delete the signed heads, rebuild the hashes.
    await rewriteHistory(conn, t.keys);
    const out = join(dir, "rewritten.jsonl");
    const io = collect();
    expect(await ledgerExportCommand({ configFile: config, out, keyPrefix: t.keys.prefix, io })).toBe(1);
    expect(io.err()).toContain("LEDGER BROKEN, the head was NOT signed");
    expect(io.err()).toContain("the ledger in Redis ends at entry 3 but the monitor signed entry 4");
    expect(JSON.parse(await readFile(keptFile, "utf8"))).toMatchObject({ seq: 4 });

    const verified = collect();
    expect(
      await ledgerVerifyCommand({ file: out, publicKey: key.publicKey, heads: [keptFile], io: verified }),
    ).toBe(1);
    expect(verified.out()).toContain("ledger verification FAILED");
    expect(verified.out()).toContain(`the known head from ${keptFile}`);
    expect(verified.out()).toContain("does not extend that head");
    // The export carries the kept head itself, so even without --head it does not pass.
    expect(await ledgerVerifyCommand({ file: out, publicKey: key.publicKey, io: collect() })).toBe(1);
    // The first export is still intact against the kept head.
    expect(await ledgerVerifyCommand({ file: first, heads: [keptFile], io: collect() })).toBe(0);

    const badHead = join(dir, "bad-head.json");
    await writeFile(badHead, "nonsense");
    const usage = collect();
    expect(await ledgerVerifyCommand({ file: first, heads: [badHead], io: usage })).toBe(2);
    expect(usage.err()).toContain(`--head ${badHead}`);
  });

  it("ledger new-chain: refused while nothing is broken; after Redis lost its data, archives the kept head and signs a new chain", async () => {
    const { t, config, key, conn, ledger } = await siteWithEntries(3);
    const opts = { configFile: config, keyPrefix: t.keys.prefix };
    expect(await ledgerExportCommand({ ...opts, out: join(dir, "a.jsonl"), io: collect() })).toBe(0);

    const nothing = collect();
    expect(await ledgerNewChainCommand({ ...opts, reason: "just because", io: nothing })).toBe(1);
    expect(nothing.err()).toContain("no new chain is needed");
    expect(await ledgerNewChainCommand({ ...opts, reason: " ", io: collect() })).toBe(2);

    await loseLedger(conn, t.keys);
    await ledger.append("monitor.started", "cli-site", {});
    expect(await ledgerExportCommand({ ...opts, out: join(dir, "b.jsonl"), io: collect() })).toBe(1);

    const io = collect();
    expect(
      await ledgerNewChainCommand({
        ...opts,
        reason: "Redis lost its data (disk replaced)",
        io,
        now: () => Date.parse("2026-12-07T23:00:00Z"),
      }),
    ).toBe(0);
    expect(io.err()).toContain("new chain started");
    const files = await readdir(join(dir, "keys"));
    expect(files).toContain("monitor.head.2026-12-07T23-00-00-000Z.archived.json");
    const entries = await ledger.page({ limit: 10 });
    expect(entries.map((e) => e.type)).toEqual(["monitor.started", "ledger.new_chain"]);
    expect(entries[1]!.data).toMatchObject({
      reason: "Redis lost its data (disk replaced)",
      problem: "shorter",
      previousHead: { seq: 3 },
      redisHeadBefore: { seq: 1 },
    });
    const kept = JSON.parse(await readFile(join(dir, "keys/monitor.head.json"), "utf8")) as { seq: number };
    expect(kept.seq).toBe(2);

    // The new chain exports and verifies; against the archived head it does not.
    const c = join(dir, "c.jsonl");
    expect(await ledgerExportCommand({ ...opts, out: c, io: collect() })).toBe(0);
    expect(await ledgerVerifyCommand({ file: c, publicKey: key.publicKey, io: collect() })).toBe(0);
    const archived = join(dir, "keys", "monitor.head.2026-12-07T23-00-00-000Z.archived.json");
    expect(await ledgerVerifyCommand({ file: c, heads: [archived], io: collect() })).toBe(1);
  });
});
