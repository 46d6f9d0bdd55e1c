import { describe, expect, it } from "vitest";
import type { ReasonParams } from "../../src/compliance/reasons.ts";
import type { ReasonCode } from "../../src/domain/finding.ts";
import { ok } from "../../src/domain/probe.ts";
import type { ReasonSentences } from "../../src/report/messages.ts";
import {
  KIND_TITLES,
  REASON_SENTENCES,
  formatTime,
  kindTitle,
  reasonText,
  statusLabel,
  verdictLabel,
} from "../../src/report/messages.ts";
import { evaluate, healthyObservation, healthySite, jobState, patch } from "../compliance/builders.ts";

const T = "2026-12-15T02:00:00.000Z";
/** One set of params per reason code; the type makes this table list every code. */
const SAMPLES: { readonly [R in ReasonCode]: ReasonParams[R] } = {
  device_reachable: { device: "nvr1" },
  device_not_observed: { device: "nvr1" },
  device_timeout: { device: "nvr1", timeoutSeconds: 5 },
  device_network_error: { device: "nvr1", error: "ECONNREFUSED" },
  device_tls_error: { device: "nvr1", error: "fingerprint mismatch" },
  device_login_failed: { device: "nvr1", error: "HTTP 401" },
  device_answer_invalid: { device: "nvr1", errorKind: "malformed", error: "not XML" },
  device_unreachable: { device: "nvr1" },
  clock_ok: { driftSeconds: -2, maxSeconds: 30 },
  clock_drift_exceeded: { driftSeconds: 95, maxSeconds: 30, deviceTime: T, ourTime: T },
  clock_implausible: { deviceTime: "2019-01-01T00:00:00.000Z", ourTime: T },
  clock_unavailable: { detail: "timeout: no answer" },
  camera_listed: { profile: "P1", signalLossKnown: false },
  camera_not_listed: { profile: "P1" },
  camera_signal_loss: { profile: "P1", videoSource: "VS1" },
  stream_unavailable: { profile: "P1", detail: "RTSP 404 Not Found" },
  probes_skipped: {},
  picture_unavailable: { detail: "the stream gave no frames" },
  picture_not_black: { meanLuma: 117 },
  picture_black: { blackFrameRatio: 1, meanLuma: 16 },
  picture_moving: { medianFrameDiff: 2.6, localChanges: 3, lastNoise: 0.021 },
  picture_frozen: { medianFrameDiff: 0.01, windows: 2, seconds: 4 },
  frozen_needs_two_windows: { windows: 1 },
  picture_is_black: {},
  view_matches: { similarity: 0.93, threshold: 0.5 },
  view_turned: { similarity: 0.08, threshold: 0.5, reference: "refs/cam1.png" },
  no_reference: {},
  reference_unavailable: { detail: "refs/cam1.png: no such file" },
  profiles_unavailable: { detail: "auth: denied" },
  recording_active: { recording: "R1", lagSeconds: 12, maxSeconds: 300 },
  video_track_not_active: { recording: "R1", job: "J1", state: "Error", error: "Incompatible Stream" },
  recording_lagging: { recording: "R1", newest: T, lagSeconds: 7500, maxSeconds: 300 },
  profile_g_unsupported: { detail: "no recording service" },
  recording_jobs_unavailable: { detail: "timeout" },
  no_recording_job: { recording: null },
  job_state_unavailable: { job: "J1", detail: "timeout" },
  job_state_ambiguous: { job: "J1", state: "PartiallyActive" },
  recording_info_unavailable: { recording: "R1", detail: "fault" },
  newest_data_unknown: { recording: "R1" },
  recording_continuous: { job: "J1", schedule: "S1" },
  job_idle: { job: "J1", mode: "Idle" },
  job_event_triggered: { job: "J1" },
  schedule_not_24x7: {
    job: "J1",
    schedule: "S1",
    uncoveredHoursPerWeek: 48,
    firstGapWeekday: 5,
    firstGapTime: "00:00",
  },
  schedule_unreadable: { job: "J1", schedule: "S1", detail: "no VEVENT with a DTSTART" },
  schedule_unavailable: { job: "J1", schedule: "S1", detail: "timeout" },
  motion_not_required: {},
  motion_armed: { rule: "Motion1", activeCells: 8 },
  alarm_rules_absent: { analytics: null },
  motion_cells_empty: { rule: "Motion1" },
  motion_rule_disarmed: { rule: "Region1" },
  motion_cells_unreadable: { rule: "Motion1", detail: "ActiveCells is not base64" },
  analytics_unsupported: { detail: "no analytics service" },
  analytics_unavailable: { analytics: "VA1", detail: "timeout" },
  zone_covered: { healthy: 2, minCameras: 1, cameras: 2 },
  zone_too_few_healthy: { healthy: 1, minCameras: 2, cameras: 3 },
  zone_health_unknown: { healthy: 1, unknown: 1, minCameras: 2, cameras: 2 },
  zone_has_no_cameras: { minCameras: 1 },
  zone_not_required: { zoneKind: "other", healthy: 1, cameras: 2 },
  required_zone_kinds_declared: { zoneKinds: "entrance,living,activity" },
  required_zone_kind_missing: { zoneKinds: "living,activity" },
  retention_sufficient: { days: 120, requiredDays: 90 },
  retention_too_short: { days: 30.5, requiredDays: 90, toleranceHours: 24, earliest: T },
  retention_accruing: { days: 20, requiredDays: 90, commissionedAt: T, provableOn: T },
  retention_lost_since_commissioning: { days: 5, requiredDays: 90, commissionedAt: T, earliest: T },
  recording_data_deleted: { recording: "R1", deletedFrom: null, deletedTo: T, at: T },
  recording_not_found: { profile: "P1" },
  no_video_track: { recording: "R1" },
  earliest_data_unknown: { recording: "R1" },
  no_gaps: { maxGapMinutes: 10, windowDays: 90 },
  recording_gaps: { count: 2, longestMinutes: 120, firstStart: T, maxGapMinutes: 10, open: true },
  history_unavailable: { recording: "R1", detail: "timeout" },
  history_not_searched: { recording: "R1" },
  history_empty: { recording: "R1" },
  retention_config_ok: { recording: "R1", maxRetentionDays: null },
  retention_config_too_short: { recording: "R1", maxRetentionDays: 30, requiredDays: 90 },
  recordings_unavailable: { detail: "timeout" },
  ledger_extends_signed_head: { seq: 42 },
  ledger_not_extending_signed_head: { problem: "rewritten", signedSeq: 40, signedAt: T, currentSeq: 39 },
};

