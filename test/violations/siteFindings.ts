import type { Finding, FindingKind, JudgedStatus, ReasonCode, Subject } from "../../src/domain/finding.ts";

/**
 * The findings one evaluation of a nursery produces, shaped like compliance/evaluateSite's:
 * per device reachability and clock; per camera the seven camera rules with the clock evidence
 * every camera finding carries; per zone coverage. Knobs turn parts bad.
 */
export interface SiteState {
  readonly cameras: number;
  /** The NVR does not answer: every camera finding is unknown, caused by it. */
  readonly nvrDown?: boolean;
  /** Cameras whose recording has stopped. */
  readonly stopped?: ReadonlySet<string>;
  /** Camera -> recording gaps to list. */
  readonly gaps?: ReadonlyMap<
    string,
    readonly { start: string; end: string; minutes: number; open: boolean }[]
  >;
  /** ISO of our clock at the evaluation. */
  readonly now: string;
}

export const cameraId = (i: number) => `cam-${String(i).padStart(2, "0")}`;
export const zoneOf = (i: number) => `zone-${Math.floor(i / 4)}`;

const CAMERA_KINDS: readonly FindingKind[] = [
  "camera_offline",
  "recording_stopped",
  "recording_not_continuous",
  "alarm_disarmed",
  "retention_short",
  "retention_gap",
  "retention_config",
];

export function siteFindings(s: SiteState): Finding[] {
  const nvr: Subject = { type: "device", id: "nvr1" };
  const out: Finding[] = [];
  const f = (
    kind: FindingKind,
    subject: Subject,
    status: JudgedStatus,
    reason: ReasonCode,
    evidence: Record<string, unknown>,
    extra: Partial<Pick<Finding, "causedBy">> = {},
  ): Finding => ({
    kind,
    subject,
    status,
    required: true,
    reason,
    params: {},
    evidence,
    causedBy: null,
    ...extra,
  });
  const clock = {
    device: "nvr1",
    deviceNow: s.now,
    ourNow: s.now,
    offsetSeconds: 0.4,
    clockSource: "utc",
    deviceTimezone: "CST-8",
  };
  if (s.nvrDown) {
    out.push(
      f("device_unreachable", nvr, "violation", "device_timeout", {
        error: "timeout",
        deadlineSeconds: 5,
        url: "http://10.0.0.5/onvif/device_service",
      }),
    );
    out.push(
      f(
        "clock_drift",
        nvr,
        "unknown",
        "device_unreachable",
        { device: "nvr1" },
        { causedBy: { kind: "device_unreachable", subject: nvr } },
      ),
    );
  } else {
    out.push(
      f("device_unreachable", nvr, "ok", "device_reachable", {
        responseMs: 140,
        firmware: "V4.30.085 build 200916",
      }),
    );
    out.push(f("clock_drift", nvr, "ok", "clock_ok", clock));
  }
  for (let i = 0; i < s.cameras; i++) {
    const id = cameraId(i);
    const cam: Subject = { type: "camera", id };
    for (const kind of CAMERA_KINDS) {
      if (kind === "alarm_disarmed") {
        out.push({
          ...f(kind, cam, "ok", "motion_not_required", {}),
          status: "not_required",
          required: false,
        });
        continue;
      }
      if (s.nvrDown) {
        out.push(
          f(
            kind,
            cam,
            "unknown",
            "device_unreachable",
            { device: "nvr1", deviceFinding: "device_timeout" },
            { causedBy: { kind: "device_unreachable", subject: nvr } },
          ),
        );
        continue;
      }
      const evidence = { ...clock, recording: `REC_${id}`, job: `JOB_${id}`, videoTracks: ["VIDEO001"] };
      if (kind === "recording_stopped" && s.stopped?.has(id)) {
        out.push(
          f(kind, cam, "violation", "video_track_not_active", {
            ...evidence,
            jobState: "Idle",
            trackState: "Idle",
          }),
        );
      } else if (kind === "retention_gap" && s.gaps?.has(id)) {
        const gaps = s.gaps.get(id)!;
        out.push(
          f(kind, cam, "violation", "recording_gaps", {
            ...evidence,
            windowStart: "2026-07-03T00:00:00.000Z",
            windowEnd: s.now,
            gaps,
            gapsTotal: gaps.length,
          }),
        );
      } else if (kind === "retention_short") {
        out.push(
          f(kind, cam, "accruing", "retention_accruing", {
            ...evidence,
            earliest: "2026-09-01T00:00:00.000Z",
            depthDays: 30.5,
          }),
        );
      } else {
        out.push(f(kind, cam, "ok", "recording_active", evidence));
      }
    }
  }
  for (let z = 0; z * 4 < s.cameras; z++) {
    const members = Array.from({ length: Math.min(4, s.cameras - z * 4) }, (_, k) => cameraId(z * 4 + k));
    const bad = s.nvrDown ? "unknown" : "ok";
    out.push(
      f(
        "zone_uncovered",
        { type: "zone", id: `zone-${z}` },
        bad,
        s.nvrDown ? "zone_health_unknown" : "zone_covered",
        { cameras: members, healthy: s.nvrDown ? 0 : members.length, minCameras: 1 },
        s.nvrDown ? { causedBy: { kind: "device_unreachable", subject: nvr } } : {},
      ),
    );
  }
  return out;
}
