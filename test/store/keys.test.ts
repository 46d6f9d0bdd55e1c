import { describe, expect, it } from "vitest";
import { createKeys } from "../../src/store/keys.ts";

/** Redis Cluster's key slot: CRC16 (XMODEM) of the hash tag (or the key) mod 16384. */
function slot(key: string): number {
  const open = key.indexOf("{");
  let hashed = key;
  if (open >= 0) {
    const close = key.indexOf("}", open + 1);
    if (close > open + 1) hashed = key.slice(open + 1, close);
  }
  let crc = 0;
  for (const byte of Buffer.from(hashed, "utf8")) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc % 16384;
}

describe("key builder", () => {
  it("CRC16 matches the Cluster specification's test vector", () => {
    // "123456789" -> 0x31C3 (redis.io cluster spec).
    expect(slot("123456789")).toBe(0x31c3 % 16384);
  });

  it("puts every key of one site in one Cluster slot, and different sites apart", () => {
    const keys = createKeys("nw");
    const a = Object.values(keys.site("sunshine-01") as unknown as Record<string, string>);
    expect(new Set(a.map(slot)).size).toBe(1);
    expect(a.every((k) => k.startsWith("nw:{site:sunshine-01}:"))).toBe(true);
    expect(new Set(a).size).toBe(a.length);
    expect(slot(keys.site("other-site").lock)).not.toBe(slot(keys.site("sunshine-01").lock));
    // A family's viewer sessions sit in its site's slot, beside the families and tokens.
    expect(slot(keys.viewerSessions("sunshine-01", "fam-a"))).toBe(slot(keys.site("sunshine-01").families));
  });

  it("puts the ledger's keys in one slot of their own", () => {
    const l = Object.values(createKeys("nw").ledger as unknown as Record<string, string>);
    expect(new Set(l.map(slot)).size).toBe(1);
  });

  it("applies the prefix everywhere and refuses ids that would break the hash tag", () => {
    const keys = createKeys("test-1");
    expect(keys.sites).toBe("test-1:sites");
    expect(keys.session("ab".repeat(32))).toBe(`test-1:session:${"ab".repeat(32)}`);
    expect(keys.pattern).toBe("test-1:*");
    expect(() => keys.site("a}b")).toThrow(/invalid site id/);
    expect(() => createKeys("bad prefix")).toThrow(/invalid Redis key prefix/);
    expect(createKeys().prefix).toBe("nw");
  });
});
