import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { LedgerEntry, SignedHead } from "../../src/domain/ledger.ts";
import type { Violation } from "../../src/domain/violation.ts";
import type { SiteInfo } from "../../src/http/deps.ts";
import { SUNSHINE, T0, openViolation } from "./fakes.ts";
import { harness, json, type Harness } from "./helpers.ts";
import { sampleReport } from "./sampleReport.ts";

const iso = (ms: number): string => new Date(ms).toISOString();

const MOON: SiteInfo = {
  ...SUNSHINE,
  id: "moon-02",
  name: "Moon Nursery",
  timezone: "Europe/London",
  cameras: [{ id: "cam-m1", name: "Moon camera", zones: ["gate"] }],
  zones: [{ id: "gate", name: "Gate", kind: "entrance" }],
};

let h: Harness;
afterEach(async () => {
  await h.server.stop();
});

describe("GET /healthz and /readyz", () => {
  beforeEach(() => {
    h = harness({ options: { readinessTimeoutMs: 50 } });
  });

  it("healthz answers ok whatever the stores do", async () => {
    h.world.readiness = { redis: false, workers: false };
    const r = await h.call({ url: "/healthz" });
    expect(r.statusCode).toBe(200);
    expect(json(r)).toEqual({ status: "ok" });
  });

  it("readyz answers 200 when Redis and the workers are up", async () => {
    const r = await h.call({ url: "/readyz" });
    expect(r.statusCode).toBe(200);
    expect(json(r)).toEqual({ ready: true, checks: { redis: true, workers: true }, failing: [] });
  });

  it("readyz answers 503 and names what is down", async () => {
    h.world.readiness = { redis: false, workers: true };
    let r = await h.call({ url: "/readyz" });
    expect(r.statusCode).toBe(503);
    expect(json(r)).toEqual({ ready: false, checks: { redis: false, workers: true }, failing: ["redis"] });
    h.world.readiness = { redis: true, workers: false };
    r = await h.call({ url: "/readyz" });
    expect(r.statusCode).toBe(503);
    expect(json(r).failing).toEqual(["workers"]);
  });

  it("readyz answers 503 when the check throws or hangs", async () => {
    h.world.readiness = () => Promise.reject(new Error("ECONNREFUSED"));
    let r = await h.call({ url: "/readyz" });
    expect(r.statusCode).toBe(503);
    expect(json(r).failing).toEqual(["readiness_check"]);
    h.world.readiness = () => new Promise(() => undefined);
    r = await h.call({ url: "/readyz" });
    expect(r.statusCode).toBe(503);
    expect(json(r).failing).toEqual(["readiness_check"]);
  });
});

describe("GET /api/v1/status", () => {
  beforeEach(() => {
    h = harness({ sites: [SUNSHINE, MOON] });
  });

  it("gives every site's latest report and last poll per device", async () => {
    h.world.reports.set(SUNSHINE.id, sampleReport(SUNSHINE, iso(T0 - 20_000), { offline: ["cam-room"] }));
    h.world.lastPollAt.set(SUNSHINE.id, { nvr1: iso(T0 - 20_000) });
    const r = await h.call({ url: "/api/v1/status", key: h.world.keys.regulator });
    expect(r.statusCode).toBe(200);
    expect(r.headers["cache-control"]).toBe("no-store");
    const body = json<{
      generatedAt: string;
      sites: { siteId: string; report: unknown; lastPollAt: unknown }[];
    }>(r);
    expect(body.generatedAt).toBe(iso(T0));
    expect(body.sites.map((s) => s.siteId)).toEqual(["sunshine-01", "moon-02"]);
    expect(body.sites[0]?.lastPollAt).toEqual({ nvr1: iso(T0 - 20_000) });
    expect(body.sites[1]?.report).toBeNull();
    // The report goes out whole: what check --json prints, evidence included.
    expect(body.sites[0]?.report).toEqual(JSON.parse(JSON.stringify(h.world.reports.get(SUNSHINE.id))));
  });

  it("filters by ?site= and answers 404 for a site that is not configured", async () => {
    const one = await h.call({ url: "/api/v1/status?site=moon-02", key: h.world.keys.admin });
    expect(json<{ sites: { siteId: string }[] }>(one).sites.map((s) => s.siteId)).toEqual(["moon-02"]);
    const none = await h.call({ url: "/api/v1/status?site=nowhere", key: h.world.keys.admin });
    expect(none.statusCode).toBe(404);
    expect(json(none).message).toBe('No site "nowhere" is configured for this key.');
  });

  it("never sends fields the schema does not name (a store's internals stay inside)", async () => {
    const report = sampleReport(SUNSHINE, iso(T0));
    h.world.reports.set(SUNSHINE.id, { ...report, internalRedisKey: "nw:site:x" } as typeof report);
    const r = await h.call({ url: "/api/v1/status?site=sunshine-01", key: h.world.keys.admin });
    expect(r.body).not.toContain("internalRedisKey");
  });

  it("answers 500 without details when the store fails, and logs why", async () => {
    h.world.failStatus = true;
    const r = await h.call({ url: "/api/v1/status", key: h.world.keys.admin });
    expect(r.statusCode).toBe(500);
    expect(json(r).message).toBe("The monitor could not answer this request; its log says why.");
    expect(r.body).not.toContain("redis");
    expect(h.world.logs.join("")).toContain("redis: connection refused");
  });
});

