import { DAY, MINUTE, SECOND } from "../domain/time.ts";

/**
 * What a declared maintenance window may be, whoever declares it (API or CLI): it may not start
 * in the past beyond a little clock skew (an outage cannot be relabelled maintenance after the
 * fact), must end after it starts, and may not run longer than the limit.
 */
export const BACKDATE_TOLERANCE_MS = 5 * MINUTE;
export const DEFAULT_MAX_MAINTENANCE_SECONDS = (7 * DAY) / SECOND;

/** The problem with a window, in words for the person declaring it; null when it is acceptable. */
export function maintenanceWindowProblem(w: {
  readonly fromMs: number;
  readonly toMs: number;
  readonly nowMs: number;
  readonly maxSeconds: number;
}): string | null {
  if (w.fromMs < w.nowMs - BACKDATE_TOLERANCE_MS) {
    return "from is in the past: a maintenance window cannot be declared after the fact.";
  }
  if (w.toMs <= w.fromMs) return "to must be after from.";
  if (w.toMs - w.fromMs > w.maxSeconds * 1000) {
    return `A maintenance window may last at most ${w.maxSeconds / 3600} hours; declare a shorter one.`;
  }
  return null;
}
