import type { ICalEvent, ParsedCalendar, RRule } from "../../domain/calendar.ts";
import { DAY as DAY_MS, HOUR as HOUR_MS, MINUTE as MINUTE_MS, SECOND } from "../../domain/time.ts";

// This module counts in seconds (iCalendar's unit), not domain/time.ts's ms.
const MINUTE = MINUTE_MS / SECOND;
const HOUR = HOUR_MS / SECOND;
const DAY = DAY_MS / SECOND;
const WEEK = 7 * DAY;
const UNIT: Readonly<Record<RRule["freq"], number>> = {
  MINUTELY: MINUTE,
  HOURLY: HOUR,
  DAILY: DAY,
  WEEKLY: WEEK,
};

/**
 * Uncovered stretches this short are ignored: recorder UIs write "00:00–23:59" or
 * "00:00:00–23:59:59" for a whole day, and the recorder does not stop for that minute.
 */
export const GAP_TOLERANCE_SECONDS = 60;

/** The longest repeating pattern examined (two years of weeks); longer ones are not read. */
const MAX_PERIOD = 104 * WEEK;
const MAX_OCCURRENCES = 1_000_000;

export type WeekPosition = {
  /** 0 = Monday … 6 = Sunday. */
  readonly weekday: number;
  /** "HH:MM" on the schedule's own clock. */
  readonly time: string;
};

export type Coverage =
  | { readonly kind: "full"; readonly notes: readonly string[] }
  | {
      readonly kind: "partial";
      readonly uncoveredSecondsPerWeek: number;
      readonly firstGap: WeekPosition;
      /** The first few uncovered stretches, e.g. { from: "Mon 19:00", to: "Tue 07:00" }. */
      readonly gaps: readonly { readonly from: string; readonly to: string }[];
      readonly notes: readonly string[];
    }
  | { readonly kind: "unreadable"; readonly detail: string };

/**
 * Whether an ONVIF schedule (its iCalendar text, as onvif/ parsed it) keeps a job recording 24 hours a day, 7 days
 * a week, from `deviceNow` on. The recurring events are laid over one common period (a whole
 * number of weeks) and the uncovered time is measured. Deliberately conservative, because a
 * compliant reading must be provable: events without an RRULE, with COUNT, with EXDATE/EXRULE,
 * not yet started or already ended (UNTIL) cover nothing; frequencies and rule parts beyond
 * MINUTELY…WEEKLY with BYDAY/BYHOUR/BYMINUTE/BYSECOND make the schedule unreadable.
 * With deviceNow null (untrusted device clock) DTSTART and UNTIL are not compared to now.
 */
export function scheduleCoverage(parsed: ParsedCalendar, deviceNow: number | null): Coverage {
  if (!parsed.ok) return { kind: "unreadable", detail: parsed.error };
  const notes: string[] = [];
  const live = parsed.events.filter((e, i) => {
    const why = notInForce(e, deviceNow);
    if (why !== null) notes.push(`event ${i + 1}: ${why}`);
    return why === null;
  });
  const period = live.reduce((acc, e) => lcm(acc, lcm(e.rrule!.interval * UNIT[e.rrule!.freq], WEEK)), WEEK);
  if (period > MAX_PERIOD)
    return { kind: "unreadable", detail: "the recurrence repeats over more than two years" };

  const intervals: [number, number][] = [];
  let occurrences = 0;
  for (const e of live) {
    if (e.durationSeconds >= period) return { kind: "full", notes };
    for (const start of occurrenceStarts(e, period)) {
      if (++occurrences > MAX_OCCURRENCES)
        return { kind: "unreadable", detail: "too many occurrences to examine" };
      const a = mod(start, period);
      const b = a + e.durationSeconds;
      if (b <= period) intervals.push([a, b]);
      else intervals.push([a, period], [0, b - period]);
    }
  }
  const gaps = uncovered(intervals, period).filter(([a, b]) => b - a > GAP_TOLERANCE_SECONDS);
  if (gaps.length === 0) return { kind: "full", notes };
  const total = gaps.reduce((s, [a, b]) => s + (b - a), 0);
  const byWeekPos = [...gaps].sort((x, y) => weekPos(x[0]) - weekPos(y[0]));
  return {
    kind: "partial",
    uncoveredSecondsPerWeek: (total * WEEK) / period,
    firstGap: position(byWeekPos[0]![0]),
    gaps: byWeekPos.slice(0, 5).map(([a, b]) => ({ from: label(a), to: label(b) })),
    notes,
  };
}