describe("GET /api/v1/violations", () => {
  const v = (n: number, over: Partial<Violation> = {}): Violation =>
    openViolation({
      id: `v-${n}`,
      kind: "camera_offline",
      subject: { type: "camera", id: "cam-room" },
      firstSeenAt: iso(T0 - n * 60_000),
      openedAt: iso(T0 - n * 60_000 + 120_000),
      ...over,
    });

  beforeEach(() => {
    h = harness({ sites: [SUNSHINE, MOON] });
    h.world.violations.push(
      v(1),
      v(2, { state: "resolved", resolvedAt: iso(T0 - 30_000) }),
      v(3, { state: "pending", openedAt: null }),
      v(4, { siteId: "moon-02", kind: "recording_stopped", subject: { type: "camera", id: "cam-m1" } }),
      v(5, { evidence: { profile: "ProfileToken_2", deviceSaid: { code: "ter:NoProfile" } } }),
    );
  });

  const ids = (r: { json: () => unknown }): string[] =>
    (r.json() as { items: Violation[] }).items.map((x) => x.id);

  it("lists the open ones by default, newest first, with everything a regulator needs", async () => {
    const r = await h.call({ url: "/api/v1/violations", key: h.world.keys.regulator });
    expect(r.statusCode).toBe(200);
    expect(ids(r)).toEqual(["v-1", "v-4", "v-5"]);
    const first = json<{ items: Violation[]; nextCursor: null }>(r);
    expect(first.nextCursor).toBeNull();
    expect(first.items[0]).toEqual(JSON.parse(JSON.stringify(h.world.violations[0])));
    expect(first.items[2]?.evidence).toEqual({
      profile: "ProfileToken_2",
      deviceSaid: { code: "ter:NoProfile" },
    });
  });

  it("gives the history with ?state=all and filters by ?site=", async () => {
    const all = await h.call({ url: "/api/v1/violations?state=all", key: h.world.keys.admin });
    expect(ids(all)).toEqual(["v-1", "v-2", "v-3", "v-4", "v-5"]);
    const moon = await h.call({ url: "/api/v1/violations?state=all&site=moon-02", key: h.world.keys.admin });
    expect(ids(moon)).toEqual(["v-4"]);
  });

  it("pages with limit and cursor until nextCursor is null", async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    for (let i = 0; i < 10; i++) {
      const q: string = `/api/v1/violations?state=all&limit=2${cursor ? `&cursor=${cursor}` : ""}`;
      const r = await h.call({ url: q, key: h.world.keys.admin });
      const page = json<{ items: Violation[]; nextCursor: string | null }>(r);
      seen.push(...page.items.map((x) => x.id));
      cursor = page.nextCursor;
      if (cursor === null) break;
    }
    expect(seen).toEqual(["v-1", "v-2", "v-3", "v-4", "v-5"]);
  });

  it("answers 400 to a bad state, limit or cursor, and 404 to an unknown site", async () => {
    const cases: [string, RegExp][] = [
      ["state=closed", /state/],
      ["limit=0", /limit must be >= 1/],
      ["limit=501", /limit must be <= 500/],
      ["limit=ten", /limit must be integer/],
      ["cursor=bm9wZQ", /cursor: not a cursor from a previous page/],
    ];
    for (const [q, message] of cases) {
      const r = await h.call({ url: `/api/v1/violations?${q}`, key: h.world.keys.admin });
      expect(r.statusCode, q).toBe(400);
      expect(json(r).message, q).toMatch(message);
    }
    const r = await h.call({ url: "/api/v1/violations?site=nowhere", key: h.world.keys.admin });
    expect(r.statusCode).toBe(404);
  });
});

