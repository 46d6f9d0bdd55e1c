import { DAY, PLAUSIBLE_FROM, parseIsoMs } from "../domain/time.ts";

/**
 * A time from recording data: null when absent, unreadable or a placeholder (1970 and other
 * dates before 2000 mean "not known", never "very old").
 */
export function recordedTime(text: string | null | undefined): number | null {
  const t = parseIsoMs(text);
  return t !== null && t >= PLAUSIBLE_FROM ? t : null;
}

export const isoOf = (ms: number): string => new Date(ms).toISOString();

/** Days with one decimal, rounded down so that a depth is never overstated. */
export const daysOf = (ms: number): number => Math.floor((ms / DAY) * 10) / 10;