function notInForce(e: ICalEvent, deviceNow: number | null): string | null {
  const r = e.rrule;
  if (r === null) return "no RRULE: it happens once";
  if (r.count !== null) return `COUNT=${r.count}: it ends after a number of occurrences`;
  if (e.hasExceptions) return "EXDATE/EXRULE cut occurrences out";
  if (e.durationSeconds <= 0) return "occurrences have no length";
  if (deviceNow !== null) {
    // Wall seconds compared with the device's UTC: off by the zone offset at most, which
    // only matters on the day a schedule starts or ends.
    if (e.start.seconds * 1000 > deviceNow) return "DTSTART is in the future";
    if (r.until !== null && r.until.seconds * 1000 < deviceNow) return "UNTIL has passed";
  }
  return null;
}

/** Every occurrence start over one period, from the start of the FREQ unit holding DTSTART. */
function* occurrenceStarts(e: ICalEvent, period: number): Generator<number> {
  const r = e.rrule!;
  const s0 = e.start.seconds;
  const tod = mod(s0, DAY);
  const hours = r.byHour ?? [Math.floor(tod / HOUR)];
  const minutes = r.byMinute ?? [Math.floor(mod(tod, HOUR) / MINUTE)];
  const seconds = r.bySecond ?? [mod(tod, MINUTE)];
  const step = r.interval * UNIT[r.freq];
  const first =
    r.freq === "WEEKLY" ? s0 - tod - weekday(s0) * DAY : Math.floor(s0 / UNIT[r.freq]) * UNIT[r.freq];
  const dayOk = (t: number): boolean => r.byDay === null || r.byDay.includes(weekday(t));
  for (let unit = first; unit < first + period; unit += step) {
    switch (r.freq) {
      case "WEEKLY":
        for (const d of r.byDay ?? [weekday(s0)]) {
          for (const h of hours)
            for (const m of minutes)
              for (const s of seconds) yield unit + d * DAY + h * HOUR + m * MINUTE + s;
        }
        break;
      case "DAILY":
        if (!dayOk(unit)) break;
        for (const h of hours)
          for (const m of minutes) for (const s of seconds) yield unit + h * HOUR + m * MINUTE + s;
        break;
      case "HOURLY":
        if (!dayOk(unit) || (r.byHour !== null && !r.byHour.includes(hourOf(unit)))) break;
        for (const m of minutes) for (const s of seconds) yield unit + m * MINUTE + s;
        break;
      case "MINUTELY":
        if (!dayOk(unit) || (r.byHour !== null && !r.byHour.includes(hourOf(unit)))) break;
        if (r.byMinute !== null && !r.byMinute.includes(Math.floor(mod(unit, HOUR) / MINUTE))) break;
        for (const s of seconds) yield unit + s;
        break;
    }
  }
}

/** The stretches of [0, period) no interval covers; one that wraps past the end is joined up. */
function uncovered(intervals: [number, number][], period: number): [number, number][] {
  const sorted = [...intervals].sort((x, y) => x[0] - y[0]);
  const gaps: [number, number][] = [];
  let reach = 0;
  for (const [a, b] of sorted) {
    if (a > reach) gaps.push([reach, a]);
    reach = Math.max(reach, b);
  }
  if (reach < period) gaps.push([reach, period]);
  const head = gaps[0];
  const tail = gaps[gaps.length - 1];
  if (gaps.length > 1 && head && tail && head[0] === 0 && tail[1] === period) {
    gaps.pop();
    gaps[0] = [tail[0], period + head[1]];
  }
  return gaps;
}

const mod = (a: number, n: number): number => ((a % n) + n) % n;
const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
const lcm = (a: number, b: number): number => (a / gcd(a, b)) * b;
/** 0 = Monday: 1970-01-01, wall second 0, was a Thursday. */
const weekday = (t: number): number => mod(Math.floor(t / DAY) + 3, 7);
const hourOf = (t: number): number => Math.floor(mod(t, DAY) / HOUR);
const weekPos = (t: number): number => mod(t + 3 * DAY, WEEK);
const DAY_NAMES = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] as const;

function position(t: number): WeekPosition {
  const p = weekPos(t);
  const tod = mod(p, DAY);
  const hh = String(Math.floor(tod / HOUR)).padStart(2, "0");
  const mm = String(Math.floor(mod(tod, HOUR) / MINUTE)).padStart(2, "0");
  return { weekday: Math.floor(p / DAY), time: `${hh}:${mm}` };
}

function label(t: number): string {
  const p = position(t);
  return `${DAY_NAMES[p.weekday]} ${p.time}`;
}
