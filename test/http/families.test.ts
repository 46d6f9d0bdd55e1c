import { describe, expect, test } from "vitest";
import type { AccessSite } from "../../src/access/service.ts";
import type { SiteInfo } from "../../src/http/deps.ts";
import { createHttpServer } from "../../src/http/server.ts";
import { healthySite } from "../compliance/builders.ts";
import { accessSite, PARENTS, SITE, testAccess } from "../access/fixture.ts";
import { useTestRedis } from "../store/testRedis.ts";
import { createFakeWorld, SUNSHINE } from "./fakes.ts";

const MOON: SiteInfo = { ...SUNSHINE, id: "moon-02", name: "Moon Nursery" };

describe("families API", () => {
  const redis = useTestRedis();

  function setup() {
    const t = redis();
    const world = createFakeWorld({ sites: [SUNSHINE, MOON] });
    const sites = new Map<string, AccessSite>([
      [SITE.id, accessSite()],
      [
        "moon-02",
        accessSite({ site: healthySite({ id: "moon-02" }), parents: { ...PARENTS, enabled: false } }),
      ],
    ]);
    const { service: access } = testAccess(t, sites, () => world.clock.now);
    const server = createHttpServer({ ...world.deps, access });
    const call = (method: "GET" | "POST" | "DELETE", url: string, key: string, body?: object) =>
      server.app.inject({
        method,
        url,
        headers: { authorization: `Bearer ${key}` },
        ...(body === undefined ? {} : { payload: body }),
      });
    return { world, server, call, admin: world.keys.admin, regulator: world.keys.regulator };
  }

  test("an admin grants, lists, issues a link, revokes and removes; each is audited, no token logged", async () => {
    const { call, admin, regulator, world, server } = setup();
    const made = await call("POST", "/api/v1/families", admin, {
      site: SITE.id,
      id: "fam-li",
      name: "Li family",
      zones: ["room-a"],
      windows: ["Mon-Fri 09:00-12:00"],
    });
    expect(made.statusCode, made.body).toBe(201);
    expect(made.json()).toMatchObject({ id: "fam-li", zones: ["room-a"], maxSessions: 2, createdBy: "ops" });
    const list = await call("GET", `/api/v1/families?site=${SITE.id}`, admin);
    expect(list.json<{ items: { id: string }[] }>().items.map((f) => f.id)).toEqual(["fam-li"]);

    const issued = await call("POST", "/api/v1/families/fam-li/tokens", admin, {
      site: SITE.id,
      expires: "7d",
    });
    expect(issued.statusCode, issued.body).toBe(201);
    const { url, tokenId } = issued.json<{ url: string; tokenId: string }>();
    const token = new URL(url).hash.replace("#t=", "");
    expect(token).toHaveLength(43);
    expect(issued.headers["cache-control"]).toBe("no-store");

    expect((await call("DELETE", `/api/v1/tokens/${tokenId}?site=${SITE.id}`, admin)).statusCode).toBe(200);
    expect((await call("DELETE", `/api/v1/tokens/${tokenId}?site=${SITE.id}`, admin)).statusCode).toBe(404);
    const revoked = await call("POST", `/api/v1/families/fam-li/revoke?site=${SITE.id}`, admin);
    expect(revoked.json()).toEqual({ familyId: "fam-li", generation: 1 });
    expect((await call("DELETE", `/api/v1/families/fam-li?site=${SITE.id}`, admin)).statusCode).toBe(200);
    expect((await call("DELETE", `/api/v1/families/fam-li?site=${SITE.id}`, admin)).statusCode).toBe(404);

    const audit = await call("GET", `/api/v1/audit?site=${SITE.id}&from=2020-01-01`, regulator);
    expect(audit.statusCode, audit.body).toBe(200);
    expect(audit.json<{ items: { type: string }[] }>().items.map((i) => i.type)).toEqual([
      "family.granted",
      "token.issued",
      "token.revoked",
      "family.revoked",
      "family.removed",
    ]);
    expect(audit.body).not.toContain(token);
    const logs = world.logs.join("");
    expect(logs).toContain(tokenId);
    expect(logs).not.toContain(token);
    await server.stop();
  });

  test("a private zone or a washroom camera is refused; a regulator may read the audit but not grant", async () => {
    const { call, admin, regulator, server } = setup();
    const zone = await call("POST", "/api/v1/families", admin, {
      site: SITE.id,
      id: "f",
      name: "F",
      zones: ["washroom"],
    });
    expect(zone.statusCode).toBe(400);
    expect(zone.json<{ message: string }>().message).toContain('zone "washroom" is private');
    const cam = await call("POST", "/api/v1/families", admin, {
      site: SITE.id,
      id: "f",
      name: "F",
      cameras: ["cam4"],
    });
    expect(cam.statusCode).toBe(400);
    expect(cam.json<{ message: string }>().message).toContain("covers a private zone");
    const reg = await call("POST", "/api/v1/families", regulator, {
      site: SITE.id,
      id: "f",
      name: "F",
      zones: ["room-a"],
    });
    expect(reg.statusCode).toBe(403);
    expect((await call("GET", `/api/v1/families?site=${SITE.id}`, regulator)).statusCode).toBe(403);
    await server.stop();
  });

  test("a key of another site learns nothing; a site without parents' view answers 404 with why", async () => {
    const { call, world, server } = setup();
    const moonAdmin = world.addKey("moon-ops", "admin", "moon-02");
    const other = await call("POST", "/api/v1/families", moonAdmin, {
      site: SITE.id,
      id: "f",
      name: "F",
      zones: ["room-a"],
    });
    expect(other.statusCode).toBe(404);
    expect((await call("GET", `/api/v1/audit?site=${SITE.id}`, moonAdmin)).statusCode).toBe(404);
    // Without ?site the key's one site is meant: moon, where parents' view is off.
    const off = await call("POST", "/api/v1/families", moonAdmin, { id: "f", name: "F", zones: ["room-a"] });
    expect(off.statusCode).toBe(404);
    expect(off.json<{ message: string }>().message).toContain("parents.enabled: false");
    expect((await call("GET", "/api/v1/audit", moonAdmin)).statusCode).toBe(200);
    await server.stop();
  });
});
