import type { Redis } from "ioredis";
import type { AccessService } from "../access/service.ts";
import type { ViewerService } from "../access/viewers.ts";
import { deploymentApiKeys } from "../config/apiKeys.ts";
import type { LoadedConfig } from "../config/types.ts";
import type { Subject } from "../domain/finding.ts";
import type { Site } from "../domain/site.ts";
import { siteInfoOf, type HttpDeps, type SiteReport, type SubjectReport } from "../http/deps.ts";
import type { Metrics } from "../metrics/metrics.ts";
import type { Ledger } from "../ledger/ledger.ts";
import type { Logger } from "../logging/logger.ts";
import type { DeviceRepository } from "../store/devices.ts";
import type { ReportRepository } from "../store/reports.ts";
import type { SessionRepository } from "../store/sessions.ts";
import type { SubjectUptime } from "../violations/uptime.ts";
import type { ViolationEngine } from "../violations/engine.ts";
import type { MaintenanceService } from "../violations/maintenance.ts";
import type { UptimeService } from "../violations/uptimeService.ts";
import type { SiteStatus } from "../domain/checkReport.ts";

export interface HttpPortsDeps {
  /**
   * The configuration in force, asked on every use: a reload (SIGHUP) swaps it, and the API
   * keys and sites the HTTP face sees change with it.
   */
  readonly configs: readonly LoadedConfig[] | (() => readonly LoadedConfig[]);
  readonly redis: Redis;
  readonly logger: Logger;
  readonly metrics: Metrics;
  readonly now: () => number;
  /** Violation listing. */
  readonly engine: Pick<ViolationEngine, "listViolations">;
  /** The report endpoint's uptime figures. */
  readonly uptime: Pick<UptimeService, "report">;
  readonly maintenance: MaintenanceService;
  readonly ledger: Ledger;
  readonly reports: ReportRepository;
  readonly devices: DeviceRepository;
  readonly sessions: SessionRepository;
  /** Families, parents' tokens and the access audit; absent: no family or audit routes. */
  readonly access?: AccessService;
  /** Parents' viewer sessions (the /p/ routes). */
  readonly viewers?: ViewerService;
  /** Whether this deployment's workers are alive (BullMQ's worker list for the poll queue). */
  readonly workersAlive: () => Promise<boolean>;
  /** Whether every configured device has its job schedulers; absent in a process that keeps none. */
  readonly schedulesComplete?: () => Promise<boolean>;
  /** Jobs per queue and state, for /metrics. */
  readonly queueDepths?: () => Promise<Record<string, Record<string, number>>>;
}

