import type { AccessService } from "../access/service.ts";
import type { ViewerService } from "../access/viewers.ts";
import type { DeploymentApiKey } from "../config/types.ts";
import type { FindingKind } from "../domain/finding.ts";
import type { LedgerEntry, SignedHead } from "../domain/ledger.ts";
import type { Locale, Site, ZoneKind } from "../domain/site.ts";
import type { MaintenanceDeclaration, MaintenanceWindow, Violation } from "../domain/violation.ts";

export type { MaintenanceDeclaration };
import type { Logger } from "../logging/logger.ts";
import { DEFAULT_MAX_MAINTENANCE_SECONDS } from "../violations/maintenanceRules.ts";
import type { Metrics } from "../metrics/metrics.ts";
import type { SiteStatus } from "../domain/checkReport.ts";

/**
 * What the HTTP face needs from the rest of the daemon: narrow read/write ports the daemon
 * implements over its Redis stores (and test/http/fakes.ts in memory). Every port that may
 * touch Redis is async; what comes from the configuration is not.
 */
export interface HttpDeps {
  readonly logger: Logger;
  /** Handles made with createMetrics(registry) on the one prom-client Registry of the process. */
  readonly metrics: Metrics;
  /** Dashboard language when a site gives none and the visitor asked for none. */
  readonly locale: Locale;
  /** From http.apiKeys of every site file, each with its site: only SHA-256 hashes, never the keys. */
  readonly apiKeys: readonly DeploymentApiKey[];
  /** http.publicUrl: the session cookie is Secure when it is https. */
  readonly publicUrl: string | null;
  /** Our clock (ms since the epoch). */
  readonly now: () => number;
  /** The sites this daemon watches, from the configuration. */
  sites(): readonly SiteInfo[];
  /** Jobs per queue and state (waiting, active, delayed, failed), for /metrics; absent without queues. */
  queueDepths?(): Promise<Readonly<Record<string, Readonly<Record<string, number>>>>>;
  /** The latest evaluation of each site (all sites when siteId is absent). */
  status(siteId?: string): Promise<readonly SiteStatus[]>;
  readonly violations: ViolationsPort;
  readonly ledger: LedgerPort;
  /** Compliance over a period, per zone and camera. */
  report(query: ReportQuery): Promise<SiteReport>;
  readonly maintenance: MaintenancePort;
  readonly sessions: SessionsPort;
  /** Families, parents' tokens and the access audit (src/access); absent: no family or audit routes. */
  readonly access?: AccessService;
  /** Parents' viewer sessions; with access, the /p/ routes exist (while some site lets parents view). */
  readonly viewers?: ViewerService;
  /** Whether the daemon can do its job: Redis reachable, workers alive (heartbeats fresh). */
  readiness(): Promise<Readiness>;
  readonly options?: Partial<HttpOptions>;
}

export interface HttpOptions {
  /**
   * /metrics without a key (http.openMetrics). false (the default): a key that acts on every
   * site is needed (role metrics, regulator or admin; district-wide, or of the only site).
   */
  readonly openMetrics: boolean;
  /** Reload status gauges from status()/violations for scrapes (stateless API nodes). */
  readonly refreshMetricsOnScrape: boolean;
  /** Scrapes within this many seconds of the last reload are served from it (one reload at a time). */
  readonly metricsMaxAgeSeconds: number;
  /** Wrong keys (login form or bearer) one client address may send per window before 429. */
  readonly loginMaxFailures: number;
  readonly loginWindowSeconds: number;
  /** Dashboard session lifetime. */
  readonly sessionTtlSeconds: number;
  /** How often the dashboard page asks for fresh data. */
  readonly dashboardRefreshSeconds: number;
  /** readiness() taking longer than this counts as not ready. */
  readonly readinessTimeoutMs: number;
  /** Longest maintenance window the API accepts (a longer one would hide real outages). */
  readonly maxMaintenanceSeconds: number;
}

export const DEFAULT_HTTP_OPTIONS: HttpOptions = {
  openMetrics: false,
  refreshMetricsOnScrape: true,
  metricsMaxAgeSeconds: 5,
  loginMaxFailures: 10,
  loginWindowSeconds: 300,
  sessionTtlSeconds: 12 * 3600,
  dashboardRefreshSeconds: 5,
  readinessTimeoutMs: 2000,
  maxMaintenanceSeconds: DEFAULT_MAX_MAINTENANCE_SECONDS,
};

