import { Gauge, Histogram, collectDefaultMetrics, type Registry } from "prom-client";
import { FINDING_KINDS } from "../config/findingKinds.ts";
import type { FindingKind, FindingStatus } from "../domain/finding.ts";
import type { Violation } from "../domain/violation.ts";
import type { SiteStatus } from "../domain/checkReport.ts";

/** Every series of nurserywatch starts with this, so it never collides with another exporter's. */
export const METRIC_PREFIX = "nurserywatch_";

/**
 * The typed handles of the daemon's metrics, all on the one Registry passed in (never the
 * global one). State gauges follow one convention: 1 = shown ok, 0 = shown bad, and no series
 * at all while it cannot be told — an "unknown" is never reported as up. Unknowns show in
 * nurserywatch_findings{status="unknown"} and nurserywatch_site_compliant (0 unless compliant).
 */
export interface Metrics {
  readonly registry: Registry;
  readonly cameraUp: Gauge<"site" | "camera">;
  readonly cameraRecording: Gauge<"site" | "camera">;
  readonly cameraPictureOk: Gauge<"site" | "camera">;
  readonly cameraRetentionDays: Gauge<"site" | "camera">;
  readonly zoneCovered: Gauge<"site" | "zone">;
  readonly deviceUp: Gauge<"site" | "device">;
  readonly deviceLastPoll: Gauge<"site" | "device">;
  readonly siteCompliant: Gauge<"site">;
  readonly siteCheckedAt: Gauge<"site">;
  readonly findings: Gauge<"site" | "status">;
  readonly openViolations: Gauge<"site" | "kind">;
  /** Observed by the workers: how long one poll (or probe, or retention search) of a site took. */
  readonly pollDuration: Histogram<"site" | "job">;
  /** Set by the daemon from its queues: jobs waiting, active, delayed, failed. */
  readonly queueDepth: Gauge<"queue" | "state">;
}

export interface MetricsOptions {
  /** Also collect Node's process metrics (CPU, memory, event loop) under the same prefix. */
  readonly processMetrics?: boolean;
}

export function createMetrics(registry: Registry, options: MetricsOptions = {}): Metrics {
  const gauge = <L extends string>(name: string, help: string, labelNames: readonly L[]): Gauge<L> =>
    new Gauge<L>({ name: METRIC_PREFIX + name, help, labelNames, registers: [registry] });
  if (options.processMetrics === true) collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  return {
    registry,
    cameraUp: gauge(
      "camera_up",
      "1 when the recorder lists the camera with a signal, 0 when it is offline; absent while unknown.",
      ["site", "camera"],
    ),
    cameraRecording: gauge(
      "camera_recording",
      "1 when the camera's video is being recorded, 0 when recording stopped; absent while unknown.",
      ["site", "camera"],
    ),
    cameraPictureOk: gauge(
      "camera_picture_ok",
      "1 when the sampled picture is neither black, frozen nor turned away, 0 when it is; absent without probes.",
      ["site", "camera"],
    ),
    cameraRetentionDays: gauge(
      "camera_retention_days",
      "How far back the camera's recorded video goes, in days on the device clock; absent while unknown.",
      ["site", "camera"],
    ),
    zoneCovered: gauge(
      "zone_covered",
      "1 when enough of the zone's cameras are healthy, 0 when not; absent while unknown.",
      ["site", "zone"],
    ),
    deviceUp: gauge(
      "device_up",
      "1 when the device answered over ONVIF in the last poll, 0 when it did not.",
      ["site", "device"],
    ),
    deviceLastPoll: gauge(
      "device_last_poll_timestamp_seconds",
      "When the last poll of the device finished (Unix seconds).",
      ["site", "device"],
    ),
    siteCompliant: gauge(
      "site_compliant",
      "1 when every required finding of the site is ok, else 0 (a finding that cannot be told counts as 0).",
      ["site"],
    ),
    siteCheckedAt: gauge(
      "site_checked_timestamp_seconds",
      "When the latest evaluation of the site finished (Unix seconds).",
      ["site"],
    ),
    findings: gauge(
      "findings",
      "Required findings of the latest evaluation by status (ok, violation, unknown, accruing).",
      ["site", "status"],
    ),
    openViolations: gauge("violations_open", "Violations open now, by finding kind.", ["site", "kind"]),
    pollDuration: new Histogram({
      name: METRIC_PREFIX + "poll_duration_seconds",
      help: "Duration of one poll job of a site (job: poll, probe, retention).",
      labelNames: ["site", "job"],
      buckets: [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300],
      registers: [registry],
    }),
    queueDepth: gauge("queue_depth", "Jobs in a queue by state (waiting, active, delayed, failed).", [
      "queue",
      "state",
    ]),
  };
}

