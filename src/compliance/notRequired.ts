import type { FindingKind } from "../domain/finding.ts";
import type { Camera, Policy } from "../domain/site.ts";
import { outcome, type Outcome } from "./findings.ts";

/**
 * Why a camera finding is not required, whatever the device answered (or whether it answered):
 * the policy does not require motion detection, or the camera has no approved reference view to
 * compare with. Such a finding is `not_required`, never `ok`: it was not judged, and it never
 * counts. null when the finding is required.
 *
 * The other switch of this kind, `requiredZoneKinds`, lives with zone coverage (zoneUncovered.ts).
 * Picture findings of a check run without probes are not this: they are required by the policy
 * but were not looked at (`unknown`, probes_skipped, not counted for that run).
 */
export function notRequiredOutcome(
  policy: Pick<Policy, "requireMotionDetection">,
  camera: Pick<Camera, "referenceImage">,
  kind: FindingKind,
): Outcome | null {
  switch (kind) {
    case "alarm_disarmed":
      return policy.requireMotionDetection ? null : outcome("not_required", "motion_not_required", {});
    case "view_changed":
      return camera.referenceImage === null ? outcome("not_required", "no_reference", {}) : null;
    default:
      return null;
  }
}
