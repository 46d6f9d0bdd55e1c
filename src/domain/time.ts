/** Time constants (ms), and the one reader of ISO-8601 date-times (device answers, stored times). */
export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Before this, a device date is a reset clock or a placeholder (1970-01-01 and friends), never real data. */
export const PLAUSIBLE_FROM = Date.UTC(2000, 0, 1);

const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|z|[+-]\d{2}:?\d{2})?$/;

/**
 * An ISO-8601 / xs:dateTime date-time in ms since the epoch, or null when the text is not a
 * real date-time; no plausibility cut. Written out rather than Date.parse, which reads a string
 * without a zone in the host's time zone: a missing zone means UTC (devices that omit it report
 * UTC in practice). Fractional seconds are kept to the millisecond; 24:00:00 is the end of the
 * day; a leap second is read as the second before it; anything impossible (minute 61,
 * February 30) is null rather than a rolled-over date.
 */
export function parseIsoMs(text: string | null | undefined): number | null {
  if (text === null || text === undefined) return null;
  const m = DATE_TIME.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  let hour = Number(h);
  const minute = Number(mi);
  let second = Number(s ?? "0");
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return null;
  let endOfDay = false;
  if (hour === 24 && minute === 0 && second === 0 && !frac) {
    hour = 0;
    endOfDay = true;
  }
  if (hour > 23 || minute > 59 || second > 60) return null;
  if (second === 60) second = 59;
  const ms = frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0;
  let t = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  if (endOfDay) t += DAY;
  if (zone && zone !== "Z" && zone !== "z") {
    const sign = zone.startsWith("-") ? -1 : 1;
    const digits = zone.slice(1).replace(":", "");
    const zh = Number(digits.slice(0, 2));
    const zm = Number(digits.slice(2, 4));
    if (zh > 14 || zm > 59) return null;
    t -= sign * (zh * HOUR + zm * MINUTE);
  }
  return Number.isFinite(t) ? t : null;
}

export function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}
