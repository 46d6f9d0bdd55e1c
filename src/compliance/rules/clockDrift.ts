import type { Finding } from "../../domain/finding.ts";
import type { Policy } from "../../domain/site.ts";
import type { DeviceTime } from "../deviceTime.ts";
import { timeEvidence } from "../deviceTime.ts";
import { deviceSubject, outcome, toFinding } from "../findings.ts";
import type { Outcome } from "../findings.ts";
import { SECOND } from "../../domain/time.ts";
import { isoOf } from "../time.ts";

/**
 * clock_drift: the device clock is more than maxClockDriftSeconds from ours, so the times in
 * its evidence cannot be trusted. A clock that is implausible (before 2000, a year or more off)
 * is a violation too; the recording and retention rules of the device then report `unknown`.
 * Only called for devices that answered.
 */
export function clockDrift(deviceId: string, time: DeviceTime, policy: Policy, now: number): Finding {
  return toFinding("clock_drift", deviceSubject(deviceId), judge(time, policy), timeEvidence(time, now));
}

function judge(time: DeviceTime, policy: Policy): Outcome {
  const maxSeconds = policy.maxClockDriftSeconds;
  switch (time.status) {
    case "unavailable":
      return outcome("unknown", "clock_unavailable", { detail: time.detail });
    case "implausible":
      return outcome("violation", "clock_implausible", {
        deviceTime: isoOf(time.deviceUtc),
        ourTime: isoOf(time.observedAt),
      });
    case "ok": {
      const driftSeconds = Math.round(time.driftMs / SECOND);
      const evidence = { driftMs: time.driftMs, maxSeconds };
      if (Math.abs(time.driftMs) > maxSeconds * SECOND) {
        return outcome(
          "violation",
          "clock_drift_exceeded",
          { driftSeconds, maxSeconds, deviceTime: isoOf(time.deviceUtc), ourTime: isoOf(time.observedAt) },
          evidence,
        );
      }
      return outcome("ok", "clock_ok", { driftSeconds, maxSeconds }, evidence);
    }
  }
}
