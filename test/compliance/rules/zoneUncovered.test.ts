import { describe, expect, it } from "vitest";
import { requiredZoneKinds, zoneUncovered } from "../../../src/compliance/rules/zoneUncovered.ts";
import type { FindingRef } from "../../../src/domain/finding.ts";
import { healthySite, zone } from "../builders.ts";
import type { CameraHealth } from "../../../src/domain/evaluation.ts";

const nvrDown: FindingRef = { kind: "device_unreachable", subject: { type: "device", id: "nvr1" } };
const offline = (id: string): FindingRef => ({ kind: "camera_offline", subject: { type: "camera", id } });
const healthy = (id: string): CameraHealth => ({ id, health: "healthy", root: null });
const sick = (id: string, root: FindingRef): CameraHealth => ({ id, health: "unhealthy", root });

describe("zone_uncovered", () => {
  it("is ok with minCameras healthy", () => {
    const f = zoneUncovered(zone("gate", "entrance"), true, [healthy("c1"), sick("c2", offline("c2"))]);
    expect(f).toMatchObject({ status: "ok", reason: "zone_covered", subject: { type: "zone", id: "gate" } });
    expect(f.params).toEqual({ healthy: 1, minCameras: 1, cameras: 2 });
  });

  it("is a violation with fewer healthy than minCameras, pointing at the one shared root", () => {
    const f = zoneUncovered(zone("yard", "activity", { minCameras: 2 }), true, [
      healthy("c1"),
      sick("c2", nvrDown),
    ]);
    expect(f).toMatchObject({ status: "violation", reason: "zone_too_few_healthy", causedBy: nvrDown });
  });

  it("has no cause when the unhealthy cameras have different roots", () => {
    const f = zoneUncovered(zone("yard", "activity", { minCameras: 2 }), true, [
      sick("c1", offline("c1")),
      sick("c2", offline("c2")),
    ]);
    expect(f.status).toBe("violation");
    expect(f.causedBy).toBeNull();
  });

  it("is unknown when cameras that cannot be checked could make up the number", () => {
    const f = zoneUncovered(zone("yard", "activity", { minCameras: 2 }), true, [
      healthy("c1"),
      { id: "c2", health: "unknown", root: nvrDown },
    ]);
    expect(f).toMatchObject({ status: "unknown", reason: "zone_health_unknown", causedBy: nvrDown });
  });

  it("is a violation for a zone no camera covers", () => {
    expect(zoneUncovered(zone("nap", "living"), true, [])).toMatchObject({
      status: "violation",
      reason: "zone_has_no_cameras",
    });
  });

  it("passes `required` through for zone kinds the policy does not require", () => {
    expect(zoneUncovered(zone("store", "other"), false, []).required).toBe(false);
  });
});

describe("zone_uncovered for the site", () => {
  it("is ok when every required zone kind has a zone", () => {
    const f = requiredZoneKinds(healthySite());
    expect(f).toMatchObject({ status: "ok", subject: { type: "site", id: "sunshine-01" } });
  });

  it("is a violation with the site as subject when a required kind has no zone", () => {
    const site = healthySite({ zones: [zone("gate", "entrance")] });
    const f = requiredZoneKinds(site);
    expect(f).toMatchObject({
      kind: "zone_uncovered",
      status: "violation",
      reason: "required_zone_kind_missing",
      subject: { type: "site", id: "sunshine-01" },
      params: { zoneKinds: "living,activity" },
    });
  });
});
