import { closest } from "./suggest.ts";

/**
 * An IANA zone name the runtime knows. Intl alone would also take offsets such as "+08:00",
 * which have no daylight-saving rules and are not what the contract asks for.
 */
export function isIanaTimeZone(name: string): boolean {
  if (!/^[A-Za-z][A-Za-z0-9_+-]*(\/[A-Za-z0-9_+-]+)*$/.test(name)) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

/** The known zone closest to a mistyped one, e.g. Asia/Shangai -> Asia/Shanghai. */
export function suggestTimeZone(name: string): string | null {
  return closest(name, Intl.supportedValuesOf("timeZone"));
}

/** Minutes to add to UTC to get local time in `timeZone` at the instant `utcMs`. */
function offsetMinutes(timeZone: string, utcMs: number): number {
  const parts = new Intl.DateTimeFormat("en-US", {
    timeZone,
    hourCycle: "h23",
    year: "numeric",
    month: "2-digit",
    day: "2-digit",
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
  }).formatToParts(new Date(utcMs));
  const get = (type: string) => Number(parts.find((p) => p.type === type)?.value ?? 0);
  const localAsUtc = Date.UTC(
    get("year"),
    get("month") - 1,
    get("day"),
    get("hour"),
    get("minute"),
    get("second"),
  );
  return Math.round((localAsUtc - Math.floor(utcMs / 1000) * 1000) / 60_000);
}

/**
 * A configured instant as UTC ISO. A bare date (YYYY-MM-DD) is midnight in the site's zone;
 * where midnight does not exist that day (a DST jump at 00:00) it is the first minute that
 * does. A date-time carries its own offset.
 */
export function toUtcIso(value: string, timeZone: string): string {
  const bare = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!bare) return new Date(value).toISOString();
  const wall = Date.UTC(Number(bare[1]), Number(bare[2]) - 1, Number(bare[3]));
  // The zone's offsets around that day (before and after any transition) give the candidates;
  // a candidate is right when it shows midnight. Two midnights (clocks back to 00:00): the
  // first. None (clocks forward over 00:00): the transition itself, where that day begins.
  const hour = 3_600_000;
  const offsets = new Set([-36, 0, 36].map((h) => offsetMinutes(timeZone, wall + h * hour)));
  const candidates = [...offsets].map((o) => wall - o * 60_000);
  const exact = candidates.filter((t) => t + offsetMinutes(timeZone, t) * 60_000 === wall);
  return new Date(exact.length > 0 ? Math.min(...exact) : Math.max(...candidates)).toISOString();
}
