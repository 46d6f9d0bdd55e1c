import { describe, expect, it } from "vitest";
import { isIanaTimeZone, suggestTimeZone, toUtcIso } from "../../src/config/time.ts";

describe("toUtcIso", () => {
  it("reads a bare date as midnight in the zone", () => {
    expect(toUtcIso("2026-09-01", "Asia/Shanghai")).toBe("2026-08-31T16:00:00.000Z");
    expect(toUtcIso("2026-01-15", "America/New_York")).toBe("2026-01-15T05:00:00.000Z");
    expect(toUtcIso("2026-07-15", "America/New_York")).toBe("2026-07-15T04:00:00.000Z");
    expect(toUtcIso("2026-07-15", "UTC")).toBe("2026-07-15T00:00:00.000Z");
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
