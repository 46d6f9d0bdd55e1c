import type { ReasonCode } from "../domain/finding.ts";

/**
 * The params each reason carries, so that the rules cannot build a finding whose sentence
 * (src/report/messages.ts) would miss a value, and the sentences cannot ask for one that is
 * never given. Times are ISO-8601 UTC strings; a time read from a device is on its clock.
 */
export interface ReasonParams {
  readonly device_reachable: { device: string };
  readonly device_not_observed: { device: string };
  readonly device_timeout: { device: string; timeoutSeconds: number };
  readonly device_network_error: { device: string; error: string };
  readonly device_tls_error: { device: string; error: string };
  readonly device_login_failed: { device: string; error: string };
  readonly device_answer_invalid: { device: string; errorKind: string; error: string };
  /** A camera or clock finding that cannot be told because its device did not answer. */
  readonly device_unreachable: { device: string };

  readonly clock_ok: { driftSeconds: number; maxSeconds: number };
  readonly clock_drift_exceeded: {
    driftSeconds: number;
    maxSeconds: number;
    deviceTime: string;
    ourTime: string;
  };
  readonly clock_implausible: { deviceTime: string; ourTime: string };
  readonly clock_unavailable: { detail: string };

  readonly camera_listed: { profile: string; signalLossKnown: boolean };
  readonly camera_not_listed: { profile: string };
  readonly camera_signal_loss: { profile: string; videoSource: string };
  readonly stream_unavailable: { profile: string; detail: string };

  /** Picture findings when `check --no-probes` skipped the probes: not counted. */
  readonly probes_skipped: Record<string, never>;
  /** Picture findings of a camera whose stream gave nothing to judge. */
  readonly picture_unavailable: { detail: string };
  readonly picture_not_black: { meanLuma: number };
  readonly picture_black: { blackFrameRatio: number; meanLuma: number };
  readonly picture_moving: { medianFrameDiff: number; localChanges: number; lastNoise: number };
  readonly picture_frozen: { medianFrameDiff: number; windows: number; seconds: number };
  readonly frozen_needs_two_windows: { windows: number };
  /** image_frozen and view_changed of a black picture: judged by image_black. */
  readonly picture_is_black: Record<string, never>;
  readonly view_matches: { similarity: number; threshold: number };
  readonly view_turned: { similarity: number; threshold: number; reference: string };
  /** view_changed, not_required: no approved reference view is configured for the camera. */
  readonly no_reference: Record<string, never>;
  readonly reference_unavailable: { detail: string };
  readonly profiles_unavailable: { detail: string };

  readonly recording_active: { recording: string; lagSeconds: number; maxSeconds: number };
  readonly video_track_not_active: { recording: string; job: string; state: string; error: string | null };
  readonly recording_lagging: { recording: string; newest: string; lagSeconds: number; maxSeconds: number };
  readonly profile_g_unsupported: { detail: string };
  readonly recording_jobs_unavailable: { detail: string };
  readonly no_recording_job: { recording: string | null };
  readonly job_state_unavailable: { job: string; detail: string };
  readonly job_state_ambiguous: { job: string; state: string };
  readonly recording_info_unavailable: { recording: string; detail: string };
  readonly newest_data_unknown: { recording: string };

  readonly recording_continuous: { job: string; schedule: string | null };
  readonly job_idle: { job: string; mode: string };
  readonly job_event_triggered: { job: string };
  /** firstGapWeekday: 0 = Monday … 6 = Sunday; firstGapTime "HH:MM" in the schedule's own time. */
  readonly schedule_not_24x7: {
    job: string;
    schedule: string;
    uncoveredHoursPerWeek: number;
    firstGapWeekday: number;
    firstGapTime: string;
  };
  readonly schedule_unreadable: { job: string; schedule: string; detail: string };
  readonly schedule_unavailable: { job: string; schedule: string; detail: string };

  /** alarm_disarmed, not_required: the policy does not require motion detection. */
  readonly motion_not_required: Record<string, never>;
  readonly motion_armed: { rule: string; activeCells: number | null };
  /** analytics null: the camera's profile has no analytics configuration at all. */
  readonly alarm_rules_absent: { analytics: string | null };
  readonly motion_cells_empty: { rule: string };
  readonly motion_rule_disarmed: { rule: string };
  readonly motion_cells_unreadable: { rule: string; detail: string };
  readonly analytics_unsupported: { detail: string };
  readonly analytics_unavailable: { analytics: string; detail: string };

  readonly zone_covered: { healthy: number; minCameras: number; cameras: number };
  readonly zone_too_few_healthy: { healthy: number; minCameras: number; cameras: number };
  readonly zone_health_unknown: { healthy: number; unknown: number; minCameras: number; cameras: number };
  readonly zone_has_no_cameras: { minCameras: number };
  /** A zone of a kind the policy does not require: its coverage for information only. */
  readonly zone_not_required: { zoneKind: string; healthy: number; cameras: number };
  /** zoneKinds: comma-separated ZoneKind codes, translated by the sentence. */
  readonly required_zone_kinds_declared: { zoneKinds: string };
  readonly required_zone_kind_missing: { zoneKinds: string };

  readonly retention_sufficient: { days: number; requiredDays: number };
  readonly retention_too_short: {
    days: number;
    requiredDays: number;
    toleranceHours: number;
    earliest: string;
  };
  readonly retention_accruing: {
    days: number;
    requiredDays: number;
    commissionedAt: string;
    provableOn: string;
  };
  readonly retention_lost_since_commissioning: {
    days: number;
    requiredDays: number;
    commissionedAt: string;
    earliest: string;
  };
  readonly recording_data_deleted: {
    recording: string;
    deletedFrom: string | null;
    deletedTo: string | null;
    at: string;
  };
  readonly recording_not_found: { profile: string };
  readonly no_video_track: { recording: string };
  readonly earliest_data_unknown: { recording: string };

  readonly no_gaps: { maxGapMinutes: number; windowDays: number };
  readonly recording_gaps: {
    count: number;
    longestMinutes: number;
    firstStart: string;
    maxGapMinutes: number;
    open: boolean;
  };
  readonly history_unavailable: { recording: string; detail: string };
  readonly history_not_searched: { recording: string };
  readonly history_empty: { recording: string };

  /** maxRetentionDays null: the recording sets no limit (absent or zero). */
  readonly retention_config_ok: { recording: string; maxRetentionDays: number | null };
  readonly retention_config_too_short: { recording: string; maxRetentionDays: number; requiredDays: number };
  readonly recordings_unavailable: { detail: string };

  /** The chain in Redis extends the last head the monitor signed (kept outside Redis). */
  readonly ledger_extends_signed_head: { seq: number };
  /** It does not: the monitor refuses to sign it. `problem` is LedgerBrokenReason. */
  readonly ledger_not_extending_signed_head: {
    problem: string;
    signedSeq: number | null;
    signedAt: string | null;
    currentSeq: number;
  };
}

type Scalar = string | number | boolean | null;

// Compile-time checks: ReasonParams has exactly one entry per ReasonCode, and every params
// shape fits Finding.params (plain scalars only).
type Exactly<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameKeys: Exactly<keyof ReasonParams, ReasonCode> = true;
const scalarParams: ReasonParams[ReasonCode] extends Readonly<Record<string, Scalar>> ? true : false = true;
void sameKeys;
void scalarParams;
