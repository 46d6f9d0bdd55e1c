import type { Site } from "../domain/site.ts";
import { offsetAt } from "../domain/zonedTime.ts";
import { parseViewingWindow, type ViewingWindow } from "../config/windows.ts";

/** What an operator asks for a family (CLI flags or API body), before it is checked. */
export interface GrantRequest {
  readonly zones: readonly string[];
  readonly cameras: readonly string[];
  readonly windows: readonly string[];
  /** Absent: the site's parents.maxSessionsPerFamily. */
  readonly maxSessions?: number;
}

/** A request checked against the site: what is stored, or every problem with it. */
export type GrantCheck =
  | {
      readonly ok: true;
      readonly zones: readonly string[];
      readonly cameras: readonly string[];
      readonly windows: readonly string[];
      readonly maxSessions: number;
    }
  | { readonly ok: false; readonly problems: readonly string[] };

export interface SiteParents {
  readonly windows: readonly ViewingWindow[];
  readonly maxSessionsPerFamily: number;
}

/** A camera that shows a private zone (toilets, changing) is never shown to parents, whatever else it covers. */
export function showsPrivateZone(site: Site, cameraId: string): boolean {
  const camera = site.cameras.find((c) => c.id === cameraId);
  if (camera === undefined) return false;
  return camera.zones.some((z) => site.zones.find((zone) => zone.id === z)?.private === true);
}

/**
 * Checks a grant against the site: zones and cameras exist, none is private or shows a private
 * zone, each window lies inside one of the site's windows on every day it names (a family may
 * narrow the site's hours, never widen them), the cap is at most the site's.
 */
export function checkGrant(site: Site, parents: SiteParents, req: GrantRequest): GrantCheck {
  const problems: string[] = [];
  const zones = [...new Set(req.zones)];
  const cameras = [...new Set(req.cameras)];
  if (zones.length === 0 && cameras.length === 0)
    problems.push("a family needs at least one zone or camera (--zones or --cameras)");
  for (const id of zones) {
    const zone = site.zones.find((z) => z.id === id);
    if (zone === undefined) problems.push(`zone "${id}" is not in site ${site.id}`);
    else if (zone.private)
      problems.push(`zone "${id}" is private (toilets, changing): it is never shown to parents`);
  }
  for (const id of cameras) {
    if (!site.cameras.some((c) => c.id === id)) problems.push(`camera "${id}" is not in site ${site.id}`);
    else if (showsPrivateZone(site, id))
      problems.push(`camera "${id}" covers a private zone: it is never shown to parents`);
  }
  const windows = [...new Set(req.windows)];
  for (const text of windows) {
    const w = parseViewingWindow(text);
    if (typeof w === "string") problems.push(`window "${text}": ${w}`);
    else if (!withinSite(w, parents.windows))
      problems.push(
        `window "${text}" is not inside the site's viewing hours (${parents.windows.map((s) => s.text).join(", ") || "none"}): a family may narrow them, never widen them`,
      );
  }
  const maxSessions = req.maxSessions ?? parents.maxSessionsPerFamily;
  if (!Number.isInteger(maxSessions) || maxSessions < 1)
    problems.push(`max sessions must be a whole number of at least 1, got ${maxSessions}`);
  else if (maxSessions > parents.maxSessionsPerFamily)
    problems.push(
      `max sessions ${maxSessions} is above the site's parents.maxSessionsPerFamily (${parents.maxSessionsPerFamily})`,
    );
  return problems.length > 0 ? { ok: false, problems } : { ok: true, zones, cameras, windows, maxSessions };
}

/** Every day of `w` lies, start to end, inside one site window of that day. */
function withinSite(w: ViewingWindow, site: readonly ViewingWindow[]): boolean {
  return w.days.every((d) =>
    site.some((s) => s.days.includes(d) && s.startMinute <= w.startMinute && w.endMinute <= s.endMinute),
  );
}

/**
 * The cameras a grant shows today, from the site as configured now: its cameras and those of its
 * zones, less any that shows a private zone (a zone may have become private since the grant).
 */
export function grantedCameras(
  site: Site,
  grant: { readonly zones: readonly string[]; readonly cameras: readonly string[] },
): Set<string> {
  const out = new Set<string>();
  for (const c of site.cameras) {
    const named = grant.cameras.includes(c.id) || c.zones.some((z) => grant.zones.includes(z));
    if (named && !showsPrivateZone(site, c.id)) out.add(c.id);
  }
  return out;
}

/** Weekday (1 = Monday) and minute of the day of an instant on the zone's wall clock. */
export function wallClock(now: number, timeZone: string): { readonly day: number; readonly minute: number } {
  const local = new Date(now + offsetAt(now, timeZone));
  return { day: ((local.getUTCDay() + 6) % 7) + 1, minute: local.getUTCHours() * 60 + local.getUTCMinutes() };
}

export function inAnyWindow(windows: readonly ViewingWindow[], now: number, timeZone: string): boolean {
  const { day, minute } = wallClock(now, timeZone);
  return windows.some((w) => w.days.includes(day) && w.startMinute <= minute && minute < w.endMinute);
}

/**
 * Inside the family's windows and the site's: checked against both at every request, so a site
 * that narrows its hours later narrows every family with it.
 */
export function inViewingHours(
  familyWindows: readonly string[],
  siteWindows: readonly ViewingWindow[],
  now: number,
  timeZone: string,
): boolean {
  if (!inAnyWindow(siteWindows, now, timeZone)) return false;
  if (familyWindows.length === 0) return true;
  const parsed = familyWindows
    .map((t) => parseViewingWindow(t))
    .filter((w): w is ViewingWindow => typeof w !== "string");
  return inAnyWindow(parsed, now, timeZone);
}
