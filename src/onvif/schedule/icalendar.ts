import type { Freq, ICalEvent, ParsedCalendar, RRule, WallTime } from "../../domain/calendar.ts";
import { DAY, HOUR, MINUTE, SECOND } from "../../domain/time.ts";

/**
 * The part of iCalendar (RFC 5545) that ONVIF schedules use: VEVENTs with DTSTART, DTEND or
 * DURATION, and an RRULE. Times are kept as "wall seconds": seconds since 1970-01-01T00:00 on
 * the event's own clock (floating, TZID or UTC alike). Coverage is a question about the weekly
 * pattern, which does not depend on the zone as long as one schedule uses one.
 * Parsed here, where device text is read; compliance/ gets the result (domain/calendar.ts) as data.
 */

const WEEKDAYS = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"] as const;
const FREQS: readonly string[] = ["MINUTELY", "HOURLY", "DAILY", "WEEKLY"];

class CalendarError extends Error {}

interface Property {
  readonly name: string;
  readonly params: ReadonlyMap<string, string>;
  readonly value: string;
}

export function parseICalendar(text: string): ParsedCalendar {
  try {
    const props = unfold(text).map(parseLine);
    const blocks = eventBlocks(props);
    if (blocks.length === 0) throw new CalendarError("no VEVENT with a DTSTART");
    return { ok: true, events: blocks.map(parseEvent) };
  } catch (e) {
    if (e instanceof CalendarError) return { ok: false, error: e.message };
    throw e;
  }
}

/** Joins folded lines (CRLF followed by a space or tab) and drops empty ones. */
function unfold(text: string): string[] {
  return text
    .replace(/\r\n?/g, "\n")
    .replace(/\n[ \t]/g, "")
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.length > 0);
}

function parseLine(line: string): Property {
  const colon = line.indexOf(":");
  if (colon <= 0) throw new CalendarError(`not a content line: ${line.slice(0, 60)}`);
  const [name = "", ...rawParams] = line.slice(0, colon).split(";");
  const params = new Map<string, string>();
  for (const p of rawParams) {
    const eq = p.indexOf("=");
    if (eq > 0) params.set(p.slice(0, eq).toUpperCase(), p.slice(eq + 1));
  }
  return { name: name.toUpperCase(), params, value: line.slice(colon + 1).trim() };
}

/**
 * The properties of each VEVENT. Some devices send a bare event without the VCALENDAR and
 * VEVENT wrappers; a text with a DTSTART and no VEVENT is read as one event.
 */
function eventBlocks(props: readonly Property[]): Property[][] {
  const blocks: Property[][] = [];
  let current: Property[] | null = null;
  for (const p of props) {
    if (p.name === "BEGIN" && p.value.toUpperCase() === "VEVENT") {
      if (current) throw new CalendarError("nested VEVENT");
      current = [];
    } else if (p.name === "END" && p.value.toUpperCase() === "VEVENT") {
      if (!current) throw new CalendarError("END:VEVENT without BEGIN");
      blocks.push(current);
      current = null;
    } else if (current) {
      current.push(p);
    }
  }
  if (current) throw new CalendarError("VEVENT not closed");
  if (blocks.length === 0 && props.some((p) => p.name === "DTSTART")) {
    blocks.push(props.filter((p) => p.name !== "BEGIN" && p.name !== "END"));
  }
  return blocks;
}

function parseEvent(props: readonly Property[]): ICalEvent {
  const one = (name: string): Property | undefined => {
    const found = props.filter((p) => p.name === name);
    if (found.length > 1) throw new CalendarError(`more than one ${name}`);
    return found[0];
  };
  const dtstart = one("DTSTART");
  if (!dtstart) throw new CalendarError("VEVENT without DTSTART");
  const start = parseDateTime(dtstart.value, dtstart.params.get("VALUE"));
  const dtend = one("DTEND");
  const duration = one("DURATION");
  if (dtend && duration) throw new CalendarError("both DTEND and DURATION");
  let durationSeconds: number;
  if (dtend) durationSeconds = parseDateTime(dtend.value, dtend.params.get("VALUE")).seconds - start.seconds;
  else if (duration) durationSeconds = parseDuration(duration.value);
  else durationSeconds = start.dateOnly ? DAY / SECOND : 0;
  if (durationSeconds < 0) throw new CalendarError("DTEND before DTSTART");
  const rrules = props.filter((p) => p.name === "RRULE");
  if (rrules.length > 1) throw new CalendarError("more than one RRULE");
  return {
    start,
    durationSeconds,
    rrule: rrules[0] ? parseRRule(rrules[0].value) : null,
    hasExceptions: props.some((p) => p.name === "EXDATE" || p.name === "EXRULE"),
  };
}

