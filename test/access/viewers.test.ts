import { describe, expect, test } from "vitest";
import { createViewerService } from "../../src/access/viewers.ts";
import { useTestRedis } from "../store/testRedis.ts";
import { accessSite, MON_10, SITE, testAccess } from "./fixture.ts";

describe("viewer sessions on Redis", () => {
  const redis = useTestRedis();

  async function setup(maxSessions = 2) {
    const t = redis();
    const clock = { now: MON_10 };
    const { service } = testAccess(t, new Map([[SITE.id, accessSite()]]), () => clock.now);
    const viewers = createViewerService({
      redis: t.connect(),
      keys: t.keys,
      access: service,
      now: () => clock.now,
    });
    await service.putFamily(
      SITE.id,
      { id: "fam-li", name: "Li", zones: ["room-a"], cameras: [], windows: [], maxSessions },
      "ops",
    );
    const issued = await service.issueToken(SITE.id, "fam-li", 86_400_000, "ops");
    const types = async () =>
      (await service.auditRange(SITE.id, 0, Number.MAX_SAFE_INTEGER)).map((r) => r.type);
    return { t, clock, service, viewers, token: issued.token, tokenId: issued.tokenId, types };
  }

  test("the cap holds for 20 parallel starts, and a stopped session frees its place", async () => {
    const { viewers, token, service } = await setup(2);
    const results = await Promise.all(Array.from({ length: 20 }, () => viewers.start(token)));
    const ok = results.filter((r) => r.ok);
    expect(ok).toHaveLength(2);
    expect(results.filter((r) => !r.ok && r.reason === "cap_reached")).toHaveLength(18);
    const denied = (await service.auditRange(SITE.id, 0, Number.MAX_SAFE_INTEGER)).filter(
      (r) => r.type === "access.denied",
    );
    expect(denied).toHaveLength(18);
    const first = ok[0];
    if (first?.ok !== true) throw new Error("no session");
    expect(await viewers.stop(first.started.cookie)).toBe(true);
    expect(await viewers.stop(first.started.cookie)).toBe(false);
    expect((await viewers.start(token)).ok).toBe(true);
    expect((await viewers.start(token)).ok).toBe(false);
  });

  test("a session ends by itself and its place frees when it expires", async () => {
    const { viewers, token, clock } = await setup(1);
    const a = await viewers.start(token);
    expect(a.ok).toBe(true);
    expect((await viewers.start(token)).ok).toBe(false);
    clock.now += 15 * 60_000;
    if (a.ok) expect(await viewers.check(a.started.cookie, "cam1")).toMatchObject({ allowed: false });
    expect((await viewers.start(token)).ok).toBe(true);
  });

  test("each view is decided now: granted camera yes, another room no, revocation ends it at once", async () => {
    const { viewers, token, service, types } = await setup();
    const s = await viewers.start(token);
    if (!s.ok) throw new Error(s.reason);
    expect(s.started.cameras).toEqual(["cam1"]);
    expect(s.started.cookie).not.toContain(token);
    expect(await viewers.check(s.started.cookie, "cam1")).toEqual({ allowed: true, cameraId: "cam1" });
    expect(await viewers.check(s.started.cookie, "cam2")).toEqual({
      allowed: false,
      reason: "camera_not_granted",
    });
    await service.revokeFamily(SITE.id, "fam-li", "ops");
    expect(await viewers.check(s.started.cookie, "cam1")).toEqual({ allowed: false, reason: "revoked" });
    expect(await viewers.start(token)).toEqual({ ok: false, reason: "revoked" });
    expect(await types()).toEqual([
      "family.granted",
      "token.issued",
      "session.started",
      "access.denied",
      "family.revoked",
      "access.denied",
      "access.denied",
    ]);
  });

  test("revoking the one token ends its session; a forged or unknown cookie is nobody", async () => {
    const { viewers, token, tokenId, service } = await setup();
    const s = await viewers.start(token);
    if (!s.ok) throw new Error(s.reason);
    await service.revokeToken(SITE.id, tokenId, "ops");
    expect(await viewers.check(s.started.cookie, "cam1")).toEqual({ allowed: false, reason: "revoked" });
    const [site, id = ""] = s.started.cookie.split("~");
    const other = id.replace(/^./, (c) => (c === "A" ? "B" : "A"));
    for (const cookie of [`${site}~${other}`, `other-site~${id}`, id, `${s.started.cookie}~x`, ""])
      expect(await viewers.check(cookie, "cam1"), cookie).toEqual({
        allowed: false,
        reason: "unknown_session",
      });
  });

  test("outside the viewing hours no session starts", async () => {
    const { viewers, token, clock, types } = await setup();
    clock.now = Date.parse("2026-03-02T18:00:00+08:00");
    expect(await viewers.start(token)).toEqual({ ok: false, reason: "outside_window" });
    expect(await types()).toContain("access.denied");
    expect(await viewers.start("x".repeat(43))).toEqual({ ok: false, reason: "unknown_token" });
  });
});
