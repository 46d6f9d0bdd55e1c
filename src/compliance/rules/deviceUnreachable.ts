import type { Finding } from "../../domain/finding.ts";
import type { DeviceObservation } from "../../domain/observation.ts";
import type { Device } from "../../domain/site.ts";
import type { Outcome } from "../findings.ts";
import { deviceSubject, outcome, toFinding } from "../findings.ts";

/**
 * device_unreachable: no valid ONVIF answer within the deadline, a failed login included.
 * onvif/ decides reachability; the reason here says which failure it was, because the
 * operator's fix differs (network, certificate, account).
 */
export function deviceUnreachable(device: Device, obs: DeviceObservation | undefined): Finding {
  return toFinding("device_unreachable", deviceSubject(device.id), judge(device, obs));
}

function judge(device: Device, obs: DeviceObservation | undefined): Outcome {
  const d = device.id;
  if (obs === undefined)
    return outcome("unknown", "device_not_observed", { device: d }, { observation: null });
  const polled = { pollStartedAt: obs.startedAt, pollFinishedAt: obs.finishedAt };
  if (obs.reach.status === "reachable") return outcome("ok", "device_reachable", { device: d }, polled);
  const error = obs.reach.error;
  const evidence = { ...polled, error: { ...error } };
  switch (error.kind) {
    case "timeout":
      return outcome(
        "violation",
        "device_timeout",
        { device: d, timeoutSeconds: device.timeoutSeconds },
        evidence,
      );
    case "network":
      return outcome("violation", "device_network_error", { device: d, error: error.message }, evidence);
    case "tls":
      return outcome("violation", "device_tls_error", { device: d, error: error.message }, evidence);
    case "auth":
      return outcome("violation", "device_login_failed", { device: d, error: error.message }, evidence);
    case "not_supported":
    case "bad_argument":
    case "fault":
    case "too_large":
    case "malformed":
    case "http":
      return outcome(
        "violation",
        "device_answer_invalid",
        { device: d, errorKind: error.kind, error: error.message },
        evidence,
      );
  }
}
