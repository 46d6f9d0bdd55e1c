import type { Subject } from "../domain/finding.ts";
import type { Lapse, TrackedViolation } from "../domain/violation.ts";
import { lapseOf } from "./lifecycle.ts";

/** A lapse as a report shows it: clipped to the period, with its length. */
export interface ReportLapse extends Lapse {
  /** Seconds of it inside the period (an ongoing one counts up to now). */
  readonly seconds: number;
}

/** How compliant one subject (zone, camera, device, site) was over a period. */
export interface SubjectUptime {
  readonly subject: Subject;
  readonly from: string;
  readonly to: string;
  /** When the monitor's record of the site begins inside the period; null when it does not reach into it. */
  readonly observedFrom: string | null;
  /** Share of the period shown compliant, 0–100; null when nothing was observed in it. */
  readonly compliantPercent: number | null;
  /**
   * Share of the period that could not be told: unknown lapses, and time the monitor did not
   * observe (before its record begins, or still to come). Unknown is never compliant.
   */
  readonly unknownPercent: number | null;
  readonly violationSeconds: number;
  readonly unknownSeconds: number;
  readonly unobservedSeconds: number;
  /** Of the lapses, the time inside maintenance windows. */
  readonly maintenanceSeconds: number;
  /** Oldest first. */
  readonly lapses: readonly ReportLapse[];
}

/** The lapse a pending or open violation is in now (or ended at its recovery). */
export function currentLapse(v: TrackedViolation): Lapse {
  return lapseOf(v, v.recoveringSince);
}

type Span = readonly [number, number];

/**
 * Pure: the uptime of one subject from its lapses. `recordStart` is when the monitor began
 * observing the site (ms; null when never), `now` bounds ongoing lapses and the observed part.
 */
export function computeUptime(
  subject: Subject,
  lapses: readonly Lapse[],
  fromMs: number,
  toMs: number,
  recordStart: number | null,
  now: number,
): SubjectUptime {
  const period = toMs - fromMs;
  if (!(period > 0)) throw new RangeError("the period must end after it starts");
  const observedStart = recordStart === null ? null : Math.max(fromMs, recordStart);
  const observedEnd = Math.min(toMs, now);
  const observed = observedStart !== null && observedEnd > observedStart ? observedEnd - observedStart : 0;

  const mine = lapses.filter((l) => l.subject.type === subject.type && l.subject.id === subject.id);
  const clipped: { lapse: Lapse; span: Span }[] = [];
  for (const lapse of mine) {
    const start = Math.max(Date.parse(lapse.from), fromMs);
    const end = Math.min(lapse.to === null ? now : Date.parse(lapse.to), toMs, now);
    if (end > start) clipped.push({ lapse, span: [start, end] });
  }
  const inObserved = (s: Span): Span | null => {
    if (observedStart === null) return null;
    const a = Math.max(s[0], observedStart);
    const b = Math.min(s[1], observedEnd);
    return b > a ? [a, b] : null;
  };
  const spans = (pick: (l: Lapse) => boolean): Span[] =>
    clipped
      .filter((c) => pick(c.lapse))
      .flatMap((c): Span[] => {
        const s = inObserved(c.span);
        return s === null ? [] : [s];
      });
  const bad = measure(spans(() => true));
  const violation = measure(spans((l) => l.status === "violation"));
  const maintenance = measure(spans((l) => l.maintenance));
  const unobserved = period - observed;
  const pct = (x: number) => Math.round((x / period) * 100_000) / 1000;

  return {
    subject,
    from: new Date(fromMs).toISOString(),
    to: new Date(toMs).toISOString(),
    observedFrom: observedStart !== null && observed > 0 ? new Date(observedStart).toISOString() : null,
    compliantPercent: observed > 0 ? pct(observed - bad) : null,
    unknownPercent: observed > 0 ? pct(bad - violation + unobserved) : null,
    violationSeconds: violation / 1000,
    unknownSeconds: (bad - violation) / 1000,
    unobservedSeconds: unobserved / 1000,
    maintenanceSeconds: maintenance / 1000,
    lapses: clipped
      .sort((a, b) => a.span[0] - b.span[0])
      .map(({ lapse, span }) => ({ ...lapse, seconds: (span[1] - span[0]) / 1000 })),
  };
}

/** Total length of the union of spans. */
function measure(spans: readonly Span[]): number {
  const sorted = [...spans].sort((a, b) => a[0] - b[0]);
  let total = 0;
  let cur: [number, number] | null = null;
  for (const [a, b] of sorted) {
    if (cur === null || a > cur[1]) {
      if (cur) total += cur[1] - cur[0];
      cur = [a, b];
    } else if (b > cur[1]) {
      cur[1] = b;
    }
  }
  if (cur) total += cur[1] - cur[0];
  return total;
}
