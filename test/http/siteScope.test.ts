import { createHash } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { LedgerEntry } from "../../src/domain/ledger.ts";
import type { SiteInfo } from "../../src/http/deps.ts";
import { SUNSHINE, T0, openViolation } from "./fakes.ts";
import { harness, json, type Harness } from "./helpers.ts";

/*
 * Issue 8, defect 4: with several site files every site's keys were pooled — site B's admin
 * declared maintenance on site A, any regulator read every site, and a dashboard session was
 * known only by its key's name. A key now acts on its own site only; district keys on all.
 */

const MOON: SiteInfo = {
  ...SUNSHINE,
  id: "moon-02",
  name: "Moon Nursery",
  cameras: [{ id: "cam-m1", name: "Moon camera", zones: ["gate"] }],
  zones: [{ id: "gate", name: "Gate", kind: "entrance" }],
};
const A = SUNSHINE.id;
const B = MOON.id;
const iso = (ms: number): string => new Date(ms).toISOString();

function entry(seq: number, siteId: string): LedgerEntry {
  return {
    seq,
    at: iso(T0 + seq),
    type: "violation.opened",
    siteId,
    data: { camera: `secret-of-${siteId}` },
    prev: seq === 1 ? "0".repeat(64) : `h${seq - 1}`,
    hash: `h${seq}`,
  };
}

let h: Harness;
let keys: { adminA: string; adminB: string; regulatorA: string };
beforeEach(() => {
  h = harness({ sites: [SUNSHINE, MOON] });
  keys = {
    adminA: h.world.addKey("ops", "admin", A),
    // The same name in the other site's file: names are unique only within one file.
    adminB: h.world.addKey("ops", "admin", B),
    regulatorA: h.world.addKey("inspector", "regulator", A),
  };
  h.world.maintenance.push({
    id: "mw-a",
    siteId: A,
    subjects: [],
    from: iso(T0),
    to: iso(T0 + 3600_000),
    reason: "disk swap",
    declaredBy: "ops",
    declaredAt: iso(T0),
  });
  h.world.violations.push(
    openViolation({ id: "va", kind: "camera_offline", subject: { type: "camera", id: "cam-gate" } }),
    openViolation({ id: "vb", kind: "camera_offline", subject: { type: "camera", id: "cam-m1" }, siteId: B }),
  );
  h.world.ledger.push(entry(1, A), entry(2, B), entry(3, A));
});
afterEach(async () => {
  await h.server.stop();
});

describe("a site's admin key", () => {
  it("cannot declare a maintenance window on another site (the reported 6-day window)", async () => {
    const r = await h.call({
      method: "POST",
      url: "/api/v1/maintenance",
      key: keys.adminB,
      payload: { site: A, to: iso(T0 + 6 * 86_400_000 - 60_000), reason: "hide site A" },
    });
    expect(r.statusCode).toBe(404);
    expect(h.world.maintenance.map((w) => w.id)).toEqual(["mw-a"]);
  });

  it("declares on its own site, which is the default when it has only one", async () => {
    const r = await h.call({
      method: "POST",
      url: "/api/v1/maintenance",
      key: keys.adminB,
      payload: { to: iso(T0 + 3600_000), reason: "new disk" },
    });
    expect(r.statusCode, r.body).toBe(201);
    expect(json(r).siteId).toBe(B);
  });

  it("cannot end another site's window, and learns nothing about it", async () => {
    const r = await h.call({ method: "DELETE", url: "/api/v1/maintenance/mw-a", key: keys.adminB });
    expect(r.statusCode).toBe(404);
    expect(h.world.maintenance[0]?.to).toBe(iso(T0 + 3600_000));
    const own = await h.call({ method: "DELETE", url: "/api/v1/maintenance/mw-a", key: keys.adminA });
    expect(own.statusCode).toBe(200);
  });
});