/** A site as the configuration declares it (names for pages before the first poll). */
export interface SiteInfo {
  readonly id: string;
  readonly name: string;
  readonly locale: Locale;
  /** IANA time zone; dates in reports and pages are shown in it. */
  readonly timezone: string;
  readonly zones: readonly { readonly id: string; readonly name: string; readonly kind: ZoneKind }[];
  readonly cameras: readonly {
    readonly id: string;
    readonly name: string;
    readonly zones: readonly string[];
  }[];
  readonly devices: readonly { readonly id: string; readonly kind: "nvr" | "camera" }[];
}

export function siteInfoOf(site: Site): SiteInfo {
  return {
    id: site.id,
    name: site.name,
    locale: site.locale,
    timezone: site.timezone,
    zones: site.zones.map((z) => ({ id: z.id, name: z.name, kind: z.kind })),
    cameras: site.cameras.map((c) => ({ id: c.id, name: c.name, zones: c.zones })),
    devices: site.devices.map((d) => ({ id: d.id, kind: d.kind })),
  };
}

export interface ViolationQuery {
  readonly siteId?: string;
  /** open: only state "open"; all: pending, open and resolved (history). */
  readonly state: "open" | "all";
  readonly limit: number;
  /** Opaque, from a previous page's nextCursor. */
  readonly cursor?: string;
}

export interface ViolationPage {
  readonly items: readonly Violation[];
  /** Null on the last page. */
  readonly nextCursor: string | null;
}

export interface ViolationsPort {
  /** Newest first. Throws InvalidCursorError for a cursor it did not make. */
  list(query: ViolationQuery): Promise<ViolationPage>;
}

export interface LedgerPort {
  /** Entries with seq >= from (from the first when absent), ascending, at most limit. */
  page(query: { readonly from?: number; readonly limit: number }): Promise<readonly LedgerEntry[]>;
  /** Signed chain heads, newest first (the store decides how many it keeps). */
  heads(): Promise<readonly SignedHead[]>;
}

export interface ReportQuery {
  readonly siteId: string;
  /** ISO UTC instants, from < to. */
  readonly from: string;
  readonly to: string;
}

/** One stretch of time a subject was not compliant (violation or unknown), clipped to the period. */
export interface Lapse {
  readonly kind: FindingKind;
  readonly status: "violation" | "unknown";
  readonly from: string;
  /** Null while still going on. */
  readonly to: string | null;
  readonly seconds: number;
  /** Inside a declared maintenance window. */
  readonly maintenance: boolean;
  /** The violation it became, when it outlasted its grace. */
  readonly violationId: string | null;
}

export interface SubjectReport {
  readonly id: string;
  readonly name: string;
  /** Share of the period shown compliant, 0–100; null when nothing was observed in it. */
  readonly compliantPercent: number | null;
  /** Share of the period that could not be told (never counted as compliant). */
  readonly unknownPercent: number | null;
  readonly lapses: readonly Lapse[];
}

export interface CameraReport extends SubjectReport {
  /** How far back its video went at the end of the period, in days; null when not known. */
  readonly retentionDepthDays: number | null;
}

export interface SiteReport {
  readonly siteId: string;
  readonly from: string;
  readonly to: string;
  readonly zones: readonly SubjectReport[];
  readonly cameras: readonly CameraReport[];
}

export interface MaintenancePort {
  /** The window with this id (of any site), or null. */
  get(id: string): Promise<MaintenanceWindow | null>;
  /** Windows of a site (all sites when absent); active: only those covering now. Newest first. */
  list(query: { readonly siteId?: string; readonly active: boolean }): Promise<readonly MaintenanceWindow[]>;
  /** Records the window (and its ledger event); returns it with its id. */
  declare(declaration: MaintenanceDeclaration): Promise<MaintenanceWindow>;
  /**
   * Ends a window at `at` (ISO; it then ends no later than that) and records who did it;
   * null when no window has that id.
   */
  end(id: string, by: { readonly endedBy: string; readonly at: string }): Promise<MaintenanceWindow | null>;
}

/** A dashboard login. Only the SHA-256 of the session id is ever stored. */
export interface DashboardSession {
  /** SHA-256 hex of the cookie's session id. */
  readonly idHash: string;
  /** The API key it was opened with (its name, never the key). */
  readonly keyName: string;
  /** The sites that key administered at login (empty for a district key). */
  readonly sites: readonly string[];
  /** Opened with a district-wide admin key: every site. */
  readonly district: boolean;
  readonly createdAt: string;
  readonly expiresAt: string;
}

export interface SessionsPort {
  /** Stores it until expiresAt (the store may drop it then). */
  create(session: DashboardSession): Promise<void>;
  get(idHash: string): Promise<DashboardSession | null>;
  delete(idHash: string): Promise<void>;
}

export interface Readiness {
  readonly redis: boolean;
  readonly workers: boolean;
  /** Every configured device has its job schedulers (absent where the process keeps none). */
  readonly schedules?: boolean;
}
