import type {
  Finding,
  FindingKind,
  FindingRef,
  FindingStatus,
  ReasonCode,
  Subject,
} from "../domain/finding.ts";
import type { ReasonParams } from "./reasons.ts";

/**
 * The outcome of one rule before it is tied to a kind and a subject: rule files build these
 * so the shared parts (subject, kind, the clock and device evidence) are added in one place.
 */
export type Outcome = {
  [R in ReasonCode]: {
    readonly status: FindingStatus;
    readonly reason: R;
    readonly params: ReasonParams[R];
    readonly evidence?: Readonly<Record<string, unknown>>;
    readonly causedBy?: FindingRef | null;
  };
}[ReasonCode];

export const outcome = <R extends ReasonCode>(
  status: FindingStatus,
  reason: R,
  params: ReasonParams[R],
  evidence: Readonly<Record<string, unknown>> = {},
  causedBy: FindingRef | null = null,
): Outcome => ({ status, reason, params, evidence, causedBy }) as Outcome;

/**
 * Ties an outcome to its kind and subject. A `not_required` outcome is never required; `required`
 * is false otherwise only for findings a run did not look at (pictures without probes).
 */
export function toFinding(
  kind: FindingKind,
  subject: Subject,
  o: Outcome,
  common: Readonly<Record<string, unknown>> = {},
  required = true,
): Finding {
  const base = {
    kind,
    subject,
    reason: o.reason,
    params: o.params,
    evidence: { ...common, ...o.evidence },
    causedBy: o.causedBy ?? null,
  };
  return o.status === "not_required"
    ? { ...base, status: o.status, required: false }
    : { ...base, status: o.status, required };
}

export const refOf = (f: { readonly kind: FindingKind; readonly subject: Subject }): FindingRef => ({
  kind: f.kind,
  subject: f.subject,
});

export const deviceSubject = (id: string): Subject => ({ type: "device", id });
export const cameraSubject = (id: string): Subject => ({ type: "camera", id });
export const zoneSubject = (id: string): Subject => ({ type: "zone", id });
export const siteSubject = (id: string): Subject => ({ type: "site", id });
