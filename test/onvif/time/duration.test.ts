import { describe, expect, it } from "vitest";
import { formatDuration, parseDurationSeconds } from "../../../src/onvif/time/duration.ts";

describe("parseDurationSeconds", () => {
  it.each([
    ["PT1H", 3600],
    ["P90D", 90 * 86400],
    ["PT0S", 0],
    ["P1Y2M", 365 * 86400 + 2 * 30 * 86400],
    ["P1DT2H3M4S", 86400 + 2 * 3600 + 3 * 60 + 4],
    ["PT1.5S", 1.5],
    ["P2W", 14 * 86400],
    ["PT60M", 3600],
    [" P30D ", 30 * 86400],
  ])("%s = %d s", (input, seconds) => {
    expect(parseDurationSeconds(input)).toBe(seconds);
  });

  it.each(["", "P", "PT", "P1DT", "-P1D", "1H", "P1H", "PT1D", "P1.5.5D", "forever"])(
    "%s → null",
    (input) => {
      expect(parseDurationSeconds(input)).toBeNull();
    },
  );

  it("writes whole seconds", () => {
    expect(formatDuration(2)).toBe("PT2S");
    expect(formatDuration(9.6)).toBe("PT10S");
  });
});
