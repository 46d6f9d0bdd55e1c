import { describe, expect, it } from "vitest";
import { parseICalendar } from "../../../src/onvif/schedule/icalendar.ts";

const cal = (...lines: string[]) =>
  ["BEGIN:VCALENDAR", "BEGIN:VEVENT", ...lines, "END:VEVENT", "END:VCALENDAR"].join("\r\n");

describe("parseICalendar", () => {
  it("reads DTEND as a duration and an all-day DTSTART as one day", () => {
    const p = parseICalendar(cal("DTSTART;VALUE=DATE:20250106", "RRULE:FREQ=WEEKLY;BYDAY=SA,SU;INTERVAL=1"));
    expect(p.ok).toBe(true);
    if (p.ok) {
      expect(p.events[0]).toMatchObject({
        durationSeconds: 86400,
        rrule: { freq: "WEEKLY", byDay: [5, 6], interval: 1 },
      });
    }
  });

  it("returns what it cannot read as data (the rules call it unreadable), never throws", () => {
    expect(parseICalendar("this is not a calendar")).toEqual({
      ok: false,
      error: "not a content line: this is not a calendar",
    });
    expect(parseICalendar(cal("DTSTART:20250106T000000", "DURATION:P1D", "RRULE:FREQ=MONTHLY"))).toEqual({
      ok: false,
      error: "RRULE FREQ=MONTHLY is not supported",
    });
  });
});
