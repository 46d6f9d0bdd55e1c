import { describe, expect, it } from "vitest";
import { parseIsoMs } from "../../../src/domain/time.ts";
import { formatXsdDateTime, parseRecordingTime } from "../../../src/onvif/time/dateTime.ts";

describe("parseRecordingTime", () => {
  it.each([
    ["2025-03-14T09:41:07Z", "2025-03-14T09:41:07.000Z"],
    ["2025-03-14T09:41:07", "2025-03-14T09:41:07.000Z"], // no zone: UTC
    ["2025-03-14T09:41:07.123456Z", "2025-03-14T09:41:07.123Z"],
    ["2025-03-14T17:41:07+08:00", "2025-03-14T09:41:07.000Z"],
    ["2025-03-14T04:41:07-05:00", "2025-03-14T09:41:07.000Z"],
    [" 2025-03-14T09:41:07Z\n", "2025-03-14T09:41:07.000Z"],
    ["2025-03-14 09:41:07", "2025-03-14T09:41:07.000Z"],
    ["2024-02-29T00:00:00Z", "2024-02-29T00:00:00.000Z"],
    ["2025-03-14T24:00:00Z", "2025-03-15T00:00:00.000Z"],
  ])("%s → %s", (input, expected) => {
    expect(parseRecordingTime(input)).toBe(expected);
  });

  it.each([
    ["1970-01-01T00:00:00Z", "epoch placeholder"],
    ["1999-12-31T23:59:59Z", "before 2000"],
    ["2024-08-17T00:61:16Z", "minute 61"],
    ["2023-02-29T00:00:00Z", "not a leap year"],
    ["2025-13-01T00:00:00Z", "month 13"],
    ["2025-03-14T25:00:00Z", "hour 25"],
    ["2025-03-14", "date only"],
    ["", "empty"],
    ["yesterday", "words"],
  ])("%s → null (%s)", (input) => {
    expect(parseRecordingTime(input)).toBeNull();
  });

  it("is null for a missing value", () => {
    expect(parseRecordingTime(null)).toBeNull();
    expect(parseRecordingTime(undefined)).toBeNull();
  });
});

describe("parseIsoMs (the one parser device times go through)", () => {
  it("keeps implausible but real dates (the device clock must still be usable)", () => {
    expect(parseIsoMs("1970-01-01T00:00:00Z")).toBe(0);
  });
});

describe("formatXsdDateTime", () => {
  it("writes UTC without milliseconds", () => {
    expect(formatXsdDateTime(Date.UTC(2025, 2, 14, 9, 41, 7, 999))).toBe("2025-03-14T09:41:07Z");
  });
});
