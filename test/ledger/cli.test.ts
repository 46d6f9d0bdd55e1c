import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import {
  ledgerExportCommand,
  ledgerPublicKeyCommand,
  ledgerVerifyCommand,
  type CommandIo,
} from "../../src/cli/commands/ledger.ts";
import { createLedger } from "../../src/ledger/ledger.ts";
import { createSigner, loadOrCreateMonitorKey } from "../../src/ledger/keys.ts";
import { TEST_REDIS_URL, useTestRedis } from "../store/testRedis.ts";
import { testSigner } from "./helpers.ts";

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
});
