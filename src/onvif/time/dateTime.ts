import { PLAUSIBLE_FROM, parseIsoMs } from "../../domain/time.ts";

/**
 * xs:dateTime values from devices, read defensively: a missing zone means UTC (devices that
 * omit it are reporting UTC in practice), fractional seconds are kept to the millisecond, and
 * anything impossible (minute 61, February 30) is null rather than a rolled-over date. The
 * reading itself is domain/time.ts's parseIsoMs, the one date parser: this file only adds the
 * device-side rules (the plausibility cut, the form we send).
 */

/**
 * A recording/event time as ISO-8601 UTC, or null when absent, invalid, or before 2000
 * (devices say 1970-01-01 when they mean "not known").
 */
export function parseRecordingTime(text: string | null | undefined): string | null {
  const t = parseIsoMs(text);
  // Recording data before PLAUSIBLE_FROM is a placeholder (1970-01-01 and friends), never "very old" data.
  if (t === null || t < PLAUSIBLE_FROM) return null;
  return new Date(t).toISOString();
}

/** Our ISO form for instants we send (xs:dateTime, UTC, no milliseconds: some firmware rejects them). */
export function formatXsdDateTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}
