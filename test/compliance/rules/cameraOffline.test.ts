import { describe, expect, it } from "vitest";
import { cameraOffline } from "../../../src/compliance/rules/cameraOffline.ts";
import type { DeviceObservation } from "../../../src/domain/observation.ts";
import { failed, ok, unsupported } from "../../../src/domain/probe.ts";
import { ctxFor, healthyObservation, healthySite } from "../builders.ts";

const site = healthySite();
const base = healthyObservation(site);
const judge = (obs: DeviceObservation, cam = "cam1") => cameraOffline(ctxFor(site, obs, cam));

describe("camera_offline", () => {
  it("is ok when the NVR lists the profile and reports no signal loss", () => {
    const f = judge(base);
    expect(f).toMatchObject({
      status: "ok",
      reason: "camera_listed",
      params: { profile: "P1", signalLossKnown: true },
    });
    expect(f.subject).toEqual({ type: "camera", id: "cam1" });
  });

  it("is a violation when the NVR no longer lists the camera's profile", () => {
    const profiles = base.profiles.status === "ok" ? base.profiles.value.filter((p) => p.token !== "P2") : [];
    const f = judge({ ...base, profiles: ok(profiles) }, "cam2");
    expect(f).toMatchObject({ status: "violation", reason: "camera_not_listed", params: { profile: "P2" } });
    expect(f.evidence).toMatchObject({ listedProfiles: ["P1", "P3"] });
  });

  it("is a violation when SignalLoss is true for the camera's video source only", () => {
    const obs = { ...base, signalLoss: ok({ VS1: false, VS2: true, VS3: false }) };
    expect(judge(obs, "cam2")).toMatchObject({
      status: "violation",
      reason: "camera_signal_loss",
      params: { videoSource: "VS2" },
    });
    expect(judge(obs, "cam1").status).toBe("ok");
  });

  it("is unknown when the profiles could not be read", () => {
    const f = judge({ ...base, profiles: failed({ kind: "auth", message: "ter:NotAuthorized" }) });
    expect(f).toMatchObject({ status: "unknown", reason: "profiles_unavailable" });
  });

  it("rests on the listing when the device has no SignalLoss events, and says so", () => {
    const f = judge({ ...base, signalLoss: unsupported("no events service") });
    expect(f).toMatchObject({ status: "ok", params: { signalLossKnown: false } });
    expect(f.evidence).toMatchObject({ signalLoss: { status: "unsupported" } });
  });
});
