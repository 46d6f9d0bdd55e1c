/**
 * xs:dateTime values from devices, read defensively: a missing zone means UTC (devices that
 * omit it are reporting UTC in practice), fractional seconds are kept to the millisecond, and
 * anything impossible (minute 61, February 30) is null rather than a rolled-over date.
 */

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?\s*(Z|z|[+-]\d{2}:?\d{2})?$/;

/** The instant in ms since the epoch, or null when the text is not a real date-time. No plausibility cut. */
export function parseXsdDateTimeMs(text: string | null | undefined): number | null {
  if (text === null || text === undefined) return null;
  const m = DATE_TIME.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  let hour = Number(h);
  const minute = Number(mi);
  let second = Number(s);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  // 24:00:00 is the end of the day in xs:dateTime; a leap second is read as the second before it.
  let endOfDay = false;
  if (hour === 24 && minute === 0 && second === 0 && !frac) {
    hour = 0;
    endOfDay = true;
  }
  if (hour > 23 || minute > 59 || second > 60) return null;
  if (second === 60) second = 59;
  const ms = frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0;
  let t = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  if (endOfDay) t += 86_400_000;
  if (zone && zone !== "Z" && zone !== "z") {
    const sign = zone.startsWith("-") ? -1 : 1;
    const digits = zone.slice(1).replace(":", "");
    const zh = Number(digits.slice(0, 2));
    const zm = Number(digits.slice(2, 4));
    if (zh > 14 || zm > 59) return null;
    t -= sign * (zh * 60 + zm) * 60_000;
  }
  return Number.isFinite(t) ? t : null;
}

/** Recording data before this is a placeholder (1970-01-01 and friends), never "very old" data. */
export const EARLIEST_PLAUSIBLE_MS = Date.UTC(2000, 0, 1);

/**
 * A recording/event time as ISO-8601 UTC, or null when absent, invalid, or before 2000
 * (devices say 1970-01-01 when they mean "not known").
 */
export function parseRecordingTime(text: string | null | undefined): string | null {
  const t = parseXsdDateTimeMs(text);
  if (t === null || t < EARLIEST_PLAUSIBLE_MS) return null;
  return new Date(t).toISOString();
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/** Our ISO form for instants we send (xs:dateTime, UTC, no milliseconds: some firmware rejects them). */
export function formatXsdDateTime(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");
}
