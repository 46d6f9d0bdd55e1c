/**
 * An ONVIF schedule's iCalendar text as onvif/ parsed it (onvif/schedule/icalendar.ts), the
 * form compliance/ reads. Times are "wall seconds": seconds since 1970-01-01T00:00 on the
 * event's own clock (floating, TZID or UTC alike).
 */

export type Freq = "MINUTELY" | "HOURLY" | "DAILY" | "WEEKLY";

export interface WallTime {
  readonly seconds: number;
  /** A VALUE=DATE (all-day) value. */
  readonly dateOnly: boolean;
  readonly utc: boolean;
}

export interface RRule {
  readonly freq: Freq;
  readonly interval: number;
  /** 0 = Monday … 6 = Sunday. */
  readonly byDay: readonly number[] | null;
  readonly byHour: readonly number[] | null;
  readonly byMinute: readonly number[] | null;
  readonly bySecond: readonly number[] | null;
  readonly until: WallTime | null;
  readonly count: number | null;
}

export interface ICalEvent {
  readonly start: WallTime;
  /** Length of each occurrence in seconds. */
  readonly durationSeconds: number;
  readonly rrule: RRule | null;
  /** EXDATE or EXRULE present: some occurrences are cut out. */
  readonly hasExceptions: boolean;
}

export type ParsedCalendar =
  | { readonly ok: true; readonly events: readonly ICalEvent[] }
  | { readonly ok: false; readonly error: string };
