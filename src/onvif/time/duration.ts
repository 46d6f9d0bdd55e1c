import { DAY as DAY_MS, HOUR, MINUTE, SECOND } from "../../domain/time.ts";

/**
 * xs:duration → seconds, for MaximumRetentionTime and friends ("P90D", "PT1H", "PT0S", "P1Y2M").
 * Years and months have no fixed length; they count as 365 and 30 days, which is what a
 * retention setting of "P3M" means to a person reading it. Negative or malformed → null.
 */
const DURATION =
  /^(-)?P(?:(\d+(?:\.\d+)?)Y)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)W)?(?:(\d+(?:\.\d+)?)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/;

/** In seconds, the unit of the result. */
const DAY = DAY_MS / SECOND;

export function parseDurationSeconds(text: string | null | undefined): number | null {
  if (text === null || text === undefined) return null;
  const s = text.trim();
  const m = DURATION.exec(s);
  if (!m) return null;
  // "P" alone or a "T" with nothing after it are not durations.
  if (s === "P" || s === "-P" || s.endsWith("T")) return null;
  const [, neg, y, mo, w, d, h, mi, sec] = m;
  if (![y, mo, w, d, h, mi, sec].some((v) => v !== undefined)) return null;
  if (neg) return null;
  const n = (v: string | undefined): number => (v === undefined ? 0 : Number(v));
  const total =
    n(y) * 365 * DAY +
    n(mo) * 30 * DAY +
    n(w) * 7 * DAY +
    n(d) * DAY +
    n(h) * (HOUR / SECOND) +
    n(mi) * (MINUTE / SECOND) +
    n(sec);
  return Number.isFinite(total) ? total : null;
}

/** Seconds → xs:duration, for the timeouts we send ("PT2S", "PT10S"). */
export function formatDuration(seconds: number): string {
  return `PT${Math.max(0, Math.round(seconds))}S`;
}
