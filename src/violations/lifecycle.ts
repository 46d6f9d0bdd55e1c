import type { Finding, FindingKind } from "../domain/finding.ts";
import type { Policy } from "../domain/site.ts";
import type { Lapse, TrackedViolation } from "../domain/violation.ts";

/*
 * The violation lifecycle of DESIGN.md §4, for one finding key, as a pure step: previous state
 * + one observation -> next state + transitions. No I/O, no clock (the observation time `at` is
 * given), ids from the injected newId.
 *
 * - Bad is a required finding that is `violation`, or `unknown` (which opens as monitor_blind:
 *   the monitor cannot see). A finding that is not required, `ok` or `accruing`, is good.
 *   retention_gap violations are incidents (gaps.ts), not standing states, so they count as good
 *   here; an unknown retention_gap can still make the monitor blind.
 * - A bad finding starts `pending`; it opens once it has held for its grace (graceByKind[kind]
 *   ?? graceSeconds; monitor_blind's own entry first for unknown) AND for at least two
 *   consecutive observations of what it opens as, so one bad sample is recorded but never
 *   alerted. (An unknown sample between violation samples is no evidence either way.)
 * - A pending finding seen good again is dropped: it never opened, its lapse is recorded.
 *   Flapping faster than the grace thus never opens and never alerts, and every lapse is kept.
 * - An open violation seen good starts recovery; it resolves once good has held for
 *   recoverySeconds. A bad observation during recovery cancels it (a relapse: the lapse up to
 *   the recovery is recorded and a new lapse starts; the violation stays the same one).
 * - Open as monitor_blind and then seen as a real violation: the blind one resolves
 *   (superseded: the monitor sees again) and the violation starts pending, so it is confirmed
 *   like any other. The reverse (a violation that turns unknown) stays open: unknown is never
 *   compliant, so it cannot count towards recovery either.
 * - Derived findings (causedBy set) are tracked like any other but never alertable: only the
 *   root is alerted. Inside a maintenance window they are marked and not alertable. An open
 *   violation that was not alerted becomes alertable when its window ends or its cause clears.
 */

export type Observed = "ok" | "violation" | "unknown";

export type LifecyclePolicy = Pick<Policy, "graceSeconds" | "graceByKind" | "recoverySeconds">;

export interface LifecycleInput {
  readonly siteId: string;
  /** The pending or open violation tracking this finding key; null when none. */
  readonly prev: TrackedViolation | null;
  readonly finding: Finding;
  /** When the finding was observed (ms). */
  readonly at: number;
  readonly policy: LifecyclePolicy;
  /** Whether a maintenance window covers the finding at `at`. */
  readonly maintenance: boolean;
  readonly newId: () => string;
}

export type Transition =
  /** A bad stretch started: recorded, not alerted. */
  | { readonly type: "pending"; readonly violation: TrackedViolation }
  | { readonly type: "opened"; readonly violation: TrackedViolation; readonly alertable: boolean }
  /** An open violation goes on the record (the ledger): at its opening, or once its cause clears. */
  | { readonly type: "recorded"; readonly violation: TrackedViolation }
  /** An open violation that was not alerted may be now (maintenance over, cause cleared). */
  | { readonly type: "became_alertable"; readonly violation: TrackedViolation }
  | { readonly type: "maintenance"; readonly violation: TrackedViolation; readonly maintenance: boolean }
  | { readonly type: "recovering"; readonly violation: TrackedViolation }
  | { readonly type: "relapsed"; readonly violation: TrackedViolation }
  | {
      readonly type: "resolved";
      readonly violation: TrackedViolation;
      /** Its opening was alerted, so its end should be told too. */
      readonly alertable: boolean;
      readonly resolution: "recovered" | "superseded";
    }
  /** A pending one seen good before it opened: it never becomes a violation. */
  | { readonly type: "dropped"; readonly violation: TrackedViolation }
  | { readonly type: "lapse"; readonly lapse: Lapse };

export interface LifecycleStep {
  /** What to keep tracking for this finding key (pending or open); null when nothing. */
  readonly next: TrackedViolation | null;
  /** A violation that ended in this step: resolved (kept as history) or dropped (deleted). */
  readonly ended: TrackedViolation | null;
  readonly transitions: readonly Transition[];
}

