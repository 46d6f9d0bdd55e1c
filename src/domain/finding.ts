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
  | "monitor_silent";

export type FindingStatus = "ok" | "violation" | "unknown" | "accruing";

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
export interface Finding {
  readonly kind: FindingKind;
  readonly subject: Subject;
  readonly status: FindingStatus;
  /** Whether this finding counts for compliance (false for e.g. alarm_disarmed when not required). */
  readonly required: boolean;
  readonly reason: ReasonCode;
  readonly params: Readonly<Record<string, string | number | boolean | null>>;
  readonly evidence: Readonly<Record<string, unknown>>;
  readonly causedBy: FindingRef | null;
}

/** Why a finding has its status; each code has a sentence per locale in the report. */
export type ReasonCode = string;

export const findingKey = (f: { kind: FindingKind; subject: Subject }): string =>
  `${f.kind}:${f.subject.type}:${f.subject.id}`;
