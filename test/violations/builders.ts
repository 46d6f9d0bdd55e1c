import type { Finding, FindingKind, FindingRef, JudgedStatus, Subject } from "../../src/domain/finding.ts";
import type { LifecyclePolicy } from "../../src/violations/lifecycle.ts";

export const T0 = Date.parse("2026-10-01T00:00:00.000Z");
/** Seconds after T0, in ms. */
export const at = (seconds: number): number => T0 + seconds * 1000;
export const isoAt = (seconds: number): string => new Date(at(seconds)).toISOString();

export const POLICY: LifecyclePolicy = {
  graceSeconds: 120,
  graceByKind: { retention_short: 3600 },
  recoverySeconds: 60,
};

export const camera = (id: string): Subject => ({ type: "camera", id });
export const device = (id: string): Subject => ({ type: "device", id });
export const zone = (id: string): Subject => ({ type: "zone", id });

export interface FindingOptions {
  readonly subject?: Subject;
  readonly required?: boolean;
  readonly causedBy?: FindingRef | null;
  readonly evidence?: Record<string, unknown>;
}

export function finding(kind: FindingKind, status: JudgedStatus, options: FindingOptions = {}): Finding {
  return {
    kind,
    subject: options.subject ?? camera("cam1"),
    status,
    required: options.required ?? true,
    reason:
      status === "ok"
        ? "recording_active"
        : status === "unknown"
          ? "job_state_unavailable"
          : "video_track_not_active",
    params: {},
    evidence: options.evidence ?? { status },
    causedBy: options.causedBy ?? null,
  };
}

/** Ids v1, v2, ... in order. */
export function sequentialIds(prefix = "v"): () => string {
  let n = 0;
  return () => `${prefix}${++n}`;
}