describe("GET /api/v1/ledger", () => {
  beforeEach(() => {
    h = harness();
    for (let seq = 1; seq <= 5; seq++)
      h.world.ledger.push({
        seq,
        at: iso(T0 + seq * 1000),
        type: seq === 1 ? "monitor.started" : "violation.opened",
        siteId: SUNSHINE.id,
        data: { n: seq },
        prev: (seq - 1).toString(16).padStart(64, "0"),
        hash: seq.toString(16).padStart(64, "0"),
      } satisfies LedgerEntry);
    h.world.heads.push(
      { seq: 3, hash: "3".padStart(64, "0"), at: iso(T0 + 3500), signature: "c2ln", publicKey: "PEM" },
      { seq: 5, hash: "5".padStart(64, "0"), at: iso(T0 + 5500), signature: "c2ln", publicKey: "PEM" },
    );
  });

  it("gives entries in order from ?from=, the next page's start and the signed heads newest first", async () => {
    const r = await h.call({ url: "/api/v1/ledger?limit=2", key: h.world.keys.regulator });
    const body = json<{ entries: LedgerEntry[]; nextFrom: number | null; heads: SignedHead[] }>(r);
    expect(body.entries.map((e) => e.seq)).toEqual([1, 2]);
    expect(body.nextFrom).toBe(3);
    expect(body.heads.map((x) => x.seq)).toEqual([5, 3]);
    expect(body.entries[0]).toEqual(h.world.ledger[0]);
    const last = json<{ entries: LedgerEntry[]; nextFrom: number | null }>(
      await h.call({ url: "/api/v1/ledger?from=4&limit=10", key: h.world.keys.regulator }),
    );
    expect(last.entries.map((e) => e.seq)).toEqual([4, 5]);
    expect(last.nextFrom).toBeNull();
  });

  it("answers 400 to a negative or non-numeric from and a limit out of range", async () => {
    for (const q of ["from=-1", "from=abc", "limit=0", "limit=1001"]) {
      const r = await h.call({ url: `/api/v1/ledger?${q}`, key: h.world.keys.admin });
      expect(r.statusCode, q).toBe(400);
    }
  });
});

describe("GET /api/v1/report", () => {
  beforeEach(() => {
    h = harness({ sites: [SUNSHINE, MOON] });
  });

  it("reads dates as midnight in each site's time zone and ends at now by default", async () => {
    const r = await h.call({ url: "/api/v1/report?from=2026-03-01", key: h.world.keys.regulator });
    expect(r.statusCode, r.body).toBe(200);
    expect(h.world.reportQueries).toEqual([
      { siteId: "sunshine-01", from: "2026-02-28T16:00:00.000Z", to: iso(T0) },
      { siteId: "moon-02", from: "2026-03-01T00:00:00.000Z", to: iso(T0) },
    ]);
    const body = json<{ sites: { siteId: string; cameras: { id: string; compliantPercent: number }[] }[] }>(
      r,
    );
    expect(body.sites.map((s) => s.siteId)).toEqual(["sunshine-01", "moon-02"]);
    expect(body.sites[0]?.cameras[0]).toMatchObject({
      id: "cam-gate",
      compliantPercent: 100,
      retentionDepthDays: 93,
    });
  });

  it("takes date-times with offsets as given, and clips `to` at now", async () => {
    const r = await h.call({
      url: "/api/v1/report?site=sunshine-01&from=2026-03-01T08:00:00%2B08:00&to=2026-04-01T00:00:00Z",
      key: h.world.keys.admin,
    });
    expect(r.statusCode, r.body).toBe(200);
    expect(h.world.reportQueries).toEqual([
      { siteId: "sunshine-01", from: "2026-03-01T00:00:00.000Z", to: iso(T0) },
    ]);
  });

  it("answers 400 with a message that says what is wrong and what to send", async () => {
    const cases: [string, string][] = [
      ["", "querystring must have required property 'from'"],
      [
        "from=yesterday",
        'from: "yesterday" is not a date; use an ISO 8601 date (2026-03-01) or date-time (2026-03-01T08:00:00+08:00).',
      ],
      ["from=2026-02-30", 'from: "2026-02-30" is not a day of the calendar; use an ISO 8601 date'],
      ["from=2026-02-01T25:00:00Z", 'from: "2026-02-01T25:00:00Z" is not a time of day'],
      ["from=2026-02-01&to=03/01/2026", 'to: "03/01/2026" is not a date'],
      ["from=2026-03-01&to=2026-02-01", "from (2026-03-01) must be before to (2026-02-01)."],
      ["from=2026-03-05", "from: 2026-03-05 is in the future; a report covers time that has passed."],
      ["from=2024-01-01", "The period is longer than 366 days; ask for at most 366 days at a time."],
    ];
    for (const [q, message] of cases) {
      const r = await h.call({ url: `/api/v1/report?${q}`, key: h.world.keys.admin });
      expect(r.statusCode, q).toBe(400);
      expect(json(r).message, q).toContain(message);
    }
    expect(h.world.reportQueries).toEqual([]);
    expect(
      (await h.call({ url: "/api/v1/report?from=2026-03-01&site=x", key: h.world.keys.admin })).statusCode,
    ).toBe(404);
  });
});