/** The HTTP server's ports over the Redis stores: the one place the API meets the daemon's state. */
export function createHttpPorts(d: HttpPortsDeps): HttpDeps {
  const configsInForce =
    typeof d.configs === "function" ? d.configs : () => d.configs as readonly LoadedConfig[];
  /** What the HTTP face derives from the configuration, made again when it is swapped. */
  const derive = (configs: readonly LoadedConfig[]) => {
    const first = configs[0];
    if (!first) throw new Error("no site configured");
    return {
      configs,
      first,
      sites: new Map<string, Site>(configs.map((c) => [c.site.id, c.site])),
      infos: configs.map((c) => siteInfoOf(c.site)),
      // Keys of every site file, each acting on its own site only unless declared district-wide.
      apiKeys: deploymentApiKeys(configs),
    };
  };
  let derived = derive(configsInForce());
  const current = (): ReturnType<typeof derive> => {
    const configs = configsInForce();
    if (configs !== derived.configs) derived = derive(configs);
    return derived;
  };
  const siteIds = (siteId?: string): string[] => {
    const { sites } = current();
    return siteId ? (sites.has(siteId) ? [siteId] : []) : [...sites.keys()];
  };

  return {
    logger: d.logger,
    metrics: d.metrics,
    get locale() {
      return current().first.site.locale;
    },
    get apiKeys() {
      return current().apiKeys;
    },
    get publicUrl() {
      return current().first.http.publicUrl;
    },
    // Open only when every site file opens it (read when the server starts: a change needs a restart).
    options: { openMetrics: configsInForce().every((c) => c.http.openMetrics) },
    now: d.now,
    sites: () => current().infos,
    ...(d.queueDepths ? { queueDepths: d.queueDepths } : {}),
    async status(siteId) {
      return Promise.all(
        siteIds(siteId).map(async (id): Promise<SiteStatus> => {
          const [report, polls] = await Promise.all([d.reports.get(id), d.devices.lastPolls(id)]);
          const lastPollAt: Record<string, string | null> = {};
          for (const dev of current().sites.get(id)?.devices ?? []) {
            const at = polls[dev.id];
            lastPollAt[dev.id] = at === undefined ? null : new Date(at).toISOString();
          }
          return { siteId: id, report, lastPollAt };
        }),
      );
    },
    violations: {
      // Throws InvalidCursorError (domain/cursor.ts) for a cursor it did not make: a 400.
      list: (query) => d.engine.listViolations(query),
    },
    ledger: {
      page: (q) => d.ledger.page(q),
      heads: () => d.ledger.heads(),
    },
    async report(q): Promise<SiteReport> {
      const site = current().sites.get(q.siteId);
      if (!site) return { siteId: q.siteId, from: q.from, to: q.to, zones: [], cameras: [] };
      const subjects: Subject[] = [
        ...site.zones.map((z): Subject => ({ type: "zone", id: z.id })),
        ...site.cameras.map((c): Subject => ({ type: "camera", id: c.id })),
      ];
      const [uptimes, latest] = await Promise.all([
        d.uptime.report(site.id, subjects, q.from, q.to),
        d.reports.get(site.id),
      ]);
      const byKey = new Map(uptimes.map((u) => [`${u.subject.type}:${u.subject.id}`, u]));
      const subjectReport = (type: "zone" | "camera", id: string, name: string): SubjectReport => {
        const u: SubjectUptime | undefined = byKey.get(`${type}:${id}`);
        return {
          id,
          name,
          compliantPercent: u?.compliantPercent ?? null,
          unknownPercent: u?.unknownPercent ?? null,
          lapses: (u?.lapses ?? []).map((l) => ({
            kind: l.kind,
            status: l.status,
            from: l.from,
            to: l.to,
            seconds: l.seconds,
            maintenance: l.maintenance,
            violationId: l.violationId,
          })),
        };
      };
      return {
        siteId: site.id,
        from: q.from,
        to: q.to,
        zones: site.zones.map((z) => subjectReport("zone", z.id, z.name)),
        cameras: site.cameras.map((c) => ({
          ...subjectReport("camera", c.id, c.name),
          retentionDepthDays: latest?.cameras.find((x) => x.id === c.id)?.retentionDepthDays ?? null,
        })),
      };
    },
    maintenance: {
      get: async (id) => (await d.maintenance.list({ active: false })).find((w) => w.id === id) ?? null,
      list: (q) => d.maintenance.list(q),
      declare: (decl) => d.maintenance.declare(decl),
      end: (id, by) => d.maintenance.end(id, by),
    },
    ...(d.access === undefined ? {} : { access: d.access }),
    ...(d.viewers === undefined ? {} : { viewers: d.viewers }),
    sessions: {
      create: (s) => d.sessions.create(s),
      get: (idHash) => d.sessions.get(idHash),
      delete: (idHash) => d.sessions.delete(idHash),
    },
    async readiness() {
      const redisOk = await d.redis
        .ping()
        .then((r) => r === "PONG")
        .catch(() => false);
      const workers = redisOk ? await d.workersAlive().catch(() => false) : false;
      if (!d.schedulesComplete) return { redis: redisOk, workers };
      const schedules = redisOk ? await d.schedulesComplete().catch(() => false) : false;
      return { redis: redisOk, workers, schedules };
    },
  };
}
