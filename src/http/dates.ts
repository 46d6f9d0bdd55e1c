/**
 * Dates in query strings and bodies, read strictly: an ISO 8601 date (midnight in the site's
 * time zone, which is what a provider in Shanghai means by "from 2026-03-01") or a date-time
 * (in the site's time zone unless it carries Z or an offset). Anything else is an error that
 * says what was expected, never a silently shifted or rolled-over date (no 2026-02-30).
 */
export type Instant =
  { readonly ok: true; readonly ms: number } | { readonly ok: false; readonly message: string };

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:?\d{2})?$/i;

export const DATE_HINT = "an ISO 8601 date (2026-03-01) or date-time (2026-03-01T08:00:00+08:00)";

export function parseInstant(field: string, value: string, timeZone: string): Instant {
  const bad = (why: string): Instant => ({
    ok: false,
    message: `${field}: "${value}" ${why}; use ${DATE_HINT}.`,
  });
  const d = DATE.exec(value);
  const dt = d === null ? DATE_TIME.exec(value) : null;
  const m = d ?? dt;
  if (m === null) return bad("is not a date");
  const [y, mo, day, h, mi, s] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? "0")) as [
    number,
    number,
    number,
    number,
    number,
    number,
  ];
  const ms = Math.round(Number(`0.${m[7] ?? "0"}`) * 1000);
  if (mo < 1 || mo > 12 || day < 1 || day > daysInMonth(y, mo)) return bad("is not a day of the calendar");
  if (h > 23 || mi > 59 || s > 59) return bad("is not a time of day");
  const offset = m[8];
  if (offset !== undefined) {
    if (offset.toUpperCase() === "Z") return { ok: true, ms: Date.UTC(y, mo - 1, day, h, mi, s, ms) };
    const om = /^([+-])(\d{2}):?(\d{2})$/.exec(offset)!;
    const minutes = Number(om[2]) * 60 + Number(om[3]);
    if (Number(om[2]) > 23 || Number(om[3]) > 59) return bad("has an impossible UTC offset");
    const sign = om[1] === "-" ? -1 : 1;
    return { ok: true, ms: Date.UTC(y, mo - 1, day, h, mi, s, ms) - sign * minutes * 60_000 };
  }
  return { ok: true, ms: zonedToUtc(Date.UTC(y, mo - 1, day, h, mi, s, ms), timeZone) };
}

function daysInMonth(y: number, mo: number): number {
  return new Date(Date.UTC(y, mo, 0)).getUTCDate();
}

/** The UTC instant at which the wall clock of `timeZone` shows `wall` (given as if it were UTC). */
export function zonedToUtc(wall: number, timeZone: string): number {
  const first = wall - offsetAt(wall, timeZone);
  const second = offsetAt(first, timeZone);
  return wall - second;
}

/** How far the zone's wall clock is ahead of UTC at the instant, in ms. */
export function offsetAt(instant: number, timeZone: string): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(instant);
  const get = (t: Intl.DateTimeFormatPartTypes): number =>
    Number(parts.find((p) => p.type === t)?.value ?? "0");
  const wall = Date.UTC(get("year"), get("month") - 1, get("day"), get("hour"), get("minute"), get("second"));
  return wall - (instant - (((instant % 1000) + 1000) % 1000));
}
