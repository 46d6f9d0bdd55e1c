import { Writable } from "node:stream";
import { pino } from "pino";
import { Registry } from "prom-client";
import { newApiKey } from "../../src/auth/apiKey.ts";
import type { ApiKeyRole, DeploymentApiKey } from "../../src/config/types.ts";
import type { LedgerEntry, SignedHead } from "../../src/domain/ledger.ts";
import type { Locale } from "../../src/domain/site.ts";
import type { MaintenanceWindow, Violation } from "../../src/domain/violation.ts";
import { InvalidCursorError } from "../../src/domain/cursor.ts";
import {
  type DashboardSession,
  type HttpDeps,
  type HttpOptions,
  type MaintenanceDeclaration,
  type Readiness,
  type ReportQuery,
  type SiteInfo,
  type SiteReport,
  type ViolationQuery,
} from "../../src/http/deps.ts";
import { createMetrics, type Metrics } from "../../src/metrics/metrics.ts";
import type { CheckReport, SiteStatus } from "../../src/domain/checkReport.ts";

/**
 * An in-memory HttpDeps for tests (and for the daemon's wiring until the Redis-backed one
 * exists). Everything is plain mutable state the test changes directly; the clock is fake.
 */
export interface FakeWorld {
  readonly deps: HttpDeps;
  readonly clock: { now: number };
  readonly keys: { readonly admin: string; readonly regulator: string };
  /** "ops" (admin) and "district" (regulator), both district-wide; addKey adds more. */
  readonly apiKeys: DeploymentApiKey[];
  /** Configures a new key (site null: district-wide) and returns it. */
  addKey(name: string, role: ApiKeyRole, site: string | null): string;
  readonly sites: SiteInfo[];
  /** siteId → latest report (absent: never polled). */
  readonly reports: Map<string, CheckReport>;
  /** siteId → device id → last poll. */
  readonly lastPollAt: Map<string, Record<string, string | null>>;
  readonly violations: Violation[];
  readonly ledger: LedgerEntry[];
  readonly heads: SignedHead[];
  readonly maintenance: MaintenanceWindow[];
  readonly sessions: Map<string, DashboardSession>;
  readiness: Readiness | (() => Promise<Readiness>);
  /** Replace to shape report answers; the default is every subject 100 % compliant. */
  reportOf: (q: ReportQuery) => SiteReport;
  readonly reportQueries: ReportQuery[];
  /** Make status() (the "Redis") fail. */
  failStatus: boolean;
  readonly metrics: Metrics;
  /** Every log line the server wrote (JSON). */
  readonly logs: string[];
}

export const SUNSHINE: SiteInfo = {
  id: "sunshine-01",
  name: "Sunshine Nursery",
  locale: "en",
  timezone: "Asia/Shanghai",
  zones: [
    { id: "gate", name: "Main gate", kind: "entrance" },
    { id: "room-a", name: "Activity room A", kind: "activity" },
    { id: "nap", name: "Nap room", kind: "living" },
  ],
  cameras: [
    { id: "cam-gate", name: "Gate camera", zones: ["gate"] },
    { id: "cam-room", name: "Room A camera", zones: ["room-a"] },
    { id: "cam-nap", name: "Nap room camera", zones: ["nap"] },
  ],
  devices: [{ id: "nvr1", kind: "nvr" }],
};

export interface FakeOptions {
  readonly sites?: readonly SiteInfo[];
  readonly now?: number;
  readonly locale?: Locale;
  readonly publicUrl?: string | null;
  readonly options?: Partial<HttpOptions>;
}

export const T0 = Date.parse("2026-03-02T02:00:00Z");

