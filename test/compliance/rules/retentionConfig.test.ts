import { describe, expect, it } from "vitest";
import { retentionConfig } from "../../../src/compliance/rules/retentionConfig.ts";
import type { DeviceObservation } from "../../../src/domain/observation.ts";
import { failed, ok } from "../../../src/domain/probe.ts";
import { camera, ctxFor, healthyObservation, healthySite } from "../builders.ts";

const site = healthySite();
const base = healthyObservation(site);
const judge = (obs: DeviceObservation, s = site) => retentionConfig(ctxFor(s, obs, "cam1"));
const withMax = (seconds: number | null): DeviceObservation => ({
  ...base,
  recordings: ok(
    (base.recordings.status === "ok" ? base.recordings.value : []).map((r) =>
      r.token === "R1" ? { ...r, maximumRetentionSeconds: seconds } : r,
    ),
  ),
});

describe("retention_config", () => {
  it("is ok when MaximumRetentionTime is zero (no limit) or absent", () => {
    expect(judge(withMax(0))).toMatchObject({ status: "ok", params: { maxRetentionDays: null } });
    expect(judge(withMax(null))).toMatchObject({ status: "ok", params: { maxRetentionDays: null } });
  });

  it("is ok at exactly retentionDays", () => {
    expect(judge(withMax(90 * 86400))).toMatchObject({ status: "ok", params: { maxRetentionDays: 90 } });
  });

  it("is a violation when it is set shorter than retentionDays", () => {
    expect(judge(withMax(30 * 86400))).toMatchObject({
      status: "violation",
      reason: "retention_config_too_short",
      params: { recording: "R1", maxRetentionDays: 30, requiredDays: 90 },
    });
    expect(judge(withMax(3600)).params).toMatchObject({ maxRetentionDays: 0.04 });
  });

  it("is unknown when the recordings could not be read", () => {
    const s = healthySite({ cameras: [camera(1, ["gate"], { recording: "R1" })] });
    const f = judge({ ...base, recordings: failed({ kind: "timeout", message: "x" }) }, s);
    expect(f).toMatchObject({ status: "unknown", reason: "recordings_unavailable" });
  });
});
