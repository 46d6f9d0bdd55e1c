import type { FindingKind, FindingRef, JudgedStatus, Subject } from "./finding.ts";

/**
 * A finding's life as the daemon tracks it (DESIGN.md §4 "Violation lifecycle"). `pending`: the
 * finding is bad but has not yet held for its grace and two observations; `open`: it has, and
 * is alerted; `resolved`: it has been ok for the recovery period (a resolved violation is never
 * reopened: a new lapse opens a new violation with a new id).
 */
export type ViolationState = "pending" | "open" | "resolved";

export interface Violation {
  /** Stable id (e.g. a ULID/UUID) used in the ledger, alerts and the API. */
  readonly id: string;
  readonly siteId: string;
  readonly kind: FindingKind;
  readonly subject: Subject;
  readonly state: ViolationState;
  /** The status that made it: violation, or unknown for monitor_blind (never not_required). */
  readonly status: JudgedStatus;
  /** First bad observation (ISO). */
  readonly firstSeenAt: string;
  readonly openedAt: string | null;
  readonly resolvedAt: string | null;
  /** Latest observation that was still bad (ISO). */
  readonly lastSeenAt: string;
  /** Consecutive bad observations so far. */
  readonly observations: number;
  /** When ok was first seen again, while recovering; null while still bad. */
  readonly recoveringSince: string | null;
  readonly reason: string;
  readonly evidence: Readonly<Record<string, unknown>>;
  readonly causedBy: FindingRef | null;
  /** Inside a maintenance window declared by the provider: recorded and marked, not alerted. */
  readonly maintenance: boolean;
}

/** What a provider declares for a maintenance window (API or CLI); the window adds its id and time. */
export type MaintenanceDeclaration = Omit<MaintenanceWindow, "id" | "declaredAt">;

/** A maintenance window declared through the API or CLI. */
export interface MaintenanceWindow {
  readonly id: string;
  readonly siteId: string;
  /** Subjects it covers; empty = the whole site. */
  readonly subjects: readonly Subject[];
  readonly from: string;
  readonly to: string;
  readonly reason: string;
  readonly declaredBy: string;
  readonly declaredAt: string;
}

/**
 * A violation as the daemon keeps it: the domain Violation plus what the lifecycle needs to
 * carry from one observation to the next. Stored as JSON, one per violation id.
 */
export interface TrackedViolation extends Violation {
  /** findingKey() of the finding it tracks. */
  readonly findingKey: string;
  /** The kind of that finding; equals `kind` except for monitor_blind. */
  readonly findingKind: FindingKind;
  /** Start of the current bad stretch: a lapse ends when ok is seen again, a relapse starts a new one. */
  readonly lapseStart: string;
  /** Whether it may be alerted now: a root cause (no causedBy) outside maintenance. */
  readonly alertable: boolean;
  /** Whether its opening was (or later became) alertable, so its resolution is worth telling. */
  readonly alerted: boolean;
  /**
   * Whether its opening is in the ledger. Derived blind spots are not (the cameras behind an
   * unreachable NVR cannot be seen; the NVR's own violation says so) until their cause clears.
   */
  readonly recorded: boolean;
  /** How it ended: ok for the recovery period, or superseded (blind, then a real violation seen). */
  readonly resolution: "recovered" | "superseded" | null;
  /** The observation time of its last update (ISO). */
  readonly updatedAt: string;
}

/**
 * One stretch of time a finding was bad (violation, or unknown where it is required), for uptime
 * statistics. Every lapse is kept, even one shorter than the grace.
 */
export interface Lapse {
  readonly findingKey: string;
  /** The finding's kind. */
  readonly kind: FindingKind;
  readonly subject: Subject;
  readonly status: "violation" | "unknown";
  readonly from: string;
  /** Null while it is still going on. */
  readonly to: string | null;
  /** Caused by another finding (e.g. an unreachable NVR). */
  readonly derived: boolean;
  /** Inside a declared maintenance window (when it ended). */
  readonly maintenance: boolean;
  /** The violation it became, when it outlasted its grace; null when it never opened. */
  readonly violationId: string | null;
}

/** A recording gap, reported once (keyed by camera and the gap's start), not a standing state. */
export interface Incident {
  readonly id: string;
  /** `${cameraId}|${gap start}`: what makes it the same incident on the next search. */
  readonly key: string;
  readonly siteId: string;
  readonly kind: "retention_gap";
  readonly subject: Subject;
  readonly gap: {
    readonly start: string;
    readonly end: string;
    readonly minutes: number;
    /** Still missing when it was found. */
    readonly open: boolean;
  };
  readonly reportedAt: string;
  readonly maintenance: boolean;
  readonly alertable: boolean;
}
