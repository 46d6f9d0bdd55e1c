import { generateKeyPairSync } from "node:crypto";
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { headPayload } from "../../src/ledger/canonical.ts";
import {
  createSigner,
  loadMonitorKey,
  loadOrCreateMonitorKey,
  MonitorKeyError,
  parsePublicKey,
  verifySignature,
} from "../../src/ledger/keys.ts";

describe("the monitor key", () => {
  let dir = "";
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
    dir = "";
  });
  const temp = async () => (dir = await mkdtemp(join(tmpdir(), "nw-key-")));

  it("is created on first start (PEM, mode 0600, parent folders made) and loaded after", async () => {
    const path = join(await temp(), "var", "deep", "monitor-ed25519.pem");
    const created = await loadOrCreateMonitorKey(path);
    expect(created.created).toBe(true);
    expect((await stat(path)).mode & 0o777).toBe(0o600);
    expect(await readFile(path, "utf8")).toContain("-----BEGIN PRIVATE KEY-----");

    const loaded = await loadOrCreateMonitorKey(path);
    expect(loaded.created).toBe(false);
    expect(loaded.publicKey).toBe(created.publicKey);
    expect(loaded.fingerprint).toBe(created.fingerprint);
    expect(loaded.warnings).toEqual([]);

    const signer = createSigner(loaded);
    const message = headPayload(3, "ab".repeat(32), "2026-10-01T00:00:00.000Z");
    expect(verifySignature(parsePublicKey(created.publicKey), message, signer.sign(message))).toBe(true);
    expect(verifySignature(parsePublicKey(created.publicKey), `${message}x`, signer.sign(message))).toBe(
      false,
    );
  });

  it("two processes starting together end up with one key", async () => {
    const path = join(await temp(), "k.pem");
    const keys = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateMonitorKey(path)));
    expect(new Set(keys.map((k) => k.publicKey)).size).toBe(1);
    expect(keys.filter((k) => k.created)).toHaveLength(1);
  });

  it("warns about a key others can read, and refuses a key that is not Ed25519", async () => {
    const d = await temp();
    const path = join(d, "k.pem");
    await loadOrCreateMonitorKey(path);
    await chmod(path, 0o644);
    expect((await loadMonitorKey(path)).warnings[0]).toMatch(/can be read by other users.*chmod 600/);

    const rsa = join(d, "rsa.pem");
    const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 1024 });
    await writeFile(rsa, privateKey.export({ type: "pkcs8", format: "pem" }), { mode: 0o600 });
    await expect(loadOrCreateMonitorKey(rsa)).rejects.toThrow(/rsa key, not Ed25519/);

    const junk = join(d, "junk.pem");
    await writeFile(junk, "hello", { mode: 0o600 });
    await expect(loadOrCreateMonitorKey(junk)).rejects.toBeInstanceOf(MonitorKeyError);
  });

  it("loadMonitorKey does not create a missing key", async () => {
    const path = join(await temp(), "none.pem");
    const err = await loadMonitorKey(path).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MonitorKeyError);
    expect((err as MonitorKeyError).missing).toBe(true);
    await expect(stat(path)).rejects.toThrow();
  });
});
