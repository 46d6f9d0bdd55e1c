import { describe, expect, test } from "vitest";
import type { AccessSite } from "../../src/access/service.ts";
import { createViewerService } from "../../src/access/viewers.ts";
import { createHttpServer } from "../../src/http/server.ts";
import { accessSite, MON_10, PARENTS, SITE, testAccess } from "../access/fixture.ts";
import { useTestRedis } from "../store/testRedis.ts";
import { createFakeWorld } from "./fakes.ts";

describe("parent routes /p/", () => {
  const redis = useTestRedis();

  async function setup(site: AccessSite = accessSite(), maxFailures = 3) {
    const t = redis();
    const world = createFakeWorld({
      now: MON_10,
      publicUrl: "https://watch.example.cn",
      options: { loginMaxFailures: maxFailures },
    });
    const sites = new Map([[SITE.id, site]]);
    const { service: access } = testAccess(t, sites, () => world.clock.now);
    const viewers = createViewerService({
      redis: t.connect(),
      keys: t.keys,
      access,
      now: () => world.clock.now,
    });
    const server = createHttpServer({ ...world.deps, access, viewers });
    // Families are made while parents' view is on; the site is switched off afterwards.
    sites.set(SITE.id, accessSite());
    await access.putFamily(
      SITE.id,
      { id: "fam-li", name: "Li", zones: ["room-a"], cameras: [], windows: [], maxSessions: 1 },
      "ops",
    );
    const { token } = await access.issueToken(SITE.id, "fam-li", 86_400_000, "ops");
    sites.set(SITE.id, site);
    const start = (body: object, cookie?: string) =>
      server.app.inject({
        method: "POST",
        url: "/p/session",
        payload: body,
        ...(cookie === undefined ? {} : { headers: { cookie } }),
      });
    return { world, server, access, token, start };
  }

  test("a token buys a short session cookie: HttpOnly, SameSite=Strict, Secure, path /p/; strict headers", async () => {
    const { start, token, server, world } = await setup();
    const r = await start({ token });
    expect(r.statusCode, r.body).toBe(201);
    expect(r.json()).toMatchObject({ cameras: ["cam1"] });
    const cookie = String(r.headers["set-cookie"]);
    expect(cookie).toMatch(/^nw_view=sunshine-01~[A-Za-z0-9_-]{43};/);
    expect(cookie).toContain("Max-Age=900");
    expect(cookie).toContain("Path=/p/");
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Strict");
    expect(cookie).toContain("Secure");
    expect(cookie).not.toContain(token);
    expect(r.headers["cache-control"]).toBe("no-store");
    expect(r.headers["referrer-policy"]).toBe("no-referrer");
    expect(r.headers["content-security-policy"]).toContain("default-src 'none'");
    expect(world.logs.join("")).not.toContain(token);

    // The cap (1): a second phone is refused with the same answer as a wrong link.
    const second = await start({ token });
    const wrong = await start({ token: "A".repeat(43) });
    expect(second.statusCode).toBe(403);
    expect(second.body).toBe(wrong.body);

    // Stopping frees the place.
    const value = cookie.split(";")[0] ?? "";
    const stop = await server.app.inject({ method: "DELETE", url: "/p/session", headers: { cookie: value } });
    expect(stop.statusCode).toBe(204);
    expect((await start({ token })).statusCode).toBe(201);
    await server.stop();
  });

  test("the session says which cameras play now; outside the hours none, revoked or without a cookie: refused", async () => {
    const { start, token, server, world, access } = await setup();
    // Ten minutes before the site's hours end: the session outlives them.
    world.clock.now = Date.parse("2026-03-02T17:20:00+08:00");
    const cookie = String((await start({ token })).headers["set-cookie"]).split(";")[0] ?? "";
    const state = (c?: string) =>
      server.app.inject({
        method: "GET",
        url: "/p/session",
        ...(c === undefined ? {} : { headers: { cookie: c } }),
      });
    const now = await state(cookie);
    expect(now.statusCode, now.body).toBe(200);
    expect(now.json()).toMatchObject({
      familyId: "fam-li",
      cameras: [{ id: "cam1", name: "Camera 1", live: true }],
    });
    world.clock.now = Date.parse("2026-03-02T17:30:00+08:00");
    expect((await state(cookie)).json()).toMatchObject({ cameras: [{ id: "cam1", live: false }] });
    expect((await state()).statusCode).toBe(403);
    await access.revokeFamily(SITE.id, "fam-li", "ops");
    expect((await state(cookie)).statusCode).toBe(403);
    await server.stop();
  });

  test("wrong tokens are refused alike, then rate limited; a real family outside its hours is not locked out", async () => {
    const { start, token, world, server } = await setup(accessSite(), 3);
    world.clock.now = Date.parse("2026-03-02T18:00:00+08:00");
    for (let i = 0; i < 5; i++) expect((await start({ token })).statusCode).toBe(403);
    const answers = await Promise.all([1, 2, 3].map(() => start({ token: `${"B".repeat(42)}x` })));
    expect(answers.map((a) => a.statusCode)).toEqual([403, 403, 403]);
    const limited = await start({ token });
    expect(limited.statusCode).toBe(429);
    expect(Number(limited.headers["retry-after"])).toBeGreaterThan(0);
    expect(world.logs.join("")).not.toContain(token);
    await server.stop();
  });

  test("with parents.enabled false every parent route answers like one that does not exist", async () => {
    const { start, token, server } = await setup(accessSite({ parents: { ...PARENTS, enabled: false } }));
    const none = await server.app.inject({ method: "POST", url: "/p/nothing-here", payload: {} });
    const r = await start({ token });
    expect(r.statusCode).toBe(404);
    expect(r.json<{ message: string }>().message).toBe("No route POST /p/session.");
    expect(none.statusCode).toBe(404);
    const del = await server.app.inject({ method: "DELETE", url: "/p/session" });
    expect(del.statusCode).toBe(404);
    await server.stop();
  });
});
