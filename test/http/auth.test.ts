import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { newApiKey } from "../../src/auth/apiKey.ts";
import { authenticateKey, bearerKey } from "../../src/http/auth.ts";
import { T0 } from "./fakes.ts";
import { harness, json, type Harness } from "./helpers.ts";

describe("bearerKey", () => {
  it("takes the key of a Bearer header, in any case of the scheme", () => {
    expect(bearerKey("Bearer nwk_abc")).toBe("nwk_abc");
    expect(bearerKey("bearer nwk_abc ")).toBe("nwk_abc");
    expect(bearerKey("BEARER \tnwk_abc")).toBe("nwk_abc");
  });
  it("takes nothing from other schemes, empty or malformed headers", () => {
    expect(bearerKey(undefined)).toBeNull();
    expect(bearerKey("")).toBeNull();
    expect(bearerKey("Bearer")).toBeNull();
    expect(bearerKey("Bearer ")).toBeNull();
    expect(bearerKey("Basic dXNlcjpwYXNz")).toBeNull();
    expect(bearerKey("Bearer a b")).toBeNull();
    expect(bearerKey("nwk_abc")).toBeNull();
  });
});

describe("authenticateKey", () => {
  const a = newApiKey();
  const b = newApiKey();
  const keys = [
    { name: "ops", role: "admin" as const, sha256: a.sha256, site: "sunshine-01" },
    { name: "district", role: "regulator" as const, sha256: b.sha256.toUpperCase(), site: null },
  ];
  it("finds the entry whose hash the key matches, whatever its position or hex case", () => {
    expect(authenticateKey(a.key, keys)).toEqual({
      name: "ops",
      grants: [{ site: "sunshine-01", role: "admin" }],
    });
    expect(authenticateKey(b.key, keys)).toEqual({
      name: "district",
      grants: [{ site: null, role: "regulator" }],
    });
  });
  it("gives a key listed in several site files a grant from each", () => {
    const both = [...keys, { name: "ops", role: "regulator" as const, sha256: a.sha256, site: "moon-02" }];
    expect(authenticateKey(a.key, both)?.grants).toEqual([
      { site: "sunshine-01", role: "admin" },
      { site: "moon-02", role: "regulator" },
    ]);
  });
  it("finds none for another key, a hash, or an empty key", () => {
    expect(authenticateKey(newApiKey().key, keys)).toBeNull();
    expect(authenticateKey(a.sha256, keys)).toBeNull();
    expect(authenticateKey("", keys)).toBeNull();
    expect(authenticateKey(a.key, [])).toBeNull();
  });
});

/** Every API route, what it needs, and a request that succeeds with the right key. */
const ROUTES = [
  { method: "GET", url: "/api/v1/status", access: "any", ok: 200 },
  { method: "GET", url: "/api/v1/violations", access: "any", ok: 200 },
  { method: "GET", url: "/api/v1/violations?state=all", access: "any", ok: 200 },
  { method: "GET", url: "/api/v1/ledger", access: "any", ok: 200 },
  { method: "GET", url: "/api/v1/report?from=2026-03-01", access: "any", ok: 200 },
  { method: "GET", url: "/api/v1/maintenance", access: "any", ok: 200 },
  {
    method: "POST",
    url: "/api/v1/maintenance",
    access: "admin",
    ok: 201,
    payload: { to: "2026-03-02T06:00:00Z", reason: "replacing the NVR disk" },
  },
  { method: "DELETE", url: "/api/v1/maintenance/mw-existing", access: "admin", ok: 200 },
] as const;

describe("the auth matrix of /api/v1", () => {
  let h: Harness;
  beforeEach(() => {
    h = harness();
    h.world.maintenance.push({
      id: "mw-existing",
      siteId: "sunshine-01",
      subjects: [],
      from: new Date(T0).toISOString(),
      to: new Date(T0 + 3600_000).toISOString(),
      reason: "disk swap",
      declaredBy: "ops",
      declaredAt: new Date(T0).toISOString(),
    });
  });
  afterEach(async () => {
    await h.server.stop();
  });

  for (const route of ROUTES) {
    const payload = "payload" in route ? route.payload : undefined;
    describe(`${route.method} ${route.url}`, () => {
      it("answers 401 with a Bearer challenge without a key", async () => {
        const r = await h.call({ method: route.method, url: route.url, ...(payload ? { payload } : {}) });
        expect(r.statusCode).toBe(401);
        expect(r.headers["www-authenticate"]).toBe('Bearer realm="nurserywatch"');
        expect(json(r).message).toMatch(/Authorization: Bearer/);
      });
      it("answers 401 to a wrong key, and to a key sent another way", async () => {
        const wrong = await h.call({
          method: route.method,
          url: route.url,
          key: newApiKey().key,
          ...(payload ? { payload } : {}),
        });
        expect(wrong.statusCode).toBe(401);
        expect(wrong.headers["www-authenticate"]).toContain('error="invalid_token"');
        const basic = await h.call({
          method: route.method,
          url: route.url,
          headers: { authorization: `Basic ${Buffer.from(`ops:${h.world.keys.admin}`).toString("base64")}` },
          ...(payload ? { payload } : {}),
        });
        expect(basic.statusCode).toBe(401);
      });
      it(
        route.access === "admin" ? "answers 403 to a regulator key" : "lets a regulator key read",
        async () => {
          const r = await h.call({
            method: route.method,
            url: route.url,
            key: h.world.keys.regulator,
            ...(payload ? { payload } : {}),
          });
          if (route.access === "admin") {
            expect(r.statusCode).toBe(403);
            expect(json(r).message).toMatch(/admin key/);
          } else expect(r.statusCode).toBe(route.ok);
        },
      );
      it("lets an admin key through", async () => {
        const r = await h.call({
          method: route.method,
          url: route.url,
          key: h.world.keys.admin,
          ...(payload ? { payload } : {}),
        });
        expect(r.statusCode, r.body).toBe(route.ok);
      });
    });
  }

  it("changes nothing when a regulator tries to declare or end maintenance", async () => {
    await h.call({
      method: "POST",
      url: "/api/v1/maintenance",
      key: h.world.keys.regulator,
      payload: { to: "2026-03-02T06:00:00Z", reason: "x" },
    });
    await h.call({ method: "DELETE", url: "/api/v1/maintenance/mw-existing", key: h.world.keys.regulator });
    expect(h.world.maintenance).toHaveLength(1);
    expect(h.world.maintenance[0]?.to).toBe(new Date(T0 + 3600_000).toISOString());
  });

  it("stops accepting a key once it is removed from the configuration", async () => {
    h.world.apiKeys.splice(1, 1);
    const r = await h.call({ url: "/api/v1/status", key: h.world.keys.regulator });
    expect(r.statusCode).toBe(401);
  });

  it("keeps /healthz, /readyz and /docs open", async () => {
    for (const url of ["/healthz", "/readyz", "/docs/json"]) {
      const r = await h.call({ url });
      expect(r.statusCode, url).toBe(200);
    }
  });
});

describe("with metrics closed (openMetrics: false, the default)", () => {
  it("needs a valid key for /metrics", async () => {
    const h = harness();
    try {
      expect((await h.call({ url: "/metrics" })).statusCode).toBe(401);
      expect((await h.call({ url: "/metrics", key: newApiKey().key })).statusCode).toBe(401);
      expect((await h.call({ url: "/metrics", key: h.world.keys.regulator })).statusCode).toBe(200);
    } finally {
      await h.server.stop();
    }
  });
});
