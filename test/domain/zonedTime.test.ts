import { describe, expect, it } from "vitest";
import { offsetAt, parseInstant, startOfDayInZone, zonedToUtc } from "../../src/domain/zonedTime.ts";

const at = (field: string, value: string, tz = "Asia/Shanghai"): string => {
  const r = parseInstant(field, value, tz);
  if (!r.ok) throw new Error(r.message);
  return new Date(r.ms).toISOString();
};
const problem = (value: string): string => {
  const r = parseInstant("from", value, "UTC");
  if (r.ok) throw new Error(`${value} was accepted`);
  return r.message;
};

describe("parseInstant", () => {
  it("reads a date as midnight in the site's time zone", () => {
    expect(at("from", "2026-03-01")).toBe("2026-02-28T16:00:00.000Z");
    expect(at("from", "2026-03-01", "UTC")).toBe("2026-03-01T00:00:00.000Z");
    expect(at("from", "2026-07-01", "Europe/London")).toBe("2026-06-30T23:00:00.000Z");
  });

  it("reads a date-time with Z or an offset as given, and without one in the site's zone", () => {
    expect(at("from", "2026-03-01T08:00:00Z")).toBe("2026-03-01T08:00:00.000Z");
    expect(at("from", "2026-03-01T08:00:00+08:00")).toBe("2026-03-01T00:00:00.000Z");
    expect(at("from", "2026-03-01T08:00:00-0530")).toBe("2026-03-01T13:30:00.000Z");
    expect(at("from", "2026-03-01T08:00:00.250Z")).toBe("2026-03-01T08:00:00.250Z");
    expect(at("from", "2026-03-01T08:00")).toBe("2026-03-01T00:00:00.000Z");
    expect(at("from", "2026-03-01 08:00:30")).toBe("2026-03-01T00:00:30.000Z");
  });

  it("refuses what is not a real date or time, saying what to send", () => {
    expect(problem("2026-02-29")).toBe(
      'from: "2026-02-29" is not a day of the calendar; use an ISO 8601 date (2026-03-01) or date-time (2026-03-01T08:00:00+08:00).',
    );
    expect(problem("2026-13-01")).toContain("is not a day of the calendar");
    expect(problem("2026-01-01T24:00:00Z")).toContain("is not a time of day");
    expect(problem("2026-01-01T10:60Z")).toContain("is not a time of day");
    expect(problem("2026-01-01T10:00+25:00")).toContain("impossible UTC offset");
    for (const v of ["", "now", "1709251200", "01/03/2026", "2026-3-1", "2026-03-01T8:00Z", "2026-03-01Tfoo"])
      expect(problem(v), v).toContain("is not a date");
  });

  it("reads a date as the day's start even where DST skips its midnight", () => {
    // Santiago: clocks go from 24:00 on 5 September to 01:00 on the 6th; the 6th begins at 01:00 -03.
    expect(at("from", "2026-09-06", "America/Santiago")).toBe("2026-09-06T04:00:00.000Z");
    // Havana: 00:00 on 8 March 2026 does not exist; the day begins at 01:00 CDT.
    expect(at("from", "2026-03-08", "America/Havana")).toBe("2026-03-08T05:00:00.000Z");
  });

  it("accepts a leap day in a leap year", () => {
    expect(at("from", "2024-02-29", "UTC")).toBe("2024-02-29T00:00:00.000Z");
  });
});

describe("zonedToUtc", () => {
  it("handles daylight saving changes (the wall time after a spring-forward gap)", () => {
    // London, 2026-03-29 01:30 does not exist (clocks go 01:00 → 02:00); 03:00 BST is 02:00 UTC.
    expect(new Date(zonedToUtc(Date.UTC(2026, 2, 29, 3, 0), "Europe/London")).toISOString()).toBe(
      "2026-03-29T02:00:00.000Z",
    );
    expect(offsetAt(Date.UTC(2026, 0, 1), "Asia/Shanghai")).toBe(8 * 3600_000);
    expect(offsetAt(Date.UTC(2026, 6, 1), "America/New_York")).toBe(-4 * 3600_000);
  });
});

describe("startOfDayInZone", () => {
  const start = (y: number, m: number, d: number, tz: string): string =>
    new Date(startOfDayInZone(Date.UTC(y, m - 1, d), tz)).toISOString();

  it("takes the first minute of the day where midnight is skipped by DST", () => {
    // Chile moved clocks from 00:00 to 01:00 (UTC-4 -> UTC-3) on 2024-09-08.
    expect(start(2024, 9, 8, "America/Santiago")).toBe("2024-09-08T04:00:00.000Z");
    // Clocks went back at 24:00 on 2024-04-06 (to 23:00, UTC-3 -> UTC-4): the 7th began at 04:00Z.
    expect(start(2024, 4, 7, "America/Santiago")).toBe("2024-04-07T04:00:00.000Z");
  });

  it("takes the first of two midnights where clocks go back to 00:00", () => {
    // Cuba went from 01:00 CDT back to 00:00 CST on 2024-11-03: midnight came at 04:00Z and 05:00Z.
    expect(start(2024, 11, 3, "America/Havana")).toBe("2024-11-03T04:00:00.000Z");
  });

  it("takes the first of two midnights east of UTC too", () => {
    // Jordan went from 01:00 (UTC+3) back to 00:00 (UTC+2) on 2021-10-29: midnight at 21:00Z and 22:00Z the day before.
    expect(start(2021, 10, 29, "Asia/Amman")).toBe("2021-10-28T21:00:00.000Z");
  });

  it("keeps the seconds of an offset that has them", () => {
    // Liberia kept UTC-0:44:30 until 1972: midnight was 00:44:30Z, not a minute boundary.
    expect(start(1970, 6, 15, "Africa/Monrovia")).toBe("1970-06-15T00:44:30.000Z");
  });
});