describe("a site's regulator key", () => {
  it("reads only its own site's status, violations, report and maintenance", async () => {
    const status = await h.call({ url: "/api/v1/status", key: keys.regulatorA });
    expect(json<{ sites: { siteId: string }[] }>(status).sites.map((s) => s.siteId)).toEqual([A]);
    const violations = await h.call({ url: "/api/v1/violations", key: keys.regulatorA });
    expect(json<{ items: { id: string }[] }>(violations).items.map((v) => v.id)).toEqual(["va"]);
    const report = await h.call({ url: "/api/v1/report?from=2026-03-01", key: keys.regulatorA });
    expect(json<{ sites: { siteId: string }[] }>(report).sites.map((s) => s.siteId)).toEqual([A]);
    const mine = await h.call({ url: "/api/v1/maintenance", key: keys.adminB });
    expect(json<{ items: unknown[] }>(mine).items).toEqual([]);
  });

  it("answers 404 for another site, as for one that is not configured", async () => {
    for (const url of [
      `/api/v1/status?site=${B}`,
      `/api/v1/violations?site=${B}`,
      `/api/v1/report?from=2026-03-01&site=${B}`,
      `/api/v1/maintenance?site=${B}`,
    ]) {
      const r = await h.call({ url, key: keys.regulatorA });
      expect(r.statusCode, url).toBe(404);
      expect(json(r).message, url).toBe(`No site "${B}" is configured for this key.`);
    }
  });

  it("gets other sites' ledger entries withheld: only their place in the chain", async () => {
    const r = await h.call({ url: "/api/v1/ledger", key: keys.regulatorA });
    expect(r.statusCode).toBe(200);
    const entries = json<{ entries: Record<string, unknown>[] }>(r).entries;
    expect(entries.map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(entries[1]).toEqual({ seq: 2, prev: "h1", hash: "h2", withheld: true });
    expect(entries[0]).toMatchObject({ siteId: A, data: { camera: `secret-of-${A}` } });
    expect(r.body).not.toContain(`secret-of-${B}`);
  });

  it("may not administer its site", async () => {
    const r = await h.call({
      method: "POST",
      url: "/api/v1/maintenance",
      key: keys.regulatorA,
      payload: { site: A, to: iso(T0 + 3600_000), reason: "x" },
    });
    expect(r.statusCode).toBe(403);
  });
});

describe("a district key", () => {
  it("acts on every site", async () => {
    const status = await h.call({ url: "/api/v1/status", key: h.world.keys.regulator });
    expect(json<{ sites: { siteId: string }[] }>(status).sites.map((s) => s.siteId)).toEqual([A, B]);
    const violations = await h.call({ url: "/api/v1/violations", key: h.world.keys.regulator });
    expect(json<{ items: unknown[] }>(violations).items).toHaveLength(2);
    const ledger = await h.call({ url: "/api/v1/ledger", key: h.world.keys.regulator });
    expect(ledger.body).not.toContain("withheld");
    const declared = await h.call({
      method: "POST",
      url: "/api/v1/maintenance",
      key: h.world.keys.admin,
      payload: { site: B, to: iso(T0 + 3600_000), reason: "x" },
    });
    expect(declared.statusCode).toBe(201);
  });
});

describe("a key listed in two site files", () => {
  it("acts on both", async () => {
    const both = h.world.addKey("provider", "regulator", A);
    const hash = h.world.apiKeys.at(-1)!.sha256;
    h.world.apiKeys.push({ name: "provider", role: "regulator", sha256: hash, site: B });
    const status = await h.call({ url: "/api/v1/status", key: both });
    expect(json<{ sites: { siteId: string }[] }>(status).sites.map((s) => s.siteId)).toEqual([A, B]);
    const r = await h.call({ url: "/api/v1/violations", key: both });
    expect(json<{ items: unknown[] }>(r).items).toHaveLength(2);
    const one = await h.call({ url: `/api/v1/violations?site=${B}`, key: both });
    expect(json<{ items: { id: string }[] }>(one).items.map((v) => v.id)).toEqual(["vb"]);
  });
});

describe("the dashboard", () => {
  const login = async (key: string): Promise<string> => {
    const r = await h.call({
      method: "POST",
      url: "/login",
      payload: `key=${encodeURIComponent(key)}&lang=en`,
      headers: { "content-type": "application/x-www-form-urlencoded" },
    });
    expect(r.statusCode).toBe(303);
    const cookie = r.cookies.find((c) => c.name === "nw_session");
    return cookie!.value;
  };

  it("shows a site admin only its own site", async () => {
    const id = await login(keys.adminB);
    const page = await h.call({ url: "/dashboard/live.json", cookies: { nw_session: id } });
    expect(page.statusCode).toBe(200);
    const html = json<{ html: string }>(page).html;
    expect(html).toContain("Moon Nursery");
    expect(html).not.toContain("Sunshine Nursery");
  });

  it("keeps the site in the session: it ends when that site's key goes, whatever other site has a key of that name", async () => {
    const id = await login(keys.adminB);
    const stored = h.world.sessions.get(createHash("sha256").update(id).digest("hex"));
    expect(stored).toMatchObject({ keyName: "ops", sites: [B], district: false });
    // Site B's file drops its "ops"; site A's "ops" is another holder.
    const i = h.world.apiKeys.findIndex((k) => k.name === "ops" && k.site === B);
    h.world.apiKeys.splice(i, 1);
    const page = await h.call({ url: "/dashboard/live.json", cookies: { nw_session: id } });
    expect(page.statusCode).toBe(401);
  });
});
