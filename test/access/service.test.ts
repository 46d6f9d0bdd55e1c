import { describe, expect, test } from "vitest";
import {
  AccessInputError,
  NoPublicUrlError,
  ParentsDisabledError,
  UnknownFamilyError,
} from "../../src/access/errors.ts";
import type { AccessSite } from "../../src/access/service.ts";
import { hashToken } from "../../src/access/tokens.ts";
import { useTestRedis } from "../store/testRedis.ts";
import { accessSite, MON_10, PARENTS, SITE, testAccess } from "./fixture.ts";

describe("access service on Redis", () => {
  const redis = useTestRedis();

  function setup(site: AccessSite = accessSite()) {
    const t = redis();
    let now = MON_10;
    const { service, ledgered } = testAccess(t, new Map([[SITE.id, site]]), () => now);
    /** The family a token opens, or why it opens nothing. */
    const opens = async (token: string) => {
      const r = await service.resolveToken(token);
      return r.ok ? r.family.id : r.reason;
    };
    return { t, service, ledgered, opens, advance: (ms: number) => (now += ms) };
  }
  const family = { id: "fam-a", name: "Li family", zones: ["room-a"], cameras: [], windows: [] };

  test("a family is stored with its grant, in the ledger and the audit log", async () => {
    const { service, ledgered } = setup();
    const f = await service.putFamily(SITE.id, { ...family, maxSessions: 1 }, "ops");
    expect(f).toMatchObject({ id: "fam-a", zones: ["room-a"], maxSessions: 1, createdBy: "ops" });
    expect(await service.listFamilies(SITE.id)).toEqual([f]);
    expect(ledgered.map((l) => l.type)).toEqual(["family.granted"]);
    const audit = await service.auditRange(SITE.id, 0, Number.MAX_SAFE_INTEGER);
    expect(audit).toEqual([
      expect.objectContaining({ type: "family.granted", familyId: "fam-a", by: "ops" }),
    ]);
  });

  test("a private zone is refused and nothing is written", async () => {
    const { service, ledgered, t } = setup();
    await expect(service.putFamily(SITE.id, { ...family, zones: ["washroom"] }, "ops")).rejects.toThrow(
      AccessInputError,
    );
    expect(ledgered).toEqual([]);
    expect(await t.allKeys()).toEqual([]);
  });

  test("with parents.enabled false nothing can be managed", async () => {
    const { service } = setup(accessSite({ parents: { ...PARENTS, enabled: false } }));
    await expect(service.putFamily(SITE.id, family, "ops")).rejects.toThrow(ParentsDisabledError);
    await expect(service.listFamilies(SITE.id)).rejects.toThrow(ParentsDisabledError);
  });

  test("a token is stored only as its hash and resolves until it expires", async () => {
    const { service, t, advance, opens } = setup();
    await service.putFamily(SITE.id, family, "ops");
    const issued = await service.issueToken(SITE.id, "fam-a", 3_600_000, "ops");
    expect(issued.url).toBe(`https://watch.example.cn/p/#t=${issued.token}`);
    const c = t.connect("inspect");
    for (const key of await t.allKeys()) {
      const type = await c.type(key);
      const dump =
        type === "hash"
          ? JSON.stringify(await c.hgetall(key))
          : type === "zset"
            ? JSON.stringify(await c.zrange(key, 0, -1))
            : String(await c.get(key));
      expect(dump, key).not.toContain(issued.token);
    }
    expect(JSON.stringify(await c.hgetall(t.keys.accessTokenIndex))).toContain(hashToken(issued.token));
    expect(await opens(issued.token)).toBe("fam-a");
    expect(await opens(issued.token.replace(/.$/, (ch) => (ch === "A" ? "B" : "A")))).toBe("unknown_token");
    expect(await opens("not a token")).toBe("unknown_token");
    advance(3_600_000);
    expect(await service.resolveToken(issued.token)).toEqual({
      ok: false,
      reason: "expired",
      siteId: SITE.id,
      familyId: "fam-a",
    });
  });

  test("revoking one token leaves the others; revoking the family kills all of them at once", async () => {
    const { service, ledgered, opens } = setup();
    await service.putFamily(SITE.id, family, "ops");
    const a = await service.issueToken(SITE.id, "fam-a", 86_400_000, "ops");
    const b = await service.issueToken(SITE.id, "fam-a", 86_400_000, "ops");
    const c = await service.issueToken(SITE.id, "fam-a", 86_400_000, "ops");
    expect((await service.revokeToken(SITE.id, a.tokenId, "ops"))?.tokenId).toBe(a.tokenId);
    expect(await service.revokeToken(SITE.id, a.tokenId, "ops")).toBeNull();
    expect(await opens(a.token)).toBe("unknown_token");
    expect(await opens(b.token)).toBe("fam-a");
    expect(await service.revokeFamily(SITE.id, "fam-a", "ops")).toBe(1);
    expect(await opens(b.token)).toBe("revoked");
    expect(await opens(c.token)).toBe("revoked");
    // A token issued after the revocation works again.
    const d = await service.issueToken(SITE.id, "fam-a", 86_400_000, "ops");
    expect(await opens(d.token)).toBe("fam-a");
    expect(ledgered.map((l) => l.type)).toEqual([
      "family.granted",
      "token.issued",
      "token.issued",
      "token.issued",
      "token.revoked",
      "family.revoked",
      "token.issued",
    ]);
    expect(JSON.stringify(ledgered)).not.toContain(a.token);
  });

  test("a removed family's tokens die, also when a family of the same id is added again", async () => {
    const { service, opens } = setup();
    await service.putFamily(SITE.id, family, "ops");
    const a = await service.issueToken(SITE.id, "fam-a", 86_400_000, "ops");
    await service.removeFamily(SITE.id, "fam-a", "ops");
    expect(await service.listFamilies(SITE.id)).toEqual([]);
    await service.putFamily(SITE.id, family, "ops");
    expect(await opens(a.token)).toBe("unknown_token");
    await expect(service.removeFamily(SITE.id, "nobody", "ops")).rejects.toThrow(UnknownFamilyError);
    await expect(service.issueToken(SITE.id, "nobody", 1000, "ops")).rejects.toThrow(UnknownFamilyError);
  });

  test("no link without http.publicUrl", async () => {
    const { service } = setup(accessSite({ publicUrl: null }));
    await service.putFamily(SITE.id, family, "ops");
    await expect(service.issueToken(SITE.id, "fam-a", 1000, "ops")).rejects.toThrow(NoPublicUrlError);
  });

  test("the audit log keeps parents.auditDays and never a token", async () => {
    const { service, advance } = setup();
    await service.putFamily(SITE.id, family, "ops");
    const issued = await service.issueToken(SITE.id, "fam-a", 86_400_000, "ops");
    advance(31 * 86_400_000);
    await service.audit(
      SITE.id,
      { type: "access.denied", familyId: null, cameraId: null, reason: "unknown_token" },
      "parent",
    );
    const all = await service.auditRange(SITE.id, 0, Number.MAX_SAFE_INTEGER);
    expect(all.map((r) => r.type)).toEqual(["access.denied"]);
    expect(JSON.stringify(all)).not.toContain(issued.token);
  });
});
