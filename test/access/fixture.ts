import { createAccessService, type AccessSite } from "../../src/access/service.ts";
import { parseViewingWindow, type ViewingWindow } from "../../src/config/windows.ts";
import type { Site } from "../../src/domain/site.ts";
import { camera, healthySite, zone } from "../compliance/builders.ts";
import type { TestRedis } from "../store/testRedis.ts";

export const window = (text: string): ViewingWindow => {
  const w = parseViewingWindow(text);
  if (typeof w === "string") throw new Error(w);
  return w;
};

/**
 * Two rooms, a washroom (private), a camera that sees a room and the washroom, in Shanghai
 * (UTC+8, no DST). Parents may watch Mon-Fri 08:00-17:30.
 */
export const SITE: Site = healthySite({
  zones: [
    zone("gate", "entrance"),
    zone("room-a", "activity"),
    zone("room-b", "activity"),
    zone("washroom", "other", { private: true }),
  ],
  cameras: [
    camera(1, ["room-a"]),
    camera(2, ["room-b"]),
    camera(3, ["washroom"]),
    camera(4, ["room-a", "washroom"]),
    camera(5, ["gate"]),
  ],
});

export const PARENTS = {
  enabled: true,
  windows: [window("Mon-Fri 08:00-17:30")],
  maxSessionsPerFamily: 2,
  auditDays: 30,
};

export const accessSite = (over: Partial<AccessSite> = {}): AccessSite => ({
  site: SITE,
  parents: PARENTS,
  publicUrl: "https://watch.example.cn",
  ...over,
});

/** Monday 2026-03-02 10:00 in Shanghai. */
export const MON_10 = Date.parse("2026-03-02T10:00:00+08:00");

/** The access service on the test's Redis, with a ledger that only remembers what it was given. */
export function testAccess(t: TestRedis, sites: ReadonlyMap<string, AccessSite>, now: () => number) {
  let n = 0;
  const ledgered: { type: string; data: Record<string, unknown> }[] = [];
  const service = createAccessService({
    redis: t.connect(),
    keys: t.keys,
    ledger: {
      append: (type, siteId, data) => {
        ledgered.push({ type, data: { ...data } });
        return Promise.resolve({ seq: ledgered.length, at: "", type, siteId, data, prev: "", hash: "" });
      },
    },
    now,
    newId: () => `id-${++n}`,
    site: (id) => sites.get(id) ?? null,
    siteIds: () => [...sites.keys()],
  });
  return { service, ledgered };
}
