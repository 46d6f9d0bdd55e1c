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
