/** Every kind of finding DESIGN.md §4 names. Picture and daemon kinds come with later work. */
export type FindingKind =
  | "device_unreachable"
  | "camera_offline"
  | "recording_stopped"
  | "recording_not_continuous"
  | "alarm_disarmed"
  | "image_black"
  | "image_frozen"
  | "view_changed"
  | "zone_uncovered"
  | "retention_short"
  | "retention_gap"
  | "retention_config"
  | "clock_drift"
  | "monitor_blind"
  | "monitor_silent"
  | "ledger_broken";

/** What a rule judged: the statuses that count for compliance when the finding is required. */
export type JudgedStatus = "ok" | "violation" | "unknown" | "accruing";

/**
 * `not_required`: the site's policy (or the camera's configuration, e.g. no approved reference
 * view) does not ask for this finding, so it was not judged and never counts: not in the verdict
 * or the counts of required findings, never a violation or monitor_blind, not in uptime. It is
 * never shown as `ok`, which a regulator reads as "checked and fine".
 */
export type FindingStatus = JudgedStatus | "not_required";

export type SubjectType = "site" | "zone" | "camera" | "device";

export interface Subject {
  readonly type: SubjectType;
  readonly id: string;
}

/** A stable reference to another finding: the root cause of this one. */
export interface FindingRef {
  readonly kind: FindingKind;
  readonly subject: Subject;
}

/**
 * Message keys are rendered by the report in the site's locale; `params` fill them in.
 * Evidence is plain JSON: what the device said, with its clock and ours. It never holds a
 * password.
 */
export type Finding = FindingBase &
  (
    | {
        readonly status: JudgedStatus;
        /**
         * Whether this finding counts for compliance. false with a judged status only for
         * findings this run did not look at (picture findings with probes off or not yet run).
         */
        readonly required: boolean;
      }
    | { readonly status: "not_required"; readonly required: false }
  );

interface FindingBase {
  readonly kind: FindingKind;
  readonly subject: Subject;
  readonly reason: ReasonCode;
  readonly params: Readonly<Record<string, string | number | boolean | null>>;
  readonly evidence: Readonly<Record<string, unknown>>;
  readonly causedBy: FindingRef | null;
}

/**
 * Why a finding has its status; each code has a sentence per locale in the report
 * (src/report/messages.ts) and a params shape (src/compliance/reasons.ts).
 */
export type ReasonCode =
  // device_unreachable, and camera findings derived from it
  | "device_reachable"
  | "device_not_observed"
  | "device_timeout"
  | "device_network_error"
  | "device_tls_error"
  | "device_login_failed"
  | "device_answer_invalid"
  | "device_unreachable"
  // clock_drift, and recording/retention findings that need the device clock
  | "clock_ok"
  | "clock_drift_exceeded"
  | "clock_implausible"
  | "clock_unavailable"
  // camera_offline
  | "camera_listed"
  | "camera_not_listed"
  | "camera_signal_loss"
  | "stream_unavailable"
  // picture probes: image_black, image_frozen, view_changed
  | "probes_skipped"
  | "picture_unavailable"
  | "picture_not_black"
  | "picture_black"
  | "picture_moving"
  | "picture_frozen"
  | "frozen_needs_two_windows"
  | "picture_is_black"
  | "view_matches"
  | "view_turned"
  | "no_reference"
  | "reference_unavailable"
  | "profiles_unavailable"
  // recording_stopped
  | "recording_active"
  | "video_track_not_active"
  | "recording_lagging"
  | "profile_g_unsupported"
  | "recording_jobs_unavailable"
  | "no_recording_job"
  | "job_state_unavailable"
  | "job_state_ambiguous"
  | "recording_info_unavailable"
  | "newest_data_unknown"
  // recording_not_continuous
  | "recording_continuous"
  | "job_idle"
  | "job_event_triggered"
  | "schedule_not_24x7"
  | "schedule_unreadable"
  | "schedule_unavailable"
  // alarm_disarmed
  | "motion_not_required"
  | "motion_armed"
  | "alarm_rules_absent"
  | "motion_cells_empty"
  | "motion_rule_disarmed"
  | "motion_cells_unreadable"
  | "analytics_unsupported"
  | "analytics_unavailable"
  // zone_uncovered
  | "zone_covered"
  | "zone_too_few_healthy"
  | "zone_health_unknown"
  | "zone_has_no_cameras"
  | "zone_not_required"
  | "required_zone_kinds_declared"
  | "required_zone_kind_missing"
  // retention_short
  | "retention_sufficient"
  | "retention_too_short"
  | "retention_accruing"
  | "retention_lost_since_commissioning"
  | "recording_data_deleted"
  | "recording_not_found"
  | "no_video_track"
  | "earliest_data_unknown"
  // retention_gap
  | "no_gaps"
  | "recording_gaps"
  | "history_unavailable"
  | "history_not_searched"
  | "history_empty"
  // retention_config
  | "retention_config_ok"
  | "retention_config_too_short"
  | "recordings_unavailable"
  // ledger_broken
  | "ledger_extends_signed_head"
  | "ledger_not_extending_signed_head";

export const findingKey = (f: { kind: FindingKind; subject: Subject }): string =>
  `${f.kind}:${f.subject.type}:${f.subject.id}`;