const BROKEN = /undefined|NaN|\[object|\$\{/;

describe("reason sentences", () => {
  it("exist for every reason code in every locale", () => {
    const codes = Object.keys(SAMPLES).sort();
    expect(Object.keys(REASON_SENTENCES.en).sort()).toEqual(codes);
    expect(Object.keys(REASON_SENTENCES["zh-CN"]).sort()).toEqual(codes);
  });

  it.each(Object.entries(SAMPLES))("render %s in both locales", (code, params) => {
    for (const locale of ["en", "zh-CN"] as const) {
      const text = reasonText(locale, code as ReasonCode, params, { timeZone: "Asia/Shanghai" });
      expect(text.length).toBeGreaterThan(10);
      expect(text).not.toMatch(BROKEN);
    }
    // The Chinese sentence is Chinese, not the English one again.
    expect(reasonText("zh-CN", code as ReasonCode, params)).toMatch(/[\u4e00-\u9fff]/);
  });

  it("render every finding of real evaluations", () => {
    const site = healthySite();
    const healthy = healthyObservation(site);
    const evaluations = [
      evaluate(site, healthy),
      evaluate(site, {
        ...healthy,
        reach: { status: "unreachable", error: { kind: "auth", message: "HTTP 401" } },
      }),
      evaluate(
        site,
        patch(healthy, "jobStates", "J2", ok(jobState(2, "Error", "Active", { videoError: "No stream" }))),
      ),
    ];
    for (const f of evaluations.flatMap((e) => e.findings)) {
      for (const locale of ["en", "zh-CN"] as const)
        expect(reasonText(locale, f.reason, f.params)).not.toMatch(BROKEN);
    }
  });

  it("fill in params and format times in the site's zone", () => {
    const p = SAMPLES.schedule_not_24x7;
    expect(reasonText("zh-CN", "schedule_not_24x7", p)).toBe(
      "录像任务 J1 的录像计划 S1 每周有 48 小时不录像，最早一段从周六 00:00 开始。",
    );
    expect(reasonText("en", "schedule_not_24x7", p)).toContain("from Saturday 00:00");
    expect(
      reasonText("zh-CN", "recording_lagging", SAMPLES.recording_lagging, { timeZone: "Asia/Shanghai" }),
    ).toContain("2026-12-15 10:00 UTC+8");
    expect(reasonText("zh-CN", "recording_lagging", SAMPLES.recording_lagging)).toContain("2小时5分钟");
    expect(reasonText("en", "required_zone_kind_missing", SAMPLES.required_zone_kind_missing)).toContain(
      "living areas, activity areas",
    );
    expect(reasonText("zh-CN", "required_zone_kind_missing", SAMPLES.required_zone_kind_missing)).toContain(
      "生活区域、活动区域",
    );
  });

  it("do not compile when a locale misses a sentence", () => {
    // @ts-expect-error: every ReasonCode needs a sentence.
    const incomplete: ReasonSentences = { device_reachable: () => "x" };
    expect(Object.keys(incomplete)).toHaveLength(1);
  });
});

describe("titles and labels", () => {
  it("title every finding kind in both locales", () => {
    expect(kindTitle("en", "recording_stopped")).toBe("Recording stopped");
    expect(kindTitle("zh-CN", "recording_stopped")).toBe("录像已停止");
    expect(Object.keys(KIND_TITLES.en).sort()).toEqual(Object.keys(KIND_TITLES["zh-CN"]).sort());
  });

  it("label statuses and verdicts", () => {
    expect(statusLabel("zh-CN", "unknown")).toBe("无法确定");
    expect(verdictLabel("en", "indeterminate")).toContain("not shown compliant");
  });

  it("formats times in a zone, and leaves text that is not a time alone", () => {
    expect(formatTime(T)).toBe("2026-12-15 02:00 UTC");
    expect(formatTime(T, "Asia/Shanghai")).toBe("2026-12-15 10:00 UTC+8");
    expect(formatTime("garbage")).toBe("garbage");
  });
});
