import { startOfDayInZone } from "../domain/zonedTime.ts";
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

/**
 * A configured instant as UTC ISO. A bare date (YYYY-MM-DD) is midnight in the site's zone;
 * where midnight does not exist that day (a DST jump at 00:00) it is the first minute that
 * does. A date-time carries its own offset (the schema insists on one).
 */
export function toUtcIso(value: string, timeZone: string): string {
  const bare = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!bare) return new Date(value).toISOString();
  const midnight = Date.UTC(Number(bare[1]), Number(bare[2]) - 1, Number(bare[3]));
  return new Date(startOfDayInZone(midnight, timeZone)).toISOString();
}