const DATE_TIME = /^(\d{4})(\d{2})(\d{2})(?:T(\d{2})(\d{2})(\d{2})(Z)?)?$/i;

export function parseDateTime(value: string, valueType?: string): WallTime {
  const m = DATE_TIME.exec(value);
  if (!m) throw new CalendarError(`bad date-time ${value}`);
  const [, y, mo, d, h, mi, s, z] = m;
  const dateOnly = h === undefined;
  if (valueType?.toUpperCase() === "DATE" && !dateOnly)
    throw new CalendarError(`VALUE=DATE with a time: ${value}`);
  const month = Number(mo);
  const day = Number(d);
  const hour = Number(h ?? 0);
  const minute = Number(mi ?? 0);
  const second = Number(s ?? 0);
  // 24:00:00 is accepted as the end of a day: some devices write it for "until midnight".
  const endOfDay = hour === 24 && minute === 0 && second === 0;
  if (
    month < 1 ||
    month > 12 ||
    day < 1 ||
    day > 31 ||
    (hour > 23 && !endOfDay) ||
    minute > 59 ||
    second > 60
  ) {
    throw new CalendarError(`bad date-time ${value}`);
  }
  const ms = Date.UTC(Number(y), month - 1, day, hour, minute, second);
  return { seconds: ms / 1000, dateOnly, utc: z !== undefined };
}

const DURATION = /^([+-])?P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$/i;

function parseDuration(value: string): number {
  const m = DURATION.exec(value);
  if (!m || value.toUpperCase().endsWith("T") || value.toUpperCase() === "P") {
    throw new CalendarError(`bad DURATION ${value}`);
  }
  const [, sign, w, d, h, mi, s] = m;
  if (sign === "-") throw new CalendarError(`negative DURATION ${value}`);
  const n = (x: string | undefined): number => Number(x ?? 0);
  return (n(w) * 7 * DAY + n(d) * DAY + n(h) * HOUR + n(mi) * MINUTE) / SECOND + n(s);
}

function parseRRule(value: string): RRule {
  const parts = new Map<string, string>();
  for (const part of value.split(";")) {
    if (part.length === 0) continue;
    const eq = part.indexOf("=");
    if (eq <= 0) throw new CalendarError(`bad RRULE part ${part}`);
    const key = part.slice(0, eq).toUpperCase();
    if (parts.has(key)) throw new CalendarError(`RRULE repeats ${key}`);
    parts.set(key, part.slice(eq + 1).toUpperCase());
  }
  const freq = parts.get("FREQ");
  if (!freq) throw new CalendarError("RRULE without FREQ");
  if (!FREQS.includes(freq)) throw new CalendarError(`RRULE FREQ=${freq} is not supported`);
  for (const key of parts.keys()) {
    if (
      !["FREQ", "INTERVAL", "BYDAY", "BYHOUR", "BYMINUTE", "BYSECOND", "UNTIL", "COUNT", "WKST"].includes(key)
    ) {
      throw new CalendarError(`RRULE ${key} is not supported`);
    }
  }
  if (parts.has("UNTIL") && parts.has("COUNT")) throw new CalendarError("RRULE with both UNTIL and COUNT");
  const interval = parts.has("INTERVAL") ? positiveInt(parts.get("INTERVAL")!, "INTERVAL") : 1;
  const byDay = parts.has("BYDAY")
    ? parts
        .get("BYDAY")!
        .split(",")
        .map((d) => {
          const i = WEEKDAYS.indexOf(d as (typeof WEEKDAYS)[number]);
          // "+1MO"-style ordinals only mean something in MONTHLY/YEARLY rules.
          if (i < 0) throw new CalendarError(`bad BYDAY ${d}`);
          return i;
        })
    : null;
  const until = parts.get("UNTIL");
  const count = parts.get("COUNT");
  return {
    freq: freq as Freq,
    interval,
    byDay,
    byHour: intList(parts.get("BYHOUR"), 0, 23, "BYHOUR"),
    byMinute: intList(parts.get("BYMINUTE"), 0, 59, "BYMINUTE"),
    bySecond: intList(parts.get("BYSECOND"), 0, 60, "BYSECOND"),
    until: until !== undefined ? parseDateTime(until) : null,
    count: count !== undefined ? positiveInt(count, "COUNT") : null,
  };
}

function positiveInt(v: string, what: string): number {
  if (!/^\d+$/.test(v) || Number(v) < 1) throw new CalendarError(`bad ${what} ${v}`);
  return Number(v);
}

function intList(v: string | undefined, min: number, max: number, what: string): number[] | null {
  if (v === undefined) return null;
  return v.split(",").map((x) => {
    if (!/^\d+$/.test(x) || Number(x) < min || Number(x) > max) throw new CalendarError(`bad ${what} ${x}`);
    return Number(x);
  });
}
