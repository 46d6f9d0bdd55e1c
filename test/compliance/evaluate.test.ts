import { describe, expect, it } from "vitest";
import { evaluateSite, verdictOf } from "../../src/compliance/evaluate.ts";
import type { Finding, JudgedStatus } from "../../src/domain/finding.ts";
import { findingKey } from "../../src/domain/finding.ts";
import type { DeviceObservation } from "../../src/domain/observation.ts";
import { ok, unsupported } from "../../src/domain/probe.ts";
import {
  DAY,
  MINUTE,
  NOW,
  SECOND,
  camera,
  device,
  evaluate,
  findingOf,
  healthyObservation,
  healthySite,
  iso,
  jobState,
  patch,
  recordingInfo,
  withClock,
  zone,
} from "./builders.ts";

const site = healthySite();
const healthy = healthyObservation(site);
const noAnswer = { kind: "timeout", message: "no answer in 5 s" } as const;
const down: DeviceObservation = {
  ...healthy,
  reach: { status: "unreachable", error: noAnswer },
  clock: { status: "failed", error: noAnswer },
};
const CAMERA_KINDS = [
  "camera_offline",
  "recording_stopped",
  "recording_not_continuous",
  "alarm_disarmed",
  "retention_short",
  "retention_gap",
  "retention_config",
] as const;
/** Findings that would be alerted: not ok, required, and not explained by another finding. */
const roots = (fs: readonly Finding[]) =>
  fs.filter((f) => f.required && f.status !== "ok" && f.causedBy === null);

