import { describe, expect, it } from "vitest";
import { deviceTime } from "../../../src/compliance/deviceTime.ts";
import { clockDrift } from "../../../src/compliance/rules/clockDrift.ts";
import { failed } from "../../../src/domain/probe.ts";
import type { DeviceObservation } from "../../../src/domain/observation.ts";
import { NOW, POLICY, SECOND, healthyObservation, healthySite, iso, withClock } from "../builders.ts";

const base = healthyObservation(healthySite());
const judge = (obs: DeviceObservation) => clockDrift("nvr1", deviceTime(obs, NOW), POLICY, NOW);
/** The device clock `offset` ms from ours at the moment we read it (NOW − 1 s). */
const off = (offset: number, source: "utc" | "local+tz" = "utc") =>
  withClock(base, iso(NOW - SECOND + offset), source);

describe("deviceTime", () => {
  it("carries the device clock forward to our now: deviceUtc + (now − observedAt)", () => {
    const t = deviceTime(off(5 * SECOND), NOW);
    expect(t.status).toBe("ok");
    if (t.status === "ok") {
      expect(t.deviceNow).toBe(NOW + 5 * SECOND);
      expect(t.driftMs).toBe(5 * SECOND);
    }
  });
});

describe("clock_drift", () => {
  it("is ok within maxClockDriftSeconds, and exactly at the limit", () => {
    expect(judge(off(2 * SECOND))).toMatchObject({
      status: "ok",
      reason: "clock_ok",
      params: { driftSeconds: 2 },
    });
    expect(judge(off(30 * SECOND)).status).toBe("ok");
    expect(judge(off(-30 * SECOND)).status).toBe("ok");
  });

  it("is a violation beyond it, ahead or behind, with both clocks as evidence", () => {
    const ahead = judge(off(31 * SECOND));
    expect(ahead).toMatchObject({ status: "violation", reason: "clock_drift_exceeded" });
    expect(ahead.params).toMatchObject({ driftSeconds: 31, maxSeconds: 30 });
    expect(ahead.evidence).toMatchObject({
      deviceClockRead: iso(NOW + 30 * SECOND),
      ourClockAtRead: iso(NOW - SECOND),
    });
    expect(judge(off(-45 * SECOND)).params).toMatchObject({ driftSeconds: -45 });
  });

  it("calls a clock years off implausible, a violation", () => {
    const f = judge(withClock(base, "2019-03-01T08:00:00Z"));
    expect(f.status).toBe("violation");
    expect(f.reason).toBe("clock_implausible");
    expect(f.params).toEqual({ deviceTime: "2019-03-01T08:00:00.000Z", ourTime: iso(NOW - SECOND) });
  });

  it("calls a reset clock (before 2000) implausible", () => {
    expect(judge(withClock(base, "1970-01-01T00:12:00Z")).reason).toBe("clock_implausible");
  });

  it("accepts a clock derived from local time and the POSIX TZ like a UTC one", () => {
    const f = judge(off(3 * SECOND, "local+tz"));
    expect(f).toMatchObject({ status: "ok", params: { driftSeconds: 3 } });
    expect(f.evidence).toMatchObject({ clockSource: "local+tz" });
  });

  it("is unknown when the device gave no usable time, or the question failed", () => {
    expect(judge(withClock(base, null, "none"))).toMatchObject({
      status: "unknown",
      reason: "clock_unavailable",
    });
    const noClock = { ...base, clock: failed<never>({ kind: "timeout", message: "no answer" }) };
    expect(judge(noClock)).toMatchObject({ status: "unknown", reason: "clock_unavailable" });
  });
});
