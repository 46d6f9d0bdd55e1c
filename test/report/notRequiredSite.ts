import { evaluateSite } from "../../src/compliance/evaluate.ts";
import type { DeviceObservation } from "../../src/domain/observation.ts";
import type { Site } from "../../src/domain/site.ts";
import { buildCheckReport } from "../../src/report/checkReport.ts";
import { camera, healthyObservation, healthySite, NOW, zone } from "../compliance/builders.ts";
import type { CheckReport } from "../../src/domain/checkReport.ts";

/**
 * A site with findings its policy does not require: motion detection is not required (the
 * builders' policy), only cam2 has an approved reference view, and "store" is a zone of a kind
 * the policy does not require. Shared by the report and dashboard tests.
 */
export const site: Site = healthySite({
  zones: [
    zone("gate", "entrance"),
    zone("room-a", "activity"),
    zone("nap", "living"),
    zone("store", "other"),
  ],
  cameras: [
    camera(1, ["gate", "store"]),
    camera(2, ["room-a"], { referenceImage: "refs/cam2.png" }),
    camera(3, ["nap"]),
  ],
});
export const healthy = healthyObservation(site);
export const down: DeviceObservation = {
  ...healthy,
  reach: { status: "unreachable", error: { kind: "timeout", message: "no answer in 5 s" } },
};

export const reportOf = (obs: DeviceObservation, s: Site = site): CheckReport =>
  buildCheckReport(s, {
    startedAt: NOW - 2000,
    finishedAt: NOW,
    observations: new Map([[obs.deviceId, obs]]),
    evaluation: evaluateSite(s, new Map([[obs.deviceId, obs]]), NOW, { probed: false }),
  });
