import { describe, expect, it } from "vitest";
import { isDstAtLocal, localToUtcMs, parsePosixTz } from "../../../src/onvif/time/posixTz.ts";

const wall = (y: number, mo: number, d: number, h = 0, mi = 0): number => Date.UTC(y, mo - 1, d, h, mi);
const hours = (ms: number): number => ms / 3_600_000;

/** Local wall time → UTC offset in hours (UTC = local − offset). */
function offsetAt(tz: string, y: number, mo: number, d: number, h = 12): number {
  const p = parsePosixTz(tz);
  if (!p) throw new Error(`unparsed ${tz}`);
  const local = wall(y, mo, d, h);
  return hours(local - localToUtcMs(p, local));
}

describe("parsePosixTz", () => {
  it("inverts the sign: CST-8 is UTC+8, EST5 is UTC-5", () => {
    expect(parsePosixTz("CST-8")).toEqual({ stdName: "CST", stdOffsetSeconds: 8 * 3600, dst: null });
    expect(parsePosixTz("EST5")?.stdOffsetSeconds).toBe(-5 * 3600);
    expect(parsePosixTz("BRT3")?.stdOffsetSeconds).toBe(-3 * 3600);
    expect(parsePosixTz("<+0530>-5:30")?.stdOffsetSeconds).toBe(5.5 * 3600);
  });

  it("reads h:mm:ss offsets (Sunba CST5:00:00)", () => {
    expect(parsePosixTz("CST5:00:00")?.stdOffsetSeconds).toBe(-5 * 3600);
  });

  it("reads Hikvision's explicit DST offset and rule times", () => {
    const tz = parsePosixTz("EST+5:00:00EDT04:00:00,M3.5.0/01:00:00,M10.5.0/02:00:00");
    expect(tz?.stdOffsetSeconds).toBe(-5 * 3600);
    expect(tz?.dst?.name).toBe("EDT");
    expect(tz?.dst?.offsetSeconds).toBe(-4 * 3600);
    expect(tz?.dst?.rule?.start).toEqual({
      date: { kind: "M", month: 3, week: 5, weekday: 0 },
      timeSeconds: 3600,
    });
    expect(tz?.dst?.rule?.end).toEqual({
      date: { kind: "M", month: 10, week: 5, weekday: 0 },
      timeSeconds: 7200,
    });
  });

  it("accepts the trailing colon of CST6CDT: and a DST name without rules", () => {
    const tz = parsePosixTz("CST6CDT:");
    expect(tz?.stdOffsetSeconds).toBe(-6 * 3600);
    expect(tz?.dst).toEqual({ name: "CDT", offsetSeconds: -5 * 3600, rule: null });
  });

  it("rejects what is not a POSIX TZ", () => {
    for (const s of [
      "",
      "Asia/Shanghai",
      ":Europe/Paris",
      "CST",
      "CST-8CDT,M3",
      "CST-99",
      "CST-8CDT,M13.1.0,M10.1.0",
    ]) {
      expect(parsePosixTz(s)).toBeNull();
    }
    expect(parsePosixTz("UTC")?.stdOffsetSeconds).toBe(0);
  });
});

describe("localToUtcMs", () => {
  it("applies US rules: CST5CDT,M3.2.0/2,M11.1.0/2", () => {
    // 2023: DST from Sunday 12 March 02:00 to Sunday 5 November 02:00.
    expect(offsetAt("CST5CDT,M3.2.0/2,M11.1.0/2", 2023, 3, 7)).toBe(-5);
    expect(offsetAt("CST5CDT,M3.2.0/2,M11.1.0/2", 2023, 7, 1)).toBe(-4);
    expect(offsetAt("CST5CDT,M3.2.0/2,M11.1.0/2", 2023, 3, 12, 1)).toBe(-5);
    expect(offsetAt("CST5CDT,M3.2.0/2,M11.1.0/2", 2023, 3, 12, 3)).toBe(-4);
    expect(offsetAt("CST5CDT,M3.2.0/2,M11.1.0/2", 2023, 11, 5, 3)).toBe(-5);
  });

  it("applies EU rules with a last-Sunday week (CET-1CEST,M3.5.0,M10.5.0/3)", () => {
    const tz = "CET-1CEST,M3.5.0,M10.5.0/3";
    expect(offsetAt(tz, 2025, 3, 14)).toBe(1);
    expect(offsetAt(tz, 2025, 3, 30, 1)).toBe(1); // 30 March 2025 is the last Sunday; change at 02:00
    expect(offsetAt(tz, 2025, 3, 30, 4)).toBe(2);
    expect(offsetAt(tz, 2025, 8, 1)).toBe(2);
    expect(offsetAt(tz, 2025, 10, 26, 4)).toBe(1);
  });

  it("handles southern-hemisphere rules that wrap the year", () => {
    const tz = "AEST-10AEDT,M10.1.0,M4.1.0/3";
    expect(offsetAt(tz, 2025, 1, 15)).toBe(11);
    expect(offsetAt(tz, 2025, 7, 15)).toBe(10);
    expect(offsetAt(tz, 2025, 12, 15)).toBe(11);
  });

  it("reads J and zero-based day rules", () => {
    const j = parsePosixTz("XST3XDT,J60/2,J300/2");
    expect(j && isDstAtLocal(j, wall(2024, 3, 1, 12))).toBe(true); // J60 is 1 March even in a leap year
    expect(j && isDstAtLocal(j, wall(2024, 2, 29, 12))).toBe(false);
    const n = parsePosixTz("XST3XDT,59/0,300/0");
    expect(n && isDstAtLocal(n, wall(2024, 2, 29, 12))).toBe(true); // day 59 (0-based) is 29 Feb in 2024
  });

  it("applies no DST without rules, as the captured devices do", () => {
    expect(offsetAt("AST4ADT", 2025, 4, 6)).toBe(-4);
    expect(offsetAt("CST6CDT:", 2025, 4, 26)).toBe(-6);
  });
});
