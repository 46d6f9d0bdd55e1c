import type { Finding, FindingKind } from "../domain/finding.ts";
import type { FollowUp } from "../domain/followUp.ts";
import type { Site } from "../domain/site.ts";
import type { SiteSnapshot } from "./snapshot.ts";
import type { Evaluation } from "../domain/evaluation.ts";

/** What the poll of one device found, as far as the follow-ups care. */
export interface PolledDevice {
  readonly deviceId: string;
  readonly reachable: boolean;
}

/** An early retention scan is asked for at most once per device in this long, at least. */
const EARLY_SCAN_WITHIN_MS = 300_000;

const PICTURE_KINDS: ReadonlySet<FindingKind> = new Set(["image_black", "image_frozen", "view_changed"]);

/**
 * What should run early after a poll of a device, from its site's evaluation (pure):
 * - a picture probe of a device whose cameras' pictures are in doubt (a stream that could not
 *   be watched, a black, frozen or turned picture), so a camera that was fixed stops counting as
 *   broken within a poll or two, not a probe interval; at most one per two poll intervals;
 * - a retention scan of a device with a recording its stored history does not cover (a new
 *   channel, a history gone stale). A device never scanned waits for its start-up scan, already
 *   queued. At most one per device every five minutes (or two poll intervals, if longer).
 * Nothing for an unreachable device: there is nothing to look at.
 */
export function decideFollowUps(
  site: Site,
  evaluation: Evaluation,
  snapshot: Pick<SiteSnapshot, "pictures" | "scanned" | "scans">,
  polled: PolledDevice,
): FollowUp[] {
  if (!polled.reachable) return [];
  const { deviceId } = polled;
  const interval = site.policy.pollIntervalSeconds * 1000;
  const troubled = troubledCameraFindings(evaluation, site, deviceId);
  const out: FollowUp[] = [];
  if (snapshot.pictures.probed && troubled.some(pictureInDoubt)) {
    out.push({ kind: "probe", siteId: site.id, deviceId, withinMs: interval * 2 });
  }
  if (snapshot.scans && snapshot.scanned.has(deviceId) && troubled.some(historyPending)) {
    out.push({
      kind: "retention",
      siteId: site.id,
      deviceId,
      withinMs: Math.max(interval * 2, EARLY_SCAN_WITHIN_MS),
    });
  }
  return out;
}

/** Required findings about the cameras of one device that are not ok. */
function troubledCameraFindings(evaluation: Evaluation, site: Site, deviceId: string): Finding[] {
  const cameras = new Set(site.cameras.filter((c) => c.device === deviceId).map((c) => c.id));
  return evaluation.findings.filter(
    (f) => f.subject.type === "camera" && cameras.has(f.subject.id) && f.required && f.status !== "ok",
  );
}

function pictureInDoubt(f: Finding): boolean {
  return PICTURE_KINDS.has(f.kind) || (f.kind === "camera_offline" && f.reason === "stream_unavailable");
}

/** A recording waiting for its first (or a recent) retention scan. */
function historyPending(f: Finding): boolean {
  return f.kind === "retention_gap" && f.reason === "history_not_searched";
}
