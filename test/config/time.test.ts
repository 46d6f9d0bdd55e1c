import { describe, expect, it } from "vitest";
import { isIanaTimeZone, suggestTimeZone, toUtcIso } from "../../src/config/time.ts";

describe("toUtcIso", () => {
  it("reads a bare date as midnight in the zone", () => {
    expect(toUtcIso("2026-09-01", "Asia/Shanghai")).toBe("2026-08-31T16:00:00.000Z");
    expect(toUtcIso("2026-01-15", "America/New_York")).toBe("2026-01-15T05:00:00.000Z");
    expect(toUtcIso("2026-07-15", "America/New_York")).toBe("2026-07-15T04:00:00.000Z");
    expect(toUtcIso("2026-07-15", "UTC")).toBe("2026-07-15T00:00:00.000Z");
  });

  it("takes the first minute of the day where midnight is skipped by DST", () => {
    // Chile moved clocks from 00:00 to 01:00 (UTC-4 -> UTC-3) on 2024-09-08.
    expect(toUtcIso("2024-09-08", "America/Santiago")).toBe("2024-09-08T04:00:00.000Z");
    // Clocks went back at 24:00 on 2024-04-06 (to 23:00, UTC-3 -> UTC-4): the 7th began at 04:00Z.
    expect(toUtcIso("2024-04-07", "America/Santiago")).toBe("2024-04-07T04:00:00.000Z");
  });

  it("takes the first of two midnights where clocks go back to 00:00", () => {
    // Cuba went from 01:00 CDT back to 00:00 CST on 2024-11-03: midnight came at 04:00Z and 05:00Z.
    expect(toUtcIso("2024-11-03", "America/Havana")).toBe("2024-11-03T04:00:00.000Z");
  });

  it("keeps a date-time's own offset", () => {
    expect(toUtcIso("2026-09-01T08:00:00+08:00", "America/New_York")).toBe("2026-09-01T00:00:00.000Z");
    expect(toUtcIso("2026-09-01T08:00:00Z", "Asia/Shanghai")).toBe("2026-09-01T08:00:00.000Z");
  });
});

describe("time zones", () => {
  it("accepts IANA names and refuses offsets and inventions", () => {
    expect(isIanaTimeZone("Asia/Shanghai")).toBe(true);
    expect(isIanaTimeZone("UTC")).toBe(true);
    expect(isIanaTimeZone("America/Argentina/Buenos_Aires")).toBe(true);
    expect(isIanaTimeZone("+08:00")).toBe(false);
    expect(isIanaTimeZone("Asia/Shangai")).toBe(false);
    expect(isIanaTimeZone("")).toBe(false);
  });

  it("suggests the zone a typo meant", () => {
    expect(suggestTimeZone("Asia/Shangai")).toBe("Asia/Shanghai");
    expect(suggestTimeZone("Nowhere/Atall")).toBeNull();
  });
});

describe("toUtcIso east of UTC", () => {
  it("takes the first of two midnights there too", () => {
    // Jordan went from 01:00 (UTC+3) back to 00:00 (UTC+2) on 2021-10-29: midnight at 21:00Z and 22:00Z the day before.
    expect(toUtcIso("2021-10-29", "Asia/Amman")).toBe("2021-10-28T21:00:00.000Z");
  });
});
