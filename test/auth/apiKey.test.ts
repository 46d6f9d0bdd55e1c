import { createHash } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { hashApiKey, matchesApiKey, newApiKey } from "../../src/auth/apiKey.ts";
import { loadConfig } from "../../src/config/load.ts";
import { ENV, MINIMAL, tempDir } from "../config/configFiles.ts";

describe("API keys", () => {
  it("are nwk_ plus 256 random bits in base64url, each one different", () => {
    const keys = Array.from({ length: 50 }, () => newApiKey().key);
    for (const key of keys) {
      expect(key).toMatch(/^nwk_[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(key.slice(4), "base64url")).toHaveLength(32);
    }
    expect(new Set(keys).size).toBe(keys.length);
  });

  it("come with the SHA-256 hex of the key", () => {
    const { key, sha256 } = newApiKey();
    expect(sha256).toBe(createHash("sha256").update(key).digest("hex"));
    expect(sha256).toBe(hashApiKey(key));
    expect(hashApiKey("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  });

  it("match only their own hash", () => {
    const { key, sha256 } = newApiKey();
    expect(matchesApiKey(key, sha256)).toBe(true);
    expect(matchesApiKey(key, sha256.toUpperCase())).toBe(true);
    expect(matchesApiKey(`${key}x`, sha256)).toBe(false);
    expect(matchesApiKey(newApiKey().key, sha256)).toBe(false);
    expect(matchesApiKey(key, sha256.slice(0, 63))).toBe(false);
    expect(matchesApiKey(key, `${sha256.slice(0, 63)}g`)).toBe(false);
    expect(matchesApiKey(key, "")).toBe(false);
  });

  describe("in a configuration", () => {
    let tmp: Awaited<ReturnType<typeof tempDir>>;
    beforeEach(async () => {
      tmp = await tempDir();
    });
    afterEach(async () => {
      await tmp.remove();
    });

    it("are stored as the hash newApiKey prints", async () => {
      const { key, sha256 } = newApiKey();
      const file = await tmp.write(
        "site.yaml",
        `${MINIMAL}http:\n  apiKeys:\n    - { name: ops, role: admin, sha256: ${sha256} }\n`,
      );
      const config = await loadConfig(file, ENV);
      const entry = config.http.apiKeys[0];
      expect(entry).toEqual({ name: "ops", role: "admin", sha256, scope: "site" });
      expect(matchesApiKey(key, entry?.sha256 ?? "")).toBe(true);
      expect(JSON.stringify(config)).not.toContain(key);
    });
  });
});