describe("/api/v1/maintenance", () => {
  beforeEach(() => {
    h = harness();
  });

  it("declares a window for the whole site or some subjects, records who did it, and lists it", async () => {
    const r = await h.call({
      method: "POST",
      url: "/api/v1/maintenance",
      key: h.world.keys.admin,
      payload: {
        subjects: [{ type: "camera", id: "cam-room" }],
        from: "2026-03-02T10:05:00+08:00",
        to: "2026-03-02T12:00",
        reason: "moving the camera",
      },
    });
    expect(r.statusCode, r.body).toBe(201);
    expect(json(r)).toEqual({
      id: "mw-1",
      siteId: "sunshine-01",
      subjects: [{ type: "camera", id: "cam-room" }],
      from: "2026-03-02T02:05:00.000Z",
      to: "2026-03-02T04:00:00.000Z",
      reason: "moving the camera",
      declaredBy: "ops",
      declaredAt: iso(T0),
    });
    const list = await h.call({ url: "/api/v1/maintenance", key: h.world.keys.regulator });
    expect(json<{ items: { id: string }[] }>(list).items.map((w) => w.id)).toEqual(["mw-1"]);
    const active = await h.call({ url: "/api/v1/maintenance?active=true", key: h.world.keys.regulator });
    expect(json<{ items: unknown[] }>(active).items).toEqual([]);
  });

  it("answers 400 to windows that would hide outages or name what the site lacks", async () => {
    const cases: [Record<string, unknown>, string][] = [
      [{ reason: "x" }, "body must have required property 'to'"],
      [{ to: "2026-03-02T06:00:00Z" }, "body must have required property 'reason'"],
      [{ to: "2026-03-02T06:00:00Z", reason: "" }, "body/reason must NOT have fewer than 1 characters"],
      [{ to: "soon", reason: "x" }, 'to: "soon" is not a date'],
      [
        { from: "2026-03-02T01:00:00Z", to: "2026-03-02T06:00:00Z", reason: "x" },
        "from is in the past: a maintenance window cannot be declared after the fact.",
      ],
      [{ to: "2026-03-02T01:59:00Z", reason: "x" }, "to must be after from."],
      [{ to: "2026-03-12T00:00:00Z", reason: "x" }, "A maintenance window may last at most 168 hours"],
      [
        {
          to: "2026-03-02T06:00:00Z",
          reason: "x",
          subjects: [
            { type: "camera", id: "cam-x" },
            { type: "zone", id: "gate" },
          ],
        },
        "subjects: not in site sunshine-01: camera cam-x.",
      ],
      [
        { to: "2026-03-02T06:00:00Z", reason: "x", subjects: [{ type: "room", id: "a" }] },
        "body/subjects/0/type",
      ],
    ];
    for (const [payload, message] of cases) {
      const r = await h.call({
        method: "POST",
        url: "/api/v1/maintenance",
        key: h.world.keys.admin,
        payload,
      });
      expect(r.statusCode, JSON.stringify(payload)).toBe(400);
      expect(json(r).message, JSON.stringify(payload)).toContain(message);
    }
    expect(h.world.maintenance).toEqual([]);
  });

  it("accepts a start a little in the past (clock skew)", async () => {
    const r = await h.call({
      method: "POST",
      url: "/api/v1/maintenance",
      key: h.world.keys.admin,
      payload: { from: iso(T0 - 60_000), to: iso(T0 + 3600_000), reason: "x" },
    });
    expect(r.statusCode).toBe(201);
  });

  it("needs ?site= in the body when several sites are watched", async () => {
    await h.server.stop();
    h = harness({ sites: [SUNSHINE, MOON] });
    const payload = { to: "2026-03-02T06:00:00Z", reason: "x" };
    const r = await h.call({ method: "POST", url: "/api/v1/maintenance", key: h.world.keys.admin, payload });
    expect(r.statusCode).toBe(400);
    expect(json(r).message).toBe("site is required: this key administers 2 sites (sunshine-01, moon-02).");
    const ok = await h.call({
      method: "POST",
      url: "/api/v1/maintenance",
      key: h.world.keys.admin,
      payload: { ...payload, site: "moon-02" },
    });
    expect(json(ok).siteId).toBe("moon-02");
  });

  it("ends a window now, and answers 404 for one that does not exist", async () => {
    await h.call({
      method: "POST",
      url: "/api/v1/maintenance",
      key: h.world.keys.admin,
      payload: { to: "2026-03-02T06:00:00Z", reason: "x" },
    });
    h.world.clock.now = T0 + 600_000;
    const r = await h.call({ method: "DELETE", url: "/api/v1/maintenance/mw-1", key: h.world.keys.admin });
    expect(r.statusCode).toBe(200);
    expect(json(r).to).toBe(iso(T0 + 600_000));
    const missing = await h.call({
      method: "DELETE",
      url: "/api/v1/maintenance/mw-9",
      key: h.world.keys.admin,
    });
    expect(missing.statusCode).toBe(404);
    expect(json(missing).message).toBe('No maintenance window "mw-9".');
  });
});

