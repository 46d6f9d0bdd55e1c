export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;

/** Before this, a device date is a reset clock or a placeholder, never a real recording. */
export const PLAUSIBLE_FROM = Date.UTC(2000, 0, 1);

const ISO =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d+))?)?\s*(Z|[+-]\d{2}:?\d{2})?$/i;

/**
 * Parses an ISO-8601 date-time into ms since the epoch. Written out rather than Date.parse,
 * which reads a string without a zone in the process's local time zone: the rules must not
 * depend on the host's TZ. A missing zone is taken as UTC (ONVIF times are UTC).
 */
export function parseIso(text: string | null | undefined): number | null {
  if (text == null) return null;
  const m = ISO.exec(text.trim());
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac, zone] = m;
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h);
  const minute = Number(mi);
  const second = Number(s ?? "0");
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 24 || minute > 59 || second > 60) return null;
  const ms = frac ? Math.floor(Number(`0.${frac}`) * 1000) : 0;
  let t = Date.UTC(Number(y), month - 1, day, hour, minute, second, ms);
  if (zone && zone.toUpperCase() !== "Z") {
    const sign = zone.startsWith("-") ? -1 : 1;
    const digits = zone.slice(1).replace(":", "");
    t -= sign * (Number(digits.slice(0, 2)) * HOUR + Number(digits.slice(2, 4)) * MINUTE);
  }
  return Number.isFinite(t) ? t : null;
}

/**
 * A time from recording data: null when absent, unreadable or a placeholder (1970 and other
 * dates before 2000 mean "not known", never "very old").
 */
export function recordedTime(text: string | null | undefined): number | null {
  const t = parseIso(text);
  return t !== null && t >= PLAUSIBLE_FROM ? t : null;
}

export const isoOf = (ms: number): string => new Date(ms).toISOString();

/** Days with one decimal, rounded down so that a depth is never overstated. */
export const daysOf = (ms: number): number => Math.floor((ms / DAY) * 10) / 10;