/** How an observation counts for the lifecycle. */
export function observe(finding: Finding): Observed {
  if (!finding.required) return "ok";
  switch (finding.status) {
    case "violation":
      return finding.kind === "retention_gap" ? "ok" : "violation";
    case "unknown":
      return "unknown";
    case "ok":
    case "accruing":
      return "ok";
  }
}

/** Seconds a bad finding must hold before it opens. */
export function graceSeconds(
  policy: LifecyclePolicy,
  kind: FindingKind,
  status: "violation" | "unknown",
): number {
  const byKind = policy.graceByKind;
  if (status === "unknown") return byKind["monitor_blind"] ?? byKind[kind] ?? policy.graceSeconds;
  return byKind[kind] ?? policy.graceSeconds;
}

const iso = (ms: number): string => new Date(ms).toISOString();
const ms = (isoText: string): number => Date.parse(isoText);

export function step(input: LifecycleInput): LifecycleStep {
  const { prev, at } = input;
  const seen = observe(input.finding);
  if (prev === null || prev.state === "resolved") {
    if (seen === "ok") return { next: null, ended: null, transitions: [] };
    const v = startPending(input, seen);
    return { next: v, ended: null, transitions: [{ type: "pending", violation: v }] };
  }
  // An observation older than the state (a late, retried job) changes nothing.
  if (at <= ms(prev.updatedAt)) return { next: prev, ended: null, transitions: [] };
  return prev.state === "pending" ? pendingStep(input, prev, seen) : openStep(input, prev, seen);
}

function startPending(input: LifecycleInput, seen: "violation" | "unknown"): TrackedViolation {
  const { finding, at } = input;
  const t = iso(at);
  return {
    id: input.newId(),
    siteId: input.siteId,
    kind: seen === "unknown" ? "monitor_blind" : finding.kind,
    subject: finding.subject,
    state: "pending",
    status: seen,
    firstSeenAt: t,
    openedAt: null,
    resolvedAt: null,
    lastSeenAt: t,
    observations: 1,
    recoveringSince: null,
    reason: finding.reason,
    evidence: finding.evidence,
    causedBy: finding.causedBy,
    maintenance: input.maintenance,
    findingKey: `${finding.kind}:${finding.subject.type}:${finding.subject.id}`,
    findingKind: finding.kind,
    lapseStart: t,
    alertable: false,
    alerted: false,
    recorded: false,
    resolution: null,
    updatedAt: t,
  };
}

/** The latest observation's details, when it is of the violation's own status. */
function refreshed(v: TrackedViolation, input: LifecycleInput, seen: Observed): TrackedViolation {
  if (seen !== v.status) return v;
  return {
    ...v,
    reason: input.finding.reason,
    evidence: input.finding.evidence,
    causedBy: input.finding.causedBy,
  };
}

/** The lapse a pending or open violation is in, ending at `end` (null: not ended yet). */
export function lapseOf(v: TrackedViolation, end: string | null): Lapse {
  return {
    findingKey: v.findingKey,
    kind: v.findingKind,
    subject: v.subject,
    status: v.status === "violation" ? "violation" : "unknown",
    from: v.lapseStart,
    to: end,
    derived: v.causedBy !== null,
    maintenance: v.maintenance,
    violationId: v.openedAt !== null ? v.id : null,
  };
}

function pendingStep(input: LifecycleInput, prev: TrackedViolation, seen: Observed): LifecycleStep {
  const t = iso(input.at);
  if (seen === "ok") {
    const ended: TrackedViolation = { ...prev, updatedAt: t };
    return {
      next: null,
      ended,
      transitions: [
        { type: "lapse", lapse: lapseOf(prev, t) },
        { type: "dropped", violation: ended },
      ],
    };
  }
  // Seeing the violation itself after being blind to it is the same bad stretch, now known; its
  // observations count afresh, so a violation opens on two samples of the violation itself. An
  // unknown sample while the violation is pending neither counts nor breaks the run.
  const status = prev.status === "violation" || seen === "violation" ? "violation" : "unknown";
  const observations =
    seen === status ? (status === prev.status ? prev.observations + 1 : 1) : prev.observations;
  let v: TrackedViolation = refreshed(
    {
      ...prev,
      status,
      kind: status === "unknown" ? "monitor_blind" : prev.findingKind,
      observations,
      lastSeenAt: t,
      maintenance: input.maintenance,
      updatedAt: t,
    },
    input,
    seen,
  );
  const held = input.at - ms(prev.firstSeenAt) >= graceSeconds(input.policy, prev.findingKind, status) * 1000;
  if (!held || v.observations < 2) return { next: v, ended: null, transitions: [] };
  const alertable = v.causedBy === null && !v.maintenance;
  const recorded = recordable(v);
  v = { ...v, state: "open", openedAt: t, alertable, alerted: alertable, recorded };
  const transitions: Transition[] = [{ type: "opened", violation: v, alertable }];
  if (recorded) transitions.push({ type: "recorded", violation: v });
  return { next: v, ended: null, transitions };
}

