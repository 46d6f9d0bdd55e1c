import type { FindingRef } from "../domain/finding.ts";
import type { DeviceObservation } from "../domain/observation.ts";
import type { Camera, Site } from "../domain/site.ts";
import type { DeviceTime } from "./deviceTime.ts";
import type { EvaluationMemo } from "./memo.ts";
import { timeEvidence } from "./deviceTime.ts";
import { deviceSubject, outcome } from "./findings.ts";
import type { Outcome } from "./findings.ts";
import { isoOf } from "./time.ts";

/**
 * What a camera rule sees: a camera on a device that answered this poll. Rules for cameras on
 * unreachable devices are never called; evaluate.ts marks those findings `unknown` and points
 * them at the device's `device_unreachable`.
 */
export interface CameraContext {
  readonly site: Site;
  readonly camera: Camera;
  readonly obs: DeviceObservation;
  readonly time: DeviceTime;
  /** Our clock, ms. */
  readonly now: number;
  /** Lookups shared by the rules of one evaluation (absent: each rule works them out itself). */
  readonly memo?: EvaluationMemo;
}

/** The device's clock_drift finding: the root of every finding the device clock left unknown. */
export const clockRef = (ctx: CameraContext): FindingRef => ({
  kind: "clock_drift",
  subject: deviceSubject(ctx.camera.device),
});

/**
 * For rules that need the device clock: the device's "now", or the `unknown` outcome to report
 * (with the clock_drift finding as its cause) when the clock cannot be trusted.
 */
export function deviceNowOr(
  ctx: CameraContext,
): { readonly deviceNow: number } | { readonly unknown: Outcome } {
  const t = ctx.time;
  if (t.status === "ok") return { deviceNow: t.deviceNow };
  const evidence = timeEvidence(t, ctx.now);
  if (t.status === "implausible") {
    return {
      unknown: outcome(
        "unknown",
        "clock_implausible",
        { deviceTime: isoOf(t.deviceUtc), ourTime: isoOf(t.observedAt) },
        evidence,
        clockRef(ctx),
      ),
    };
  }
  return { unknown: outcome("unknown", "clock_unavailable", { detail: t.detail }, evidence, clockRef(ctx)) };
}
