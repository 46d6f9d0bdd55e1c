import { daysInMonth } from "./time.ts";
import { HOUR } from "./time.ts";

/**
 * Wall-clock time in a site's IANA time zone, converted to and from UTC with nothing but Intl
 * (no tz library). Shared by config/ (commissioning dates), the HTTP API and the CLI (dates that
 * people type), so the two places cannot drift apart on what "2026-03-01 in Asia/Shanghai" means.
 */

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

/** The UTC instant at which the wall clock of `timeZone` shows `wall` (given as if it were UTC). */
export function zonedToUtc(wall: number, timeZone: string): number {
  const first = wall - offsetAt(wall, timeZone);
  const second = offsetAt(first, timeZone);
  return wall - second;
}

/**
 * The instant a day begins in `timeZone`; `midnight` is that day's 00:00 given as if it were UTC
 * (Date.UTC(y, m - 1, d)). Where midnight does not exist that day (a DST jump at 00:00) it is
 * the first minute that does; where it happens twice (clocks back to 00:00), the first.
 */
export function startOfDayInZone(midnight: number, timeZone: string): number {
  // The zone's offsets around that day (before and after any transition) give the candidates;
  // a candidate is right when it shows midnight. Two midnights (clocks back to 00:00): the
  // first. None (clocks forward over 00:00): the transition itself, where that day begins.
  const offsets = new Set([-36, 0, 36].map((h) => offsetAt(midnight + h * HOUR, timeZone)));
  const candidates = [...offsets].map((o) => midnight - o);
  const exact = candidates.filter((t) => t + offsetAt(t, timeZone) === midnight);
  return exact.length > 0 ? Math.min(...exact) : Math.max(...candidates);
}

/**
 * Dates in query strings, bodies and command-line flags, read strictly: an ISO 8601 date
 * (midnight in the site's time zone, which is what a provider in Shanghai means by "from
 * 2026-03-01") or a date-time (in the site's time zone unless it carries Z or an offset).
 * Anything else is an error that says what was expected, never a silently shifted or
 * rolled-over date (no 2026-02-30).
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
  // A bare date is the day's start, as config/ reads one: on days whose midnight DST skips or
  // doubles (America/Santiago, America/Havana, Atlantic/Azores) plain wall-clock conversion
  // would give 23:00 the day before, or the second midnight.
  if (d !== null) return { ok: true, ms: startOfDayInZone(Date.UTC(y, mo - 1, day), timeZone) };
  return { ok: true, ms: zonedToUtc(Date.UTC(y, mo - 1, day, h, mi, s, ms), timeZone) };
}
