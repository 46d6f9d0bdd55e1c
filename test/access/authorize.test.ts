import { describe, expect, test } from "vitest";
import { authorize, type SessionView } from "../../src/access/authorize.ts";
import type { Family } from "../../src/domain/family.ts";
import { MON_10, PARENTS, SITE } from "./fixture.ts";

const family: Family = {
  siteId: SITE.id,
  id: "fam-li",
  name: "Li",
  zones: ["room-a"],
  cameras: ["cam5"],
  windows: ["Mon-Fri 09:00-12:00"],
  maxSessions: 2,
  createdAt: "2026-03-01T00:00:00Z",
  createdBy: "ops",
};

const view = (over: Partial<SessionView> = {}): SessionView => ({
  session: {
    siteId: SITE.id,
    familyId: "fam-li",
    idHash: "h",
    generation: 3,
    tokenId: "tok_0000000000000000",
    startedAt: new Date(MON_10).toISOString(),
    expiresAt: new Date(MON_10 + 900_000).toISOString(),
  },
  family,
  generation: 3,
  tokenAlive: true,
  site: SITE,
  parents: PARENTS,
  ...over,
});

const at = (hhmm: string, day = "02") => Date.parse(`2026-03-${day}T${hhmm}:00+08:00`);

describe("authorize", () => {
  test("a granted camera inside the window is allowed", () => {
    expect(authorize(view(), "cam1", MON_10)).toEqual({ allowed: true, cameraId: "cam1" });
    expect(authorize(view(), "cam5", MON_10)).toEqual({ allowed: true, cameraId: "cam5" });
  });

  test("expired at its expiry instant, and before anything else", () => {
    expect(authorize(view(), "cam1", MON_10 + 899_999).allowed).toBe(true);
    expect(authorize(view(), "cam1", MON_10 + 900_000)).toEqual({ allowed: false, reason: "expired" });
    expect(authorize(view({ family: null }), "cam9", MON_10 + 900_000)).toMatchObject({ reason: "expired" });
  });

  test("revoked: family removed, generation bumped, token revoked, parents switched off", () => {
    for (const over of [
      { family: null },
      { generation: 4 },
      { tokenAlive: false },
      { parents: { ...PARENTS, enabled: false } },
      { family: { ...family, id: "fam-wang" } },
    ] satisfies Partial<SessionView>[])
      expect(authorize(view(over), "cam1", MON_10), JSON.stringify(over)).toEqual({
        allowed: false,
        reason: "revoked",
      });
  });

  test("camera_not_granted: another room, a washroom, a room camera that also sees the washroom, unknown", () => {
    for (const cam of ["cam2", "cam3", "cam4", "nope", "CAM1", "cam1 ", "../cam1"])
      expect(authorize(view(), cam, MON_10), cam).toEqual({ allowed: false, reason: "camera_not_granted" });
  });

  test("outside_window: the family's narrower hours and the site's, start inclusive, end exclusive", () => {
    // A session that outlives the day, so only the window decides.
    const long = (over: Partial<SessionView> = {}) =>
      view({ session: { ...view().session, expiresAt: "2026-03-09T00:00:00Z" }, ...over });
    expect(authorize(long(), "cam1", at("09:00")).allowed).toBe(true);
    expect(authorize(long(), "cam1", at("08:59"))).toEqual({ allowed: false, reason: "outside_window" });
    expect(authorize(long(), "cam1", at("11:59")).allowed).toBe(true);
    expect(authorize(long(), "cam1", at("12:00"))).toEqual({ allowed: false, reason: "outside_window" });
    // Saturday.
    expect(authorize(long(), "cam1", at("10:00", "07"))).toEqual({
      allowed: false,
      reason: "outside_window",
    });
    // A family with no windows of its own follows the site's.
    const siteHours = long({ family: { ...family, windows: [] } });
    expect(authorize(siteHours, "cam1", at("08:00")).allowed).toBe(true);
    expect(authorize(siteHours, "cam1", at("17:30"))).toMatchObject({ reason: "outside_window" });
  });
});
