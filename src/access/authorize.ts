import type { ParentsConfig } from "../config/types.ts";
import type { DenialReason, Family, ViewerSession } from "../domain/family.ts";
import type { Site } from "../domain/site.ts";
import { grantedCameras, inViewingHours } from "./grants.ts";

/** The state a decision is made on, read fresh for every request. */
export interface SessionView {
  readonly session: ViewerSession;
  /** The family now; null once removed. */
  readonly family: Family | null;
  /** The family's generation now. */
  readonly generation: number;
  /** The token still exists (not revoked one by one, not expired). */
  readonly tokenAlive: boolean;
  readonly site: Site;
  readonly parents: ParentsConfig;
}

export type Decision =
  | { readonly allowed: true; readonly cameraId: string }
  | { readonly allowed: false; readonly reason: Exclude<DenialReason, "unknown_token" | "cap_reached"> };

/**
 * Whether the session may watch the camera at `now`: alive, not revoked (token, family,
 * generation, the site's parents switch), the camera exactly in the family's grant as the site
 * is configured now, inside the family's and the site's windows. Pure: the caller reads the
 * state and the clock, so every path can be tested on a fake clock.
 */
export function authorize(view: SessionView, cameraId: string, now: number): Decision {
  const { session, family } = view;
  if (Date.parse(session.expiresAt) <= now) return { allowed: false, reason: "expired" };
  if (
    !view.parents.enabled ||
    family === null ||
    view.generation !== session.generation ||
    !view.tokenAlive ||
    family.siteId !== session.siteId ||
    family.id !== session.familyId
  )
    return { allowed: false, reason: "revoked" };
  if (!grantedCameras(view.site, family).has(cameraId))
    return { allowed: false, reason: "camera_not_granted" };
  if (!inViewingHours(family.windows, view.parents.windows, now, view.site.timezone))
    return { allowed: false, reason: "outside_window" };
  return { allowed: true, cameraId };
}
