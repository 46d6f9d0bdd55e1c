import type { FindingKind, Subject } from "../domain/finding.ts";
import type { Violation } from "../domain/violation.ts";

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

/** A dashboard login. Only the SHA-256 of the session id is ever stored. */
export interface StoredSession {
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

/** What the dashboard shows of a device's latest poll: no addresses, no credentials. */
export interface DeviceSummary {
  readonly deviceId: string;
  readonly startedAt: string;
  /** When the poll finished (our clock, ISO). */
  readonly polledAt: string;
  readonly reachable: boolean;
  readonly error: { readonly kind: string; readonly message: string } | null;
  readonly deviceUtc: string | null;
  readonly clockSource: "utc" | "local+tz" | "none" | null;
  readonly manufacturer: string | null;
  readonly model: string | null;
  readonly firmwareVersion: string | null;
  readonly profiles: number | null;
  readonly recordings: number | null;
}
