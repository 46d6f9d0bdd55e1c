import { describe, expect, it } from "vitest";
import { parseViewingWindow } from "../../src/config/windows.ts";

describe("parseViewingWindow", () => {
  it("reads day ranges, lists and times", () => {
    expect(parseViewingWindow("Mon-Fri 08:00-17:30")).toEqual({
      text: "Mon-Fri 08:00-17:30",
      days: [1, 2, 3, 4, 5],
      startMinute: 480,
      endMinute: 1050,
    });
    expect(parseViewingWindow("Sun,Sat,Mon-Tue 00:00-24:00")).toMatchObject({
      days: [1, 2, 6, 7],
      startMinute: 0,
      endMinute: 1440,
    });
  });

  it("refuses what a pattern cannot see", () => {
    expect(parseViewingWindow("Fri-Mon 08:00-10:00")).toMatch(/runs backwards/);
    expect(parseViewingWindow("Mon 25:00-26:00")).toMatch(/not a time of day/);
    expect(parseViewingWindow("Mon 08:00-24:30")).toMatch(/not a time of day/);
    expect(parseViewingWindow("Mon 10:00-10:00")).toMatch(/ends before it starts/);
    expect(parseViewingWindow("Mon 22:00-06:00")).toMatch(/cannot cross midnight/);
  });
});
