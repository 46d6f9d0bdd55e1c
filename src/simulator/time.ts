/** Time formatting and xs:duration reading, written for the simulator alone. */

/** xs:dateTime in UTC with a Z and whole seconds, as most devices write it. */
export function isoUtc(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
}

/** The epoch placeholder devices put where they do not know a date. */
export const EPOCH_PLACEHOLDER = "1970-01-01T00:00:00Z";

/**
 * Reads an xs:duration into milliseconds (years as 365 days, months as 30: the simulator only
 * needs timeouts and keep-alives). Returns null when the text is not a duration.
 */
export function parseDurationMs(text: string | null): number | null {
  if (text === null) return null;
  const m = /^(-)?P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?$/.exec(
    text.trim(),
  );
  if (!m || text.trim() === "P" || text.trim().endsWith("T")) return null;
  const [, neg, y, mo, d, h, mi, s] = m;
  const days = Number(y ?? 0) * 365 + Number(mo ?? 0) * 30 + Number(d ?? 0);
  const ms = ((days * 24 + Number(h ?? 0)) * 60 + Number(mi ?? 0)) * 60_000 + Number(s ?? 0) * 1000;
  return neg ? -ms : ms;
}

/** Broken-down wall-clock fields of a UTC instant shifted by an offset (for LocalDateTime). */
export function fields(ms: number): {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
} {
  const d = new Date(ms);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
  };
}

/**
 * The UTC offset in seconds a POSIX TZ string gives outside daylight saving ("CST-8" → +28800:
 * POSIX inverts the sign). Rules for daylight saving are ignored: a simplification the README
 * states. Unreadable strings give 0.
 */
export function posixTzOffsetSeconds(tz: string): number {
  const m = /^(?:<[^>]+>|[A-Za-z]{3,})([+-]?)(\d{1,2})(?::(\d{2}))?(?::(\d{2}))?/.exec(tz.trim());
  if (!m) return 0;
  const [, sign, h, mi, s] = m;
  const seconds = Number(h) * 3600 + Number(mi ?? 0) * 60 + Number(s ?? 0);
  return sign === "-" ? seconds : -seconds;
}
