import type { ReasonParams } from "../../src/compliance/reasons.ts";
import type {
  FindingKind,
  FindingRef,
  FindingStatus,
  ReasonCode,
  Subject,
} from "../../src/domain/finding.ts";
import type { Locale } from "../../src/domain/site.ts";
import type { SiteInfo } from "../../src/http/deps.ts";
import { countFindings } from "../../src/report/checkReport.ts";
import { reasonText } from "../../src/report/messages.ts";
import type { CameraSummary, ZoneSummary } from "../../src/domain/evaluation.ts";
import type { CheckReport, ReportDevice, ReportFinding } from "../../src/domain/checkReport.ts";

/** What is wrong at a site, for building a CheckReport the way the rules would. */
export interface Faults {
  /** Cameras the recorder no longer lists. */
  readonly offline?: readonly string[];
  /** Cameras whose recording job stopped. */
  readonly notRecording?: readonly string[];
  /** Devices that did not answer. */
  readonly unreachable?: readonly string[];
  /** Camera id → days of video (default 93); null: cannot be told. */
  readonly retentionDays?: Readonly<Record<string, number | null>>;
}

const REQUIRED_DAYS = 90;

/**
 * A CheckReport of a site in the shape buildCheckReport gives, with messages rendered by
 * report/messages.ts in the site's locale: enough realism for pages and metrics.
 */
export function sampleReport(
  site: SiteInfo,
  checkedAt: string,
  faults: Faults = {},
  locale?: Locale,
): CheckReport {
  const lang = locale ?? site.locale;
  const findings: ReportFinding[] = [];
  const add = <R extends ReasonCode>(
    kind: FindingKind,
    subject: Subject,
    status: FindingStatus,
    reason: R,
    params: ReasonParams[R],
    causedBy: FindingRef | null = null,
  ): ReportFinding => {
    const p = params as unknown as ReportFinding["params"];
    const f: ReportFinding = {
      kind,
      subject,
      status,
      required: true,
      reason,
      message: reasonText(lang, reason, p, { timeZone: site.timezone }),
      params: p,
      evidence: {},
      causedBy,
    };
    findings.push(f);
    return f;
  };

  const down = new Set(faults.unreachable ?? []);
  const devices: ReportDevice[] = site.devices.map((d) => {
    const dev = { type: "device" as const, id: d.id };
    if (down.has(d.id)) {
      add("device_unreachable", dev, "violation", "device_network_error", {
        device: d.id,
        error: "connect ECONNREFUSED",
      });
    } else {
      add("device_unreachable", dev, "ok", "device_reachable", { device: d.id });
      add("clock_drift", dev, "ok", "clock_ok", { driftSeconds: 1, maxSeconds: 30 });
    }
    return {
      id: d.id,
      kind: d.kind,
      reachable: !down.has(d.id),
      error: down.has(d.id) ? { kind: "network", message: "connect ECONNREFUSED" } : null,
      deviceUtc: down.has(d.id) ? null : checkedAt,
      manufacturer: "Sim",
      model: "NVR-16",
      firmwareVersion: "1.0",
    };
  });

  const deviceOf = (cameraId: string): string =>
    cameraId.startsWith("cam-") ? (site.devices[0]?.id ?? "nvr1") : cameraId;
  const cameras: CameraSummary[] = site.cameras.map((c, i) => {
    const cam = { type: "camera" as const, id: c.id };
    const device = deviceOf(c.id);
    const profile = `ProfileToken_${i + 1}`;
    const recording = `Rec_${i + 1}`;
    const statuses: Partial<Record<FindingKind, FindingStatus>> = {};
    if (down.has(device)) {
      const root: FindingRef = { kind: "device_unreachable", subject: { type: "device", id: device } };
      for (const kind of ["camera_offline", "recording_stopped", "retention_short"] as const) {
        add(kind, cam, "unknown", "device_unreachable", { device }, root);
        statuses[kind] = "unknown";
      }
      return {
        id: c.id,
        name: c.name,
        device,
        zones: c.zones,
        health: "unknown",
        root,
        findings: statuses,
        retentionDepthDays: null,
      };
    }
    const offline = faults.offline?.includes(c.id) ?? false;
    const stopped = faults.notRecording?.includes(c.id) ?? false;
    const offlineF = offline
      ? add("camera_offline", cam, "violation", "camera_not_listed", { profile })
      : add("camera_offline", cam, "ok", "camera_listed", { profile, signalLossKnown: true });
    statuses.camera_offline = offlineF.status;
    const recF = stopped
      ? add("recording_stopped", cam, "violation", "video_track_not_active", {
          recording,
          job: `Job_${i + 1}`,
          state: "Idle",
          error: null,
        })
      : add("recording_stopped", cam, "ok", "recording_active", {
          recording,
          lagSeconds: 12,
          maxSeconds: 300,
        });
    statuses.recording_stopped = recF.status;
    const days = faults.retentionDays?.[c.id] === undefined ? 93 : faults.retentionDays[c.id]!;
    if (days === null) {
      add("retention_short", cam, "unknown", "earliest_data_unknown", { recording });
      statuses.retention_short = "unknown";
    } else if (days < REQUIRED_DAYS - 1) {
      add("retention_short", cam, "violation", "retention_too_short", {
        days,
        requiredDays: REQUIRED_DAYS,
        earliest: new Date(Date.parse(checkedAt) - days * 86_400_000).toISOString(),
        toleranceHours: 24,
      });
      statuses.retention_short = "violation";
    } else {
      add("retention_short", cam, "ok", "retention_sufficient", { days, requiredDays: REQUIRED_DAYS });
      statuses.retention_short = "ok";
    }
    const root = offline ? offlineF : stopped ? recF : null;
    return {
      id: c.id,
      name: c.name,
      device,
      zones: c.zones,
      health: root === null ? "healthy" : "unhealthy",
      root: root === null ? null : { kind: root.kind, subject: root.subject },
      findings: statuses,
      retentionDepthDays: days,
    };
  });

  const zones: ZoneSummary[] = site.zones.map((z) => {
    const members = cameras.filter((c) => c.zones.includes(z.id));
    const healthy = members.filter((c) => c.health === "healthy").length;
    const unknown = members.filter((c) => c.health === "unknown").length;
    const subject = { type: "zone" as const, id: z.id };
    const n = { healthy, minCameras: 1, cameras: members.length };
    const f =
      healthy >= 1
        ? add("zone_uncovered", subject, "ok", "zone_covered", n)
        : unknown > 0
          ? add("zone_uncovered", subject, "unknown", "zone_health_unknown", { ...n, unknown })
          : add("zone_uncovered", subject, "violation", "zone_too_few_healthy", n);
    return {
      id: z.id,
      name: z.name,
      kind: z.kind,
      private: false,
      required: true,
      minCameras: 1,
      cameras: members.map((c) => c.id),
      healthyCameras: healthy,
      unknownCameras: unknown,
      status: f.status,
    };
  });
  add("zone_uncovered", { type: "site", id: site.id }, "ok", "required_zone_kinds_declared", {
    zoneKinds: "entrance,living,activity",
  });

  const counts = countFindings(findings);
  const verdict = counts.violation > 0 ? "violation" : counts.unknown > 0 ? "indeterminate" : "compliant";
  return {
    site: {
      id: site.id,
      name: site.name,
      registration: "XG-2025-001",
      timezone: site.timezone,
      locale: site.locale,
    },
    checkedAt,
    durationMs: 840,
    compliant: verdict === "compliant",
    verdict,
    counts,
    findings,
    zones,
    cameras,
    devices,
  };
}
