import type { DeviceClock, DeviceObservation } from "../domain/observation.ts";
import { probeDetail } from "./probeDetail.ts";
import { DAY, PLAUSIBLE_FROM, parseIsoMs } from "../domain/time.ts";
import { isoOf } from "./time.ts";

/** A device clock more than this far from ours is not a drift but a wrong clock (reset, bad RTC). */
export const IMPLAUSIBLE_OFFSET_MS = 365 * DAY;

/**
 * The device's clock as the recording and retention rules need it. Recording data is stamped
 * by the device, so "how old is the newest frame" must be asked on the device's clock, and
 * that clock is carried forward from the moment we read it to the evaluation's `now`.
 */
export type DeviceTime =
  | {
      readonly status: "ok";
      /** The device's "now" at our `now`: deviceUtc + (now − observedAt). */
      readonly deviceNow: number;
      readonly deviceUtc: number;
      readonly observedAt: number;
      /** deviceUtc − observedAt: positive when the device runs ahead of us. */
      readonly driftMs: number;
      readonly source: DeviceClock["source"];
    }
  | {
      readonly status: "implausible";
      readonly deviceUtc: number;
      readonly observedAt: number;
      readonly source: DeviceClock["source"];
    }
  | { readonly status: "unavailable"; readonly detail: string };

export function deviceTime(obs: DeviceObservation, now: number): DeviceTime {
  if (obs.clock.status !== "ok") return { status: "unavailable", detail: probeDetail(obs.clock) };
  const clock = obs.clock.value;
  const observedAt = parseIsoMs(clock.observedAt);
  if (observedAt === null)
    return { status: "unavailable", detail: `unreadable observedAt ${clock.observedAt}` };
  if (clock.deviceUtc === null || clock.source === "none") {
    return {
      status: "unavailable",
      detail: "the device gave neither UTC nor a usable local time and time zone",
    };
  }
  const deviceUtc = parseIsoMs(clock.deviceUtc);
  if (deviceUtc === null)
    return { status: "unavailable", detail: `unreadable device time ${clock.deviceUtc}` };
  const driftMs = deviceUtc - observedAt;
  if (deviceUtc < PLAUSIBLE_FROM || Math.abs(driftMs) > IMPLAUSIBLE_OFFSET_MS) {
    return { status: "implausible", deviceUtc, observedAt, source: clock.source };
  }
  return {
    status: "ok",
    deviceNow: deviceUtc + (now - observedAt),
    deviceUtc,
    observedAt,
    driftMs,
    source: clock.source,
  };
}

/** Both clocks as evidence, so an inspector can redo the arithmetic. */
export function timeEvidence(t: DeviceTime, now: number): Record<string, unknown> {
  const ours = isoOf(now);
  switch (t.status) {
    case "ok":
      return {
        ourNow: ours,
        deviceNow: isoOf(t.deviceNow),
        deviceClockRead: isoOf(t.deviceUtc),
        ourClockAtRead: isoOf(t.observedAt),
        clockSource: t.source,
      };
    case "implausible":
      return {
        ourNow: ours,
        deviceClockRead: isoOf(t.deviceUtc),
        ourClockAtRead: isoOf(t.observedAt),
        clockSource: t.source,
      };
    case "unavailable":
      return { ourNow: ours, deviceClock: t.detail };
  }
}