function openStep(input: LifecycleInput, prev: TrackedViolation, seen: Observed): LifecycleStep {
  const t = iso(input.at);
  const transitions: Transition[] = [];

  if (seen === "violation" && prev.status === "unknown") {
    const lapseEnd = prev.recoveringSince ?? t;
    const ended: TrackedViolation = {
      ...prev,
      state: "resolved",
      resolvedAt: t,
      resolution: "superseded",
      alertable: false,
      updatedAt: t,
    };
    const fresh = startPending(input, "violation");
    return {
      next: fresh,
      ended,
      transitions: [
        { type: "lapse", lapse: lapseOf(prev, lapseEnd) },
        { type: "resolved", violation: ended, alertable: prev.alerted, resolution: "superseded" },
        { type: "pending", violation: fresh },
      ],
    };
  }

  if (seen === "ok") {
    const since = prev.recoveringSince ?? t;
    let v: TrackedViolation = { ...prev, recoveringSince: since, updatedAt: t };
    v = withMaintenance(v, input.maintenance, transitions);
    if (prev.recoveringSince === null) transitions.push({ type: "recovering", violation: v });
    if (input.at - ms(since) < input.policy.recoverySeconds * 1000)
      return { next: v, ended: null, transitions };
    const ended: TrackedViolation = {
      ...v,
      state: "resolved",
      resolvedAt: t,
      resolution: "recovered",
      alertable: false,
    };
    transitions.push(
      { type: "lapse", lapse: lapseOf(v, since) },
      { type: "resolved", violation: ended, alertable: prev.alerted, resolution: "recovered" },
    );
    return { next: null, ended, transitions };
  }

  // Still bad (a violation, or unknown which cannot show it is fixed).
  let v: TrackedViolation = { ...prev, lastSeenAt: t, updatedAt: t, observations: prev.observations + 1 };
  if (prev.recoveringSince !== null) {
    transitions.push({ type: "lapse", lapse: lapseOf(prev, prev.recoveringSince) });
    v = { ...v, recoveringSince: null, lapseStart: t, observations: 1 };
  }
  v = withMaintenance(refreshed(v, input, seen), input.maintenance, transitions);
  const alertable = v.causedBy === null && !v.maintenance;
  v = { ...v, alertable };
  if (!v.recorded && recordable(v)) {
    v = { ...v, recorded: true };
    transitions.push({ type: "recorded", violation: v });
  }
  if (alertable && !v.alerted) {
    v = { ...v, alerted: true };
    transitions.push({ type: "became_alertable", violation: v });
  }
  if (prev.recoveringSince !== null) transitions.push({ type: "relapsed", violation: v });
  return { next: v, ended: null, transitions };
}

/**
 * Whether an open violation belongs in the ledger: all but derived blind spots (unknown because
 * of another finding, which is recorded itself). A derived real violation (a zone uncovered
 * because its camera is offline) is recorded.
 */
export function recordable(v: Pick<TrackedViolation, "causedBy" | "status">): boolean {
  return !(v.causedBy !== null && v.status === "unknown");
}

function withMaintenance(
  v: TrackedViolation,
  maintenance: boolean,
  transitions: Transition[],
): TrackedViolation {
  if (v.maintenance === maintenance) return v;
  const next = { ...v, maintenance, alertable: maintenance ? false : v.alertable };
  transitions.push({ type: "maintenance", violation: next, maintenance });
  return next;
}