describe("everything else", () => {
  beforeEach(() => {
    h = harness();
  });

  it("answers unknown routes with a JSON 404", async () => {
    const r = await h.call({ url: "/api/v1/nothing?x=1" });
    expect(r.statusCode).toBe(404);
    expect(json(r)).toEqual({
      statusCode: 404,
      error: "Not Found",
      message: "No route GET /api/v1/nothing.",
    });
  });

  it("documents every API route in OpenAPI, with a response schema and bearer security", async () => {
    const r = await h.call({ url: "/docs/json" });
    const doc = json<{
      paths: Record<
        string,
        Record<string, { responses: Record<string, { content?: unknown }>; security?: unknown }>
      >;
    }>(r);
    const expected: [string, string][] = [
      ["/healthz", "get"],
      ["/readyz", "get"],
      ["/metrics", "get"],
      ["/api/v1/status", "get"],
      ["/api/v1/violations", "get"],
      ["/api/v1/ledger", "get"],
      ["/api/v1/report", "get"],
      ["/api/v1/maintenance", "get"],
      ["/api/v1/maintenance", "post"],
      ["/api/v1/maintenance/{id}", "delete"],
    ];
    for (const [path, method] of expected) {
      const op = doc.paths[path]?.[method];
      expect(op, `${method} ${path}`).toBeDefined();
      if (path.startsWith("/api/")) {
        expect(op?.security, path).toEqual([{ bearer: [] }]);
        const ok = op?.responses["200"] ?? op?.responses["201"];
        expect(ok?.content, path).toBeDefined();
        expect(op?.responses["401"], path).toBeDefined();
      }
    }
    // The dashboard is not part of the API.
    expect(Object.keys(doc.paths).filter((p) => p === "/" || p.startsWith("/login"))).toEqual([]);
    const ui = await h.call({ url: "/docs/" });
    expect(ui.statusCode).toBe(200);
    expect(ui.body).toContain("swagger");
    expect(ui.body).not.toMatch(/https?:\/\/(?!localhost)[^"']*\.(js|css)/);
  });

  it("sends nosniff on every answer", async () => {
    for (const url of ["/healthz", "/api/v1/status", "/nothing", "/login"])
      expect((await h.call({ url })).headers["x-content-type-options"], url).toBe("nosniff");
  });
});