describe("evaluateSite", () => {
  it("finds a healthy site compliant, every finding ok", () => {
    const ev = evaluate(site, healthy);
    expect(ev.verdict).toBe("compliant");
    expect(ev.findings.filter((f) => f.required && f.status !== "ok")).toEqual([]);
    // Without picture probes the picture findings are there, unknown and not counted.
    const skipped = ev.findings.filter((f) => !f.required && f.status === "unknown");
    expect(skipped.map((f) => f.reason)).toEqual(Array(6).fill("probes_skipped"));
    // What the policy does not ask for (motion detection; a view with no approved reference) is
    // not_required, never ok.
    const waived = ev.findings.filter((f) => f.status === "not_required");
    expect(waived.map((f) => [f.kind, f.reason, f.required])).toEqual(
      ["cam1", "cam2", "cam3"].flatMap(() => [
        ["alarm_disarmed", "motion_not_required", false],
        ["view_changed", "no_reference", false],
      ]),
    );
    expect(ev.findings.filter((f) => !f.required).length).toBe(12);
    // 2 device findings, 7 ONVIF + 3 picture findings per camera, 1 per zone, 1 for the site.
    expect(ev.findings).toHaveLength(2 + 3 * 10 + 3 + 1);
    expect(ev.cameras.map((c) => [c.id, c.health, c.retentionDepthDays])).toEqual([
      ["cam1", "healthy", 120],
      ["cam2", "healthy", 120],
      ["cam3", "healthy", 120],
    ]);
    expect(ev.cameras[0]!.findings).toMatchObject({ recording_stopped: "ok", retention_short: "ok" });
    expect(ev.zones[0]).toMatchObject({
      id: "gate",
      required: true,
      healthyCameras: 1,
      minCameras: 1,
      status: "ok",
    });
  });

  it("gives every finding a unique key", () => {
    const ev = evaluate(site, healthy);
    expect(new Set(ev.findings.map(findingKey)).size).toBe(ev.findings.length);
  });

  it("is deterministic for a fixed now", () => {
    expect(evaluate(site, healthy)).toEqual(evaluate(site, healthy));
  });

  it("never puts a device password into findings", () => {
    expect(JSON.stringify(evaluate(site, down))).not.toContain("s3cret");
    expect(JSON.stringify(evaluate(site, healthy))).not.toContain("s3cret");
  });

  describe("an unreachable NVR", () => {
    const ev = evaluate(site, down);

    it("is one root: device_unreachable", () => {
      expect(roots(ev.findings).map(findingKey)).toEqual(["device_unreachable:device:nvr1"]);
      expect(ev.verdict).toBe("violation");
    });

    it("makes every camera finding unknown, caused by it", () => {
      const ref = { kind: "device_unreachable", subject: { type: "device", id: "nvr1" } };
      for (const cam of ["cam1", "cam2", "cam3"]) {
        for (const kind of CAMERA_KINDS) {
          const f = findingOf(ev, kind, cam);
          if (kind === "alarm_disarmed") {
            // Not required by the policy: said so, not "ok" (it was not checked), not caused by anything.
            expect(f).toMatchObject({ status: "not_required", required: false, causedBy: null });
          } else {
            expect(f).toMatchObject({ status: "unknown", reason: "device_unreachable", causedBy: ref });
          }
        }
      }
      expect(findingOf(ev, "clock_drift", "nvr1")).toMatchObject({ status: "unknown", causedBy: ref });
    });

    it("leaves every zone uncovered, caused by it", () => {
      for (const z of ["gate", "room-a", "nap"]) {
        expect(findingOf(ev, "zone_uncovered", z)).toMatchObject({
          status: "violation",
          causedBy: { kind: "device_unreachable", subject: { type: "device", id: "nvr1" } },
        });
      }
      expect(ev.cameras.every((c) => c.health === "unhealthy" && c.root?.kind === "device_unreachable")).toBe(
        true,
      );
    });
  });

  describe("a device that told its time, then refused the login", () => {
    const refused = { kind: "auth", message: "ter:NotAuthorized" } as const;
    const told = (driftMs: number): DeviceObservation => ({
      ...withClock(healthy, iso(NOW - SECOND + driftMs)),
      reach: { status: "unreachable", error: refused },
    });

    it("has its clock judged from what it said: within the limit is ok", () => {
      const ev = evaluate(site, told(3 * SECOND));
      expect(findingOf(ev, "device_unreachable", "nvr1").status).toBe("violation");
      expect(findingOf(ev, "clock_drift", "nvr1")).toMatchObject({ status: "ok", causedBy: null });
    });

    it("and a clock far off is a violation of its own, not an unknown behind the login", () => {
      const ev = evaluate(site, told(20 * MINUTE));
      expect(findingOf(ev, "clock_drift", "nvr1")).toMatchObject({
        status: "violation",
        reason: "clock_drift_exceeded",
        causedBy: null,
      });
      expect(findingOf(ev, "recording_stopped", "cam1")).toMatchObject({
        status: "unknown",
        reason: "device_unreachable",
      });
    });
  });

  it("points a zone at the camera's own root when that camera is offline", () => {
    const profiles =
      healthy.profiles.status === "ok" ? healthy.profiles.value.filter((p) => p.token !== "P2") : [];
    const ev = evaluate(site, { ...healthy, profiles: ok(profiles) });
    expect(findingOf(ev, "zone_uncovered", "room-a")).toMatchObject({
      status: "violation",
      causedBy: { kind: "camera_offline", subject: { type: "camera", id: "cam2" } },
    });
    expect(findingOf(ev, "zone_uncovered", "gate").status).toBe("ok");
    expect(ev.cameras[1]).toMatchObject({ health: "unhealthy", root: { kind: "camera_offline" } });
  });

  it("counts a zone covered when another device's camera still records it", () => {
    const two = healthySite({
      devices: [device("nvr1"), device("nvr2")],
      zones: [zone("gate", "entrance"), zone("room-a", "activity"), zone("nap", "living")],
      cameras: [
        camera(1, ["gate"]),
        camera(2, ["room-a", "nap"]),
        camera(4, ["gate", "room-a", "nap"], { device: "nvr2" }),
      ],
    });
    const ev = evaluate(two, healthyObservation(two, "nvr1"), {
      ...healthyObservation(two, "nvr2"),
      reach: down.reach,
    });
    expect(findingOf(ev, "zone_uncovered", "gate")).toMatchObject({
      status: "ok",
      params: { healthy: 1, cameras: 2 },
    });
    expect(roots(ev.findings).map(findingKey)).toEqual(["device_unreachable:device:nvr2"]);
  });

  describe("verdict", () => {
    it("is indeterminate, never compliant, when something required is unknown", () => {
      const noProfileG: DeviceObservation = {
        ...healthy,
        services: ok({ device: "http://10.0.0.5/onvif/device_service" }),
        recordings: unsupported("ActionNotSupported"),
        recordingJobs: unsupported("ActionNotSupported"),
      };
      const ev = evaluate(site, noProfileG);
      expect(findingOf(ev, "recording_stopped", "cam1")).toMatchObject({
        status: "unknown",
        reason: "profile_g_unsupported",
      });
      expect(ev.verdict).toBe("indeterminate");
      // Recording unknown makes the cameras' health unknown, and the zones with them.
      expect(ev.zones.every((z) => z.status === "unknown")).toBe(true);
    });

    it("is indeterminate when a device was not observed at all", () => {
      const ev = evaluateSite(site, new Map(), NOW);
      expect(findingOf(ev, "device_unreachable", "nvr1")).toMatchObject({
        status: "unknown",
        reason: "device_not_observed",
      });
      expect(findingOf(ev, "recording_stopped", "cam2").causedBy).toMatchObject({
        kind: "device_unreachable",
      });
      expect(ev.verdict).toBe("indeterminate");
    });

    it("is a violation when anything required is a violation, unknowns beside it or not", () => {
      const stopped = patch(healthy, "jobStates", "J1", ok(jobState(1, "Idle", "Idle")));
      const ev = evaluate(site, { ...stopped, signalLoss: unsupported("no events") });
      expect(ev.verdict).toBe("violation");
      expect(findingOf(ev, "zone_uncovered", "gate")).toMatchObject({
        status: "violation",
        causedBy: { kind: "recording_stopped", subject: { type: "camera", id: "cam1" } },
      });
    });

    it("counts accruing as not violated", () => {
      const commissioned = NOW - 20 * DAY;
      const young = healthySite({ commissionedAt: iso(commissioned) });
      let obs = healthyObservation(young);
      for (const n of [1, 2, 3]) {
        obs = patch(
          obs,
          "recordingInfo",
          `R${n}`,
          ok(recordingInfo(n, iso(commissioned + 3600_000), iso(NOW - 10_000))),
        );
      }
      const ev = evaluate(young, obs);
      expect(findingOf(ev, "retention_short", "cam1").status).toBe("accruing");
      expect(ev.verdict).toBe("compliant");
      expect(ev.cameras[0]!.retentionDepthDays).toBe(19.9);
    });

    it("ignores findings that are not required", () => {
      const withOther = healthySite({ zones: [...site.zones, zone("store", "other")] });
      const ev = evaluate(withOther, healthyObservation(withOther));
      // A zone kind the policy does not require: not judged (its coverage for information only).
      expect(findingOf(ev, "zone_uncovered", "store")).toMatchObject({
        status: "not_required",
        required: false,
        reason: "zone_not_required",
        params: { zoneKind: "other", healthy: 0, cameras: 0 },
      });
      expect(ev.zones.find((z) => z.id === "store")).toMatchObject({
        required: false,
        status: "not_required",
      });
      expect(ev.verdict).toBe("compliant");
    });

    it("follows the stated order of precedence", () => {
      const f = (status: JudgedStatus, required = true): Finding => ({
        kind: "clock_drift",
        subject: { type: "device", id: "d" },
        status,
        required,
        reason: "clock_ok",
        params: {},
        evidence: {},
        causedBy: null,
      });
      expect(verdictOf([f("ok"), f("accruing")])).toBe("compliant");
      expect(verdictOf([f("ok"), f("unknown")])).toBe("indeterminate");
      expect(verdictOf([f("unknown"), f("violation")])).toBe("violation");
      expect(verdictOf([f("violation", false), f("unknown", false)])).toBe("compliant");
    });
  });

  it("reports a required zone kind with no zone as a violation of the site", () => {
    const noLiving = healthySite({ zones: [zone("gate", "entrance"), zone("room-a", "activity")] });
    const ev = evaluate(noLiving, healthyObservation(noLiving));
    expect(findingOf(ev, "zone_uncovered", "sunshine-01")).toMatchObject({
      status: "violation",
      subject: { type: "site" },
      params: { zoneKinds: "living" },
    });
    expect(ev.verdict).toBe("violation");
  });

  it("uses the clock to make retention unknown and clock_drift the one violation when the device time is years off", () => {
    const obs: DeviceObservation = {
      ...healthy,
      clock: ok({
        deviceUtc: "2015-01-01T00:00:00Z",
        source: "utc",
        observedAt: iso(NOW - 1000),
        timezone: null,
        dateTimeType: "Manual",
      }),
    };
    const ev = evaluate(site, obs);
    expect(findingOf(ev, "clock_drift", "nvr1")).toMatchObject({
      status: "violation",
      reason: "clock_implausible",
    });
    for (const kind of ["recording_stopped", "retention_short", "retention_gap"] as const) {
      expect(findingOf(ev, kind, "cam1")).toMatchObject({ status: "unknown", reason: "clock_implausible" });
    }
    expect(roots(ev.findings).map(findingKey)).toEqual(["clock_drift:device:nvr1"]);
    expect(ev.cameras[0]).toMatchObject({
      health: "unknown",
      root: { kind: "clock_drift" },
      retentionDepthDays: null,
    });
    expect(findingOf(ev, "zone_uncovered", "gate").causedBy).toMatchObject({ kind: "clock_drift" });
  });
});