export function createFakeWorld(opts: FakeOptions = {}): FakeWorld {
  const admin = newApiKey();
  const regulator = newApiKey();
  const logs: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(chunk.toString("utf8"));
      done();
    },
  });
  const logger = pino({ level: "debug" }, sink);
  const registry = new Registry();
  const metrics = createMetrics(registry);
  const world: FakeWorld = {
    clock: { now: opts.now ?? T0 },
    keys: { admin: admin.key, regulator: regulator.key },
    apiKeys: [
      { name: "ops", role: "admin", sha256: admin.sha256, site: null },
      { name: "district", role: "regulator", sha256: regulator.sha256, site: null },
    ],
    addKey: (name, role, site) => {
      const k = newApiKey();
      world.apiKeys.push({ name, role, sha256: k.sha256, site });
      return k.key;
    },
    sites: [...(opts.sites ?? [SUNSHINE])],
    reports: new Map(),
    lastPollAt: new Map(),
    violations: [],
    ledger: [],
    heads: [],
    maintenance: [],
    sessions: new Map(),
    readiness: { redis: true, workers: true },
    reportOf: (q) => {
      const site = world.sites.find((s) => s.id === q.siteId)!;
      const full = { compliantPercent: 100, unknownPercent: 0, lapses: [] };
      return {
        siteId: q.siteId,
        from: q.from,
        to: q.to,
        zones: site.zones.map((z) => ({ id: z.id, name: z.name, ...full })),
        cameras: site.cameras.map((c) => ({ id: c.id, name: c.name, ...full, retentionDepthDays: 93 })),
      };
    },
    reportQueries: [],
    failStatus: false,
    metrics,
    logs,
    deps: undefined as unknown as HttpDeps,
  };

  const iso = (): string => new Date(world.clock.now).toISOString();
  let maintenanceSeq = 0;

  const deps: HttpDeps = {
    logger,
    metrics,
    locale: opts.locale ?? "en",
    apiKeys: world.apiKeys,
    publicUrl: opts.publicUrl ?? null,
    now: () => world.clock.now,
    sites: () => world.sites,
    status: async (siteId) => {
      await Promise.resolve();
      if (world.failStatus) throw new Error("redis: connection refused");
      return world.sites
        .filter((s) => siteId === undefined || s.id === siteId)
        .map((s): SiteStatus => ({
          siteId: s.id,
          report: world.reports.get(s.id) ?? null,
          lastPollAt: world.lastPollAt.get(s.id) ?? Object.fromEntries(s.devices.map((d) => [d.id, null])),
        }));
    },
    violations: {
      list: async (q: ViolationQuery) => {
        await Promise.resolve();
        const matching = world.violations
          .filter(
            (v) =>
              (q.siteId === undefined || v.siteId === q.siteId) && (q.state === "all" || v.state === "open"),
          )
          .sort((a, b) => b.firstSeenAt.localeCompare(a.firstSeenAt) || b.id.localeCompare(a.id));
        let start = 0;
        if (q.cursor !== undefined) {
          const m = /^o:(\d+)$/.exec(Buffer.from(q.cursor, "base64url").toString("utf8"));
          if (m === null) throw new InvalidCursorError("not a cursor of ours");
          start = Number(m[1]);
        }
        const items = matching.slice(start, start + q.limit);
        const next = start + items.length;
        return {
          items,
          nextCursor: next < matching.length ? Buffer.from(`o:${next}`, "utf8").toString("base64url") : null,
        };
      },
    },
    ledger: {
      page: async ({ from, limit }) => {
        await Promise.resolve();
        return world.ledger.filter((e) => e.seq >= (from ?? 0)).slice(0, limit);
      },
      heads: async () => {
        await Promise.resolve();
        return [...world.heads].sort((a, b) => b.seq - a.seq);
      },
    },
    report: async (q) => {
      await Promise.resolve();
      world.reportQueries.push(q);
      return world.reportOf(q);
    },
    maintenance: {
      get: async (id) => {
        await Promise.resolve();
        return world.maintenance.find((w) => w.id === id) ?? null;
      },
      list: async ({ siteId, active }) => {
        await Promise.resolve();
        const now = iso();
        return world.maintenance
          .filter(
            (w) =>
              (siteId === undefined || w.siteId === siteId) && (!active || (w.from <= now && now < w.to)),
          )
          .sort((a, b) => b.declaredAt.localeCompare(a.declaredAt));
      },
      declare: async (d: MaintenanceDeclaration) => {
        await Promise.resolve();
        const w: MaintenanceWindow = { id: `mw-${++maintenanceSeq}`, ...d, declaredAt: iso() };
        world.maintenance.push(w);
        return w;
      },
      end: async (id, { at }) => {
        await Promise.resolve();
        const i = world.maintenance.findIndex((w) => w.id === id);
        const w = world.maintenance[i];
        if (w === undefined) return null;
        const ended = { ...w, to: w.to < at ? w.to : at };
        world.maintenance[i] = ended;
        return ended;
      },
    },
    sessions: {
      create: async (s) => {
        await Promise.resolve();
        world.sessions.set(s.idHash, s);
      },
      get: async (h) => {
        await Promise.resolve();
        return world.sessions.get(h) ?? null;
      },
      delete: async (h) => {
        await Promise.resolve();
        world.sessions.delete(h);
      },
    },
    readiness: async () => (typeof world.readiness === "function" ? world.readiness() : world.readiness),
    ...(opts.options === undefined ? {} : { options: opts.options }),
  };
  (world as { deps: HttpDeps }).deps = deps;
  return world;
}

/** A violation as the lifecycle would hand it out; open since `openedAt`. */
export function openViolation(
  over: Partial<Violation> & Pick<Violation, "id" | "kind" | "subject">,
): Violation {
  const at = over.openedAt ?? new Date(T0 - 3600_000).toISOString();
  return {
    siteId: SUNSHINE.id,
    state: "open",
    status: "violation",
    firstSeenAt: at,
    openedAt: at,
    resolvedAt: null,
    lastSeenAt: at,
    observations: 4,
    recoveringSince: null,
    reason: "camera_not_listed",
    evidence: { profile: "ProfileToken_2" },
    causedBy: null,
    maintenance: false,
    ...over,
  };
}
