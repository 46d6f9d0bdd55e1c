import type { Finding, FindingRef } from "../../domain/finding.ts";
import { findingKey } from "../../domain/finding.ts";
import type { Site, Zone } from "../../domain/site.ts";
import { outcome, siteSubject, toFinding, zoneSubject } from "../findings.ts";
import type { Outcome } from "../findings.ts";
import type { CameraHealth } from "../../domain/evaluation.ts";

/**
 * zone_uncovered for one zone: fewer than minCameras of its cameras are healthy. Cameras whose
 * health is unknown could make up the number, so then the zone is `unknown`, not a violation.
 * When every camera that is not healthy has the same root (one NVR down), the finding points
 * at it, so only that root is alerted. A zone of a kind the policy does not require (e.g.
 * `other`) is `not_required`: its coverage is given for information (params, evidence), never
 * as ok or a violation, and never counts.
 */
export function zoneUncovered(zone: Zone, required: boolean, cameras: readonly CameraHealth[]): Finding {
  const judged = judge(zone, cameras);
  const o = required
    ? judged
    : outcome(
        "not_required",
        "zone_not_required",
        {
          zoneKind: zone.kind,
          healthy: cameras.filter((c) => c.health === "healthy").length,
          cameras: cameras.length,
        },
        judged.evidence,
      );
  return toFinding("zone_uncovered", zoneSubject(zone.id), o);
}

function judge(zone: Zone, cameras: readonly CameraHealth[]): Outcome {
  const minCameras = zone.minCameras;
  const healthy = cameras.filter((c) => c.health === "healthy").length;
  const unknown = cameras.filter((c) => c.health === "unknown").length;
  const notHealthy = cameras.filter((c) => c.health !== "healthy");
  const evidence = {
    zoneKind: zone.kind,
    private: zone.private,
    cameras: cameras.map((c) => ({ id: c.id, health: c.health, root: c.root })),
  };
  const n = cameras.length;
  if (healthy >= minCameras)
    return outcome("ok", "zone_covered", { healthy, minCameras, cameras: n }, evidence);
  if (n === 0) return outcome("violation", "zone_has_no_cameras", { minCameras }, evidence);
  const cause = sharedRoot(notHealthy);
  if (healthy + unknown >= minCameras) {
    return outcome(
      "unknown",
      "zone_health_unknown",
      { healthy, unknown, minCameras, cameras: n },
      evidence,
      cause,
    );
  }
  return outcome("violation", "zone_too_few_healthy", { healthy, minCameras, cameras: n }, evidence, cause);
}

function sharedRoot(cameras: readonly CameraHealth[]): FindingRef | null {
  const roots = cameras.map((c) => c.root);
  const first = roots[0];
  if (!first || roots.some((r) => r === null || findingKey(r) !== findingKey(first))) return null;
  return first;
}

/**
 * zone_uncovered for the site: a zone kind the policy requires (entrance, living, activity)
 * with no zone declared. It is a violation of the coverage rule, not a configuration error,
 * so it is reported and alerted like one. One finding lists every missing kind, so the site
 * has one stable finding that resolves when the zones are declared.
 */
export function requiredZoneKinds(site: Site): Finding {
  const required = site.policy.requiredZoneKinds;
  const missing = required.filter((k) => !site.zones.some((z) => z.kind === k));
  const evidence = {
    requiredZoneKinds: required,
    declaredZones: site.zones.map((z) => ({ id: z.id, kind: z.kind })),
  };
  const o =
    missing.length > 0
      ? outcome("violation", "required_zone_kind_missing", { zoneKinds: missing.join(",") }, evidence)
      : outcome("ok", "required_zone_kinds_declared", { zoneKinds: required.join(",") }, evidence);
  return toFinding("zone_uncovered", siteSubject(site.id), o);
}
