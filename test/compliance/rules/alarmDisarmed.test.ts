import { describe, expect, it } from "vitest";
import { alarmDisarmed } from "../../../src/compliance/rules/alarmDisarmed.ts";
import type { AnalyticsRule, DeviceObservation } from "../../../src/domain/observation.ts";
import { failed, ok, unsupported } from "../../../src/domain/probe.ts";
import { ctxFor, healthyObservation, healthySite, motionRule, patch, withPolicy } from "../builders.ts";

const site = withPolicy(healthySite(), { requireMotionDetection: true });
const base = healthyObservation(site);
const judge = (obs: DeviceObservation, s = site) => alarmDisarmed(ctxFor(s, obs, "cam1"));
const rules = (...r: AnalyticsRule[]) => patch(base, "analyticsRules", "VA1", ok(r));
const tamper: AnalyticsRule = {
  name: "Tamper1",
  type: "tt:TamperingDetection",
  parameters: { Mode: "GlobalSceneChange" },
};
const b64 = (...bytes: number[]) => Buffer.from(bytes).toString("base64");

describe("alarm_disarmed", () => {
  it("is not_required (never ok) when the policy does not require motion detection, whatever the device says", () => {
    for (const obs of [
      rules(),
      base,
      patch(base, "analyticsRules", "VA1", failed({ kind: "timeout", message: "x" })),
    ]) {
      const f = judge(obs, healthySite());
      expect(f).toMatchObject({
        status: "not_required",
        required: false,
        reason: "motion_not_required",
        causedBy: null,
      });
    }
  });

  it("is ok when a CellMotionDetector watches some cells", () => {
    expect(judge(base)).toMatchObject({
      status: "ok",
      required: true,
      reason: "motion_armed",
      params: { rule: "Motion1", activeCells: 8 },
    });
  });

  it("is a violation when the only motion rule's ActiveCells are all zero", () => {
    expect(judge(rules(motionRule(b64(0xf9, 0x00)), tamper))).toMatchObject({
      status: "violation",
      reason: "motion_cells_empty",
      params: { rule: "Motion1" },
    });
  });

  it("is ok when one of two motion rules has cells", () => {
    const zero = { ...motionRule(b64(0xf9, 0x00)), name: "Zero" };
    expect(judge(rules(zero, motionRule())).params).toMatchObject({ rule: "Motion1" });
  });

  it("is a violation when there is no motion rule (tamper alone is not motion detection)", () => {
    const f = judge(rules(tamper));
    expect(f).toMatchObject({
      status: "violation",
      reason: "alarm_rules_absent",
      params: { analytics: "VA1" },
    });
    expect(f.evidence).toMatchObject({ tamperRules: ["Tamper1"] });
  });

  it("is a violation when the profile has no analytics configuration", () => {
    const profiles =
      base.profiles.status === "ok" ? base.profiles.value.map((p) => ({ ...p, analyticsToken: null })) : [];
    expect(judge({ ...base, profiles: ok(profiles) })).toMatchObject({
      status: "violation",
      params: { analytics: null },
    });
  });

  it("is a violation when a MotionRegionDetector is set Armed=false", () => {
    const region: AnalyticsRule = {
      name: "Region1",
      type: "tt:MotionRegionDetector",
      parameters: { Armed: "false" },
    };
    expect(judge(rules(region)).reason).toBe("motion_rule_disarmed");
    expect(judge(rules({ ...region, parameters: { Armed: "true" } })).status).toBe("ok");
  });

  it("is unknown when the cells cannot be read", () => {
    expect(judge(rules(motionRule("%%%")))).toMatchObject({
      status: "unknown",
      reason: "motion_cells_unreadable",
    });
  });

  it("is unknown when the device has no analytics, or the rules could not be read", () => {
    expect(judge(patch(base, "analyticsRules", "VA1", unsupported("no analytics service"))).reason).toBe(
      "analytics_unsupported",
    );
    expect(
      judge(patch(base, "analyticsRules", "VA1", failed({ kind: "timeout", message: "x" }))),
    ).toMatchObject({
      status: "unknown",
      reason: "analytics_unavailable",
    });
  });
});