const PICTURE_KINDS: readonly FindingKind[] = ["image_black", "image_frozen", "view_changed"];
const STATUSES: readonly FindingStatus[] = ["ok", "violation", "unknown", "accruing"];

/** 1 for ok, 0 for violation, undefined (no series) for anything that does not show either. */
function okValue(status: FindingStatus | undefined): number | undefined {
  if (status === "ok") return 1;
  if (status === "violation") return 0;
  return undefined;
}

function setIf<L extends string>(g: Gauge<L>, labels: Record<L, string>, value: number | undefined): void {
  if (value !== undefined && Number.isFinite(value)) g.set(labels, value);
}

/** Sets nurserywatch_queue_depth from BullMQ's job counts per queue and state. */
export function refreshQueueGauges(
  m: Metrics,
  depths: Readonly<Record<string, Readonly<Record<string, number>>>>,
): void {
  m.queueDepth.reset();
  for (const [queue, states] of Object.entries(depths)) {
    for (const [state, n] of Object.entries(states)) setIf(m.queueDepth, { queue, state }, n);
  }
}

/**
 * Replaces the state gauges with what a status snapshot shows: cameras or sites that left the
 * configuration lose their series. Synchronous, so a scrape never sees a half-refreshed set.
 */
export function refreshStatusGauges(
  m: Metrics,
  snapshot: { readonly sites: readonly SiteStatus[]; readonly openViolations: readonly Violation[] },
): void {
  for (const g of [
    m.cameraUp,
    m.cameraRecording,
    m.cameraPictureOk,
    m.cameraRetentionDays,
    m.zoneCovered,
    m.deviceUp,
    m.deviceLastPoll,
    m.siteCompliant,
    m.siteCheckedAt,
    m.findings,
    m.openViolations,
  ])
    g.reset();

  for (const s of snapshot.sites) {
    const site = s.siteId;
    for (const [device, at] of Object.entries(s.lastPollAt)) {
      const ms = at === null ? Number.NaN : Date.parse(at);
      setIf(m.deviceLastPoll, { site, device }, Number.isNaN(ms) ? undefined : ms / 1000);
    }
    const r = s.report;
    if (r === null) continue;
    m.siteCompliant.set({ site }, r.compliant ? 1 : 0);
    setIf(m.siteCheckedAt, { site }, Date.parse(r.checkedAt) / 1000);
    for (const status of STATUSES) m.findings.set({ site, status }, r.counts[status]);
    for (const d of r.devices) {
      if (d.error?.kind === "not_observed") continue;
      m.deviceUp.set({ site, device: d.id }, d.reachable ? 1 : 0);
    }
    for (const c of r.cameras) {
      const labels = { site, camera: c.id };
      setIf(m.cameraUp, labels, okValue(c.findings.camera_offline));
      setIf(m.cameraRecording, labels, okValue(c.findings.recording_stopped));
      const picture = PICTURE_KINDS.map((k) => c.findings[k]).filter((x) => x !== undefined);
      const pictureValue = picture.includes("violation")
        ? 0
        : picture.length > 0 && picture.every((x) => x === "ok")
          ? 1
          : undefined;
      setIf(m.cameraPictureOk, labels, pictureValue);
      setIf(m.cameraRetentionDays, labels, c.retentionDepthDays ?? undefined);
    }
    for (const z of r.zones) setIf(m.zoneCovered, { site, zone: z.id }, okValue(z.status));
  }

  // Every kind of every site gets a series, 0 included, so "rose above 0" alerts need no absent().
  for (const s of snapshot.sites)
    for (const kind of FINDING_KINDS) m.openViolations.set({ site: s.siteId, kind }, 0);
  for (const v of snapshot.openViolations)
    if (v.state === "open") m.openViolations.inc({ site: v.siteId, kind: v.kind });
}
