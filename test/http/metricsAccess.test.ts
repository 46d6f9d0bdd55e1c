import { afterEach, describe, expect, it, vi } from "vitest";
import { newApiKey } from "../../src/auth/apiKey.ts";
import type { SiteInfo } from "../../src/http/deps.ts";
import { SUNSHINE } from "./fakes.ts";
import { harness, json, type Harness } from "./helpers.ts";

/*
 * Issue 8, defect 8: /metrics answered anyone (per-camera state, and each scrape reloaded
 * status and up to 10,000 violations from Redis), and POST /login took 300 wrong keys in 8 s.
 */

const MOON: SiteInfo = { ...SUNSHINE, id: "moon-02", name: "Moon Nursery" };

let h: Harness;
afterEach(async () => {
  await h.server.stop();
});

describe("/metrics", () => {
  it("needs a key by default", async () => {
    h = harness();
    const r = await h.call({ url: "/metrics" });
    expect(r.statusCode).toBe(401);
    expect(r.body).not.toContain("nurserywatch_");
  });

  it("answers a metrics key (and only /metrics), a regulator or an admin key", async () => {
    h = harness();
    const prom = h.world.addKey("prometheus", "metrics", null);
    for (const key of [prom, h.world.keys.regulator, h.world.keys.admin])
      expect((await h.call({ url: "/metrics", key })).statusCode).toBe(200);
    const api = await h.call({ url: "/api/v1/status", key: prom });
    expect(api.statusCode).toBe(403);
  });

  it("needs a key that acts on every site, since a scrape shows them all", async () => {
    h = harness({ sites: [SUNSHINE, MOON] });
    const siteKey = h.world.addKey("prom-sunshine", "metrics", SUNSHINE.id);
    expect((await h.call({ url: "/metrics", key: siteKey })).statusCode).toBe(403);
    const only = harness({ sites: [SUNSHINE] });
    try {
      const own = only.world.addKey("prom", "metrics", SUNSHINE.id);
      expect((await only.call({ url: "/metrics", key: own })).statusCode).toBe(200);
    } finally {
      await only.server.stop();
    }
  });

  it("is open only when the configuration says so", async () => {
    h = harness({ options: { openMetrics: true } });
    expect((await h.call({ url: "/metrics" })).statusCode).toBe(200);
  });

  it("serves scrapes from a snapshot reloaded at most every few seconds, one reload at a time", async () => {
    h = harness();
    const status = vi.spyOn(h.world.deps, "status");
    const list = vi.spyOn(h.world.deps.violations, "list");
    const key = h.world.keys.regulator;
    const burst = await Promise.all(Array.from({ length: 5 }, () => h.call({ url: "/metrics", key })));
    for (let i = 0; i < 20; i++) burst.push(await h.call({ url: "/metrics", key }));
    expect(burst.every((r) => r.statusCode === 200)).toBe(true);
    expect(status).toHaveBeenCalledTimes(1);
    expect(list).toHaveBeenCalledTimes(1);
    h.world.clock.now += 5_000;
    await h.call({ url: "/metrics", key });
    expect(status).toHaveBeenCalledTimes(2);
  });
});

describe("failed logins", () => {
  const form = (key: string, remoteAddress = "203.0.113.7") => ({
    method: "POST" as const,
    url: "/login",
    remoteAddress,
    payload: `key=${encodeURIComponent(key)}&lang=en`,
    headers: { "content-type": "application/x-www-form-urlencoded" },
  });

  it("are limited per client address on the login form, the right key included, until the window ends", async () => {
    h = harness();
    const codes: number[] = [];
    for (let i = 0; i < 30; i++) codes.push((await h.call(form(newApiKey().key))).statusCode);
    expect(codes.slice(0, 10).every((c) => c === 401)).toBe(true);
    expect(codes.slice(10).every((c) => c === 429)).toBe(true);
    const refused = await h.call(form(h.world.keys.admin));
    expect(refused.statusCode).toBe(429);
    expect(Number(refused.headers["retry-after"])).toBeGreaterThan(0);
    expect(refused.body).toContain("Too many wrong keys");
    const blocked = h.world.logs.filter((l) => l.includes("too many wrong keys from one address"));
    expect(blocked).toHaveLength(1);
    // Another address is not affected.
    expect((await h.call(form(h.world.keys.admin, "198.51.100.2"))).statusCode).toBe(303);
    h.world.clock.now += 300_000;
    expect((await h.call(form(h.world.keys.admin))).statusCode).toBe(303);
  });

  it("are limited as bearer keys too, while good keys from elsewhere go on", async () => {
    h = harness();
    const bearer = (key: string, remoteAddress = "203.0.113.8") =>
      h.call({ url: "/api/v1/status", key, remoteAddress });
    const codes: number[] = [];
    for (let i = 0; i < 12; i++) codes.push((await bearer(newApiKey().key)).statusCode);
    expect(codes).toEqual([...Array.from({ length: 10 }, () => 401), 429, 429]);
    const r = await bearer(h.world.keys.regulator);
    expect(r.statusCode).toBe(429);
    expect(json(r).error).toBe("Too Many Requests");
    expect((await bearer(h.world.keys.regulator, "198.51.100.3")).statusCode).toBe(200);
    // Requests without any key are not failures (a browser, a probe): they never lock anyone out.
    for (let i = 0; i < 20; i++) await h.call({ url: "/api/v1/status", remoteAddress: "198.51.100.4" });
    expect((await bearer(h.world.keys.regulator, "198.51.100.4")).statusCode).toBe(200);
  });
});
