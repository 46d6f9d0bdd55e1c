import { describe, expect, it } from "vitest";
import { scheduleCoverage as coverageOfCalendar } from "../../../src/compliance/schedule/coverage.ts";
import { parseICalendar } from "../../../src/onvif/schedule/icalendar.ts";
import { NOW } from "../builders.ts";

const cal = (...lines: string[]) =>
  ["BEGIN:VCALENDAR", "BEGIN:VEVENT", ...lines, "END:VEVENT", "END:VCALENDAR"].join("\r\n");
/** The schedule text as the device sends it, parsed in onvif/ as the poll does, then judged. */
const scheduleCoverage = (text: string, deviceNow: number | null) =>
  coverageOfCalendar(parseICalendar(text), deviceNow);
const hours = (c: ReturnType<typeof scheduleCoverage>) =>
  c.kind === "partial" ? c.uncoveredSecondsPerWeek / 3600 : 0;

describe("scheduleCoverage", () => {
  it("reads the ONVIF 24 × 7 example (daily, DTSTART in 1970) as full", () => {
    const text = cal(
      "SUMMARY:Access 24*7",
      "DTSTART:19700101T000000",
      "DTEND:19700102T000000",
      "RRULE:FREQ=DAILY;INTERVAL=1",
    );
    expect(scheduleCoverage(text, NOW).kind).toBe("full");
  });

  it("reads a weekly rule with all seven days as full", () => {
    const text = cal(
      "DTSTART:20250106T000000",
      "DTEND:20250107T000000",
      "RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU",
    );
    expect(scheduleCoverage(text, NOW).kind).toBe("full");
  });

  it("reads one week-long occurrence repeated weekly as full", () => {
    expect(
      scheduleCoverage(cal("DTSTART:20250106T000000", "DURATION:P7D", "RRULE:FREQ=WEEKLY"), NOW).kind,
    ).toBe("full");
  });

  it("forgives a day that ends at 23:59:59, as recorder UIs write it", () => {
    expect(
      scheduleCoverage(cal("DTSTART:20250106T000000", "DTEND:20250106T235959", "RRULE:FREQ=DAILY"), NOW).kind,
    ).toBe("full");
  });

  it("joins two half-day events into a full day", () => {
    const text = [
      "BEGIN:VCALENDAR",
      "BEGIN:VEVENT",
      "DTSTART:20250106T000000",
      "DTEND:20250106T120000",
      "RRULE:FREQ=DAILY",
      "END:VEVENT",
      "BEGIN:VEVENT",
      "DTSTART:20250106T120000",
      "DURATION:PT12H",
      "RRULE:FREQ=DAILY",
      "END:VEVENT",
      "END:VCALENDAR",
    ].join("\n");
    expect(scheduleCoverage(text, NOW).kind).toBe("full");
  });

  it("finds the weekend missing from a Mon–Fri schedule", () => {
    const c = scheduleCoverage(
      cal("DTSTART:20250106T000000", "DTEND:20250107T000000", "RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR"),
      NOW,
    );
    expect(c.kind).toBe("partial");
    expect(hours(c)).toBe(48);
    if (c.kind === "partial") {
      expect(c.firstGap).toEqual({ weekday: 5, time: "00:00" });
      expect(c.gaps).toEqual([{ from: "Sat 00:00", to: "Mon 00:00" }]);
    }
  });

  it("finds the nights missing from a 07:00–19:00 daily schedule", () => {
    const c = scheduleCoverage(
      cal("DTSTART:20250106T070000", "DTEND:20250106T190000", "RRULE:FREQ=DAILY"),
      NOW,
    );
    expect(hours(c)).toBe(84);
    if (c.kind === "partial") expect(c.firstGap).toEqual({ weekday: 0, time: "19:00" });
  });

  it("finds every other day missing from FREQ=DAILY;INTERVAL=2", () => {
    expect(
      hours(
        scheduleCoverage(cal("DTSTART:20250106T000000", "DURATION:P1D", "RRULE:FREQ=DAILY;INTERVAL=2"), NOW),
      ),
    ).toBe(84);
  });

  it("expands BYHOUR within a day", () => {
    const text = cal("DTSTART:20250106T000000", "DURATION:PT6H", "RRULE:FREQ=DAILY;BYHOUR=0,6,12,18");
    expect(scheduleCoverage(text, NOW).kind).toBe("full");
  });

  it("counts nothing from a rule that has ended, is limited by COUNT, or has not started", () => {
    const ended = cal("DTSTART:20250106T000000", "DURATION:P1D", "RRULE:FREQ=DAILY;UNTIL=20260101T000000Z");
    expect(hours(scheduleCoverage(ended, NOW))).toBe(168);
    const future = cal("DTSTART:20250106T000000", "DURATION:P1D", "RRULE:FREQ=DAILY;UNTIL=20300101T000000Z");
    expect(scheduleCoverage(future, NOW).kind).toBe("full");
    expect(
      hours(
        scheduleCoverage(cal("DTSTART:20250106T000000", "DURATION:P1D", "RRULE:FREQ=DAILY;COUNT=1000"), NOW),
      ),
    ).toBe(168);
    expect(
      hours(scheduleCoverage(cal("DTSTART:20300106T000000", "DURATION:P1D", "RRULE:FREQ=DAILY"), NOW)),
    ).toBe(168);
    expect(hours(scheduleCoverage(cal("DTSTART:20250106T000000", "DURATION:P1D"), NOW))).toBe(168);
  });

  it("does not compare DTSTART with now when the device clock is untrusted", () => {
    expect(
      scheduleCoverage(cal("DTSTART:20300106T000000", "DURATION:P1D", "RRULE:FREQ=DAILY"), null).kind,
    ).toBe("full");
  });

  it("reads folded lines, a bare event and a TZID-qualified DTSTART", () => {
    const folded =
      "BEGIN:VEVENT\r\nDTSTART;TZID=Asia/Shanghai:20250106T0\r\n 00000\r\nDURATION:PT24H\r\nRRULE:FREQ=DA\r\n ILY\r\nEND:VEVENT";
    expect(scheduleCoverage(folded, NOW).kind).toBe("full");
    expect(
      scheduleCoverage("DTSTART:20250106T000000\nDTEND:20250107T000000\nRRULE:FREQ=DAILY", NOW).kind,
    ).toBe("full");
  });

  it.each([
    ["garbage", "this is not a calendar"],
    ["an empty text", ""],
    [
      "an unsupported frequency",
      cal("DTSTART:20250106T000000", "DURATION:P1D", "RRULE:FREQ=MONTHLY;BYMONTHDAY=1"),
    ],
    ["a bad date", cal("DTSTART:2025-01-06", "DURATION:P1D", "RRULE:FREQ=DAILY")],
    ["a rule without FREQ", cal("DTSTART:20250106T000000", "DURATION:P1D", "RRULE:INTERVAL=1")],
    ["an unclosed event", "BEGIN:VEVENT\nDTSTART:20250106T000000\nRRULE:FREQ=DAILY"],
  ])("calls %s unreadable", (_what, text) => {
    expect(scheduleCoverage(text, NOW).kind).toBe("unreadable");
  });
});
