import { describe, expect, test } from "vitest";
import { checkGrant, grantedCameras, inViewingHours, wallClock } from "../../src/access/grants.ts";
import { MON_10, PARENTS, SITE, window } from "./fixture.ts";

const grant = (over: Partial<Parameters<typeof checkGrant>[2]> = {}) =>
  checkGrant(SITE, PARENTS, { zones: [], cameras: [], windows: [], ...over });

describe("checkGrant", () => {
  test("a room zone and a room camera are granted with the site's cap by default", () => {
    expect(grant({ zones: ["room-a"], cameras: ["cam2"] })).toEqual({
      ok: true,
      zones: ["room-a"],
      cameras: ["cam2"],
      windows: [],
      maxSessions: 2,
    });
  });

  test("a private zone is refused with a clear reason", () => {
    const r = grant({ zones: ["washroom"] });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.problems.join()).toMatch(/zone "washroom" is private/);
  });

  test("a camera only in a private zone, or one that also sees it, is refused", () => {
    for (const cam of ["cam3", "cam4"]) {
      const r = grant({ cameras: [cam] });
      expect(r.ok, cam).toBe(false);
      if (!r.ok) expect(r.problems.join()).toContain(`camera "${cam}" covers a private zone`);
    }
  });

  test("unknown zones and cameras, and an empty grant, are refused", () => {
    const r = grant({ zones: ["attic"], cameras: ["cam9"] });
    expect(r.ok).toBe(false);
    if (!r.ok)
      expect(r.problems).toEqual([expect.stringContaining("attic"), expect.stringContaining("cam9")]);
    expect(grant().ok).toBe(false);
  });

  test("a family may narrow the site's windows, never widen them", () => {
    expect(grant({ zones: ["room-a"], windows: ["Mon,Wed 09:00-12:00", "Fri 08:00-17:30"] }).ok).toBe(true);
    for (const wider of [
      "Mon-Fri 07:59-12:00",
      "Mon-Fri 08:00-17:31",
      "Sat 09:00-10:00",
      "Mon-Sun 09:00-10:00",
    ]) {
      const r = grant({ zones: ["room-a"], windows: [wider] });
      expect(r.ok, wider).toBe(false);
      if (!r.ok) expect(r.problems.join()).toContain("never widen");
    }
    const bad = grant({ zones: ["room-a"], windows: ["Mon 17:00-09:00"] });
    expect(bad.ok).toBe(false);
  });

  test("the cap may be lowered, not raised above the site's", () => {
    expect(grant({ zones: ["room-a"], maxSessions: 1 })).toMatchObject({ ok: true, maxSessions: 1 });
    expect(grant({ zones: ["room-a"], maxSessions: 3 }).ok).toBe(false);
    expect(grant({ zones: ["room-a"], maxSessions: 0 }).ok).toBe(false);
  });
});

describe("grantedCameras", () => {
  test("a zone grants its cameras except one that also sees a private zone", () => {
    expect([...grantedCameras(SITE, { zones: ["room-a"], cameras: [] })]).toEqual(["cam1"]);
    expect([...grantedCameras(SITE, { zones: [], cameras: ["cam2", "cam5"] })].sort()).toEqual([
      "cam2",
      "cam5",
    ]);
  });

  test("a camera whose zone became private after the grant is no longer shown", () => {
    const later = {
      ...SITE,
      zones: SITE.zones.map((z) => (z.id === "room-b" ? { ...z, private: true } : z)),
    };
    expect([...grantedCameras(later, { zones: [], cameras: ["cam2"] })]).toEqual([]);
  });
});

describe("viewing hours", () => {
  test("wall clock in the site's zone", () => {
    expect(wallClock(MON_10, "Asia/Shanghai")).toEqual({ day: 1, minute: 600 });
    // 01:00 UTC Monday is 09:00 in Shanghai but still Sunday in New York.
    expect(wallClock(Date.parse("2026-03-02T01:00:00Z"), "America/New_York").day).toBe(7);
  });

  test("inside both the site's and the family's windows, start inclusive, end exclusive", () => {
    const site = PARENTS.windows;
    const at = (t: string) => Date.parse(`2026-03-02T${t}:00+08:00`);
    expect(inViewingHours([], site, at("08:00"), "Asia/Shanghai")).toBe(true);
    expect(inViewingHours([], site, at("07:59"), "Asia/Shanghai")).toBe(false);
    expect(inViewingHours([], site, at("17:30"), "Asia/Shanghai")).toBe(false);
    expect(inViewingHours(["Mon 09:00-10:00"], site, at("09:30"), "Asia/Shanghai")).toBe(true);
    expect(inViewingHours(["Mon 09:00-10:00"], site, at("10:00"), "Asia/Shanghai")).toBe(false);
    expect(inViewingHours(["Tue 09:00-10:00"], site, at("09:30"), "Asia/Shanghai")).toBe(false);
    // Saturday: outside the site's windows.
    expect(inViewingHours([], site, Date.parse("2026-03-07T10:00:00+08:00"), "Asia/Shanghai")).toBe(false);
  });

  test("a site that narrows its hours later narrows a family's stored window too", () => {
    const narrowed = [window("Mon-Fri 09:00-12:00")];
    expect(inViewingHours(["Mon-Fri 08:00-17:30"], narrowed, MON_10 + 3 * 3_600_000, "Asia/Shanghai")).toBe(
      false,
    );
  });
});
