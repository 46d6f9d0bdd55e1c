import type { Finding, FindingKind } from "../domain/finding.ts";
import type { DeviceObservation } from "../domain/observation.ts";
import type { Camera, Site } from "../domain/site.ts";
import type { CameraContext } from "./context.ts";
import { pictureFindings } from "./rules/pictures.ts";
import type { DeviceTime } from "./deviceTime.ts";
import { deviceTime, timeEvidence } from "./deviceTime.ts";
import { cameraSubject, deviceSubject, outcome, refOf, toFinding } from "./findings.ts";
import { createEvaluationMemo, type EvaluationMemo } from "./memo.ts";
import { notRequiredOutcome } from "./notRequired.ts";
import { alarmDisarmed } from "./rules/alarmDisarmed.ts";
import { cameraOffline } from "./rules/cameraOffline.ts";
import { clockDrift } from "./rules/clockDrift.ts";
import { deviceUnreachable } from "./rules/deviceUnreachable.ts";
import { recordingNotContinuous } from "./rules/recordingNotContinuous.ts";
import { recordingStopped } from "./rules/recordingStopped.ts";
import { retentionConfig } from "./rules/retentionConfig.ts";
import { retentionGap } from "./rules/retentionGap.ts";
import { retentionDepthDays, retentionShort } from "./rules/retentionShort.ts";
import { requiredZoneKinds, zoneUncovered } from "./rules/zoneUncovered.ts";
import type { PictureInput } from "../domain/picture.ts";
import type {
  CameraHealth,
  CameraSummary,
  Evaluation,
  Health,
  Verdict,
  ZoneSummary,
} from "../domain/evaluation.ts";

/** The camera rules, in the order their findings are listed. */
const CAMERA_RULES: readonly [FindingKind, (ctx: CameraContext) => Finding][] = [
  ["camera_offline", cameraOffline],
  ["recording_stopped", recordingStopped],
  ["recording_not_continuous", recordingNotContinuous],
  ["alarm_disarmed", alarmDisarmed],
  ["retention_short", retentionShort],
  ["retention_gap", retentionGap],
  ["retention_config", retentionConfig],
];

type DeviceState =
  | {
      readonly up: true;
      readonly reach: Finding;
      readonly obs: DeviceObservation;
      readonly time: DeviceTime;
      /** The clock evidence every finding of the device's cameras carries (the same for all). */
      readonly clockEvidence: Readonly<Record<string, unknown>>;
    }
  | { readonly up: false; readonly reach: Finding };

/**
 * Evaluates every rule of DESIGN.md §4 for one site from one poll's observations.
 * Pure: `now` is our clock (ms) when the poll finished; devices' clocks come from their
 * observations. Unknown is never compliant.
 */
export function evaluateSite(
  site: Site,
  observations: ReadonlyMap<string, DeviceObservation>,
  now: number,
  pictures: PictureInput = { probed: false },
): Evaluation {
  const findings: Finding[] = [];
  const devices = new Map<string, DeviceState>();
  for (const device of site.devices) {
    const obs = observations.get(device.id);
    const reach = deviceUnreachable(device, obs);
    findings.push(reach);
    if (obs !== undefined && obs.reach.status === "reachable") {
      const time = deviceTime(obs, now);
      findings.push(clockDrift(device.id, time, site.policy, now));
      devices.set(device.id, { up: true, reach, obs, time, clockEvidence: timeEvidence(time, now) });
    } else if (obs !== undefined && obs.clock.status === "ok") {
      // The device told its time (GetSystemDateAndTime needs no login) before a later call
      // failed: the clock that was read is judged, not thrown away as unknown.
      findings.push(clockDrift(device.id, deviceTime(obs, now), site.policy, now));
      devices.set(device.id, { up: false, reach });
    } else {
      findings.push(behindDevice("clock_drift", reach));
      devices.set(device.id, { up: false, reach });
    }
  }

  const cameras: CameraSummary[] = [];
  const health = new Map<string, CameraHealth>();
  const memo = createEvaluationMemo();
  for (const camera of site.cameras) {
    const device = devices.get(camera.device) ?? undeclaredDevice(camera.device, devices, findings);
    const own = waived(
      site,
      camera,
      withPictures(camera, cameraFindings(site, camera, device, now, memo), device, pictures),
    );
    findings.push(...own);
    const h = cameraHealth(camera.id, device.reach, own);
    health.set(camera.id, h);
    cameras.push({
      id: camera.id,
      name: camera.name,
      device: camera.device,
      zones: camera.zones,
      health: h.health,
      root: h.root,
      findings: Object.fromEntries(own.map((f) => [f.kind, f.status])),
      retentionDepthDays: device.up ? retentionDepthDays(context(site, camera, device, now, memo)) : null,
    });
  }

  const zones: ZoneSummary[] = [];
  for (const zone of site.zones) {
    const members = site.cameras.filter((c) => c.zones.includes(zone.id));
    const healths = members.map((c) => health.get(c.id)!);
    const required = site.policy.requiredZoneKinds.includes(zone.kind);
    const f = zoneUncovered(zone, required, healths);
    findings.push(f);
    zones.push({
      id: zone.id,
      name: zone.name,
      kind: zone.kind,
      private: zone.private,
      required,
      minCameras: zone.minCameras,
      cameras: members.map((c) => c.id),
      healthyCameras: healths.filter((h) => h.health === "healthy").length,
      unknownCameras: healths.filter((h) => h.health === "unknown").length,
      status: f.status,
    });
  }
  findings.push(requiredZoneKinds(site));

  return { verdict: verdictOf(findings), findings, cameras, zones };
}

/** violation if any required finding is a violation; else indeterminate if any is unknown. */
export function verdictOf(findings: readonly Finding[]): Verdict {
  const required = findings.filter((f) => f.required);
  if (required.some((f) => f.status === "violation")) return "violation";
  if (required.some((f) => f.status === "unknown")) return "indeterminate";
  return "compliant";
}

const context = (
  site: Site,
  camera: Camera,
  device: Extract<DeviceState, { up: true }>,
  now: number,
  memo: EvaluationMemo,
): CameraContext => ({ site, camera, obs: device.obs, time: device.time, now, memo });

function cameraFindings(
  site: Site,
  camera: Camera,
  device: DeviceState,
  now: number,
  memo: EvaluationMemo,
): Finding[] {
  // Findings the policy does not require are replaced by waived(), whether the device answered or not.
  if (!device.up) return CAMERA_RULES.map(([kind]) => behindDevice(kind, device.reach, camera.id));
  const ctx = context(site, camera, device, now, memo);
  const common = { device: camera.device, ...device.clockEvidence };
  return CAMERA_RULES.map(([, rule]) => {
    const f = rule(ctx);
    return { ...f, evidence: { ...common, ...f.evidence } };
  });
}

/**
 * The camera's findings that its policy or configuration does not require (notRequired.ts) as
 * `not_required`, whatever the device or the probe said: not judged, not counted, never the
 * cause or the consequence of another finding.
 */
function waived(site: Site, camera: Camera, own: readonly Finding[]): Finding[] {
  return own.map((f) => {
    const o = notRequiredOutcome(site.policy, camera, f.kind);
    return o === null ? f : toFinding(f.kind, f.subject, o, { device: camera.device });
  });
}

/**
 * A finding that cannot be told because its device did not answer (or was not polled): unknown,
 * caused by the device's device_unreachable, which is the only one alerted.
 */
function behindDevice(kind: FindingKind, reach: Finding, cameraId?: string): Finding {
  const device = reach.subject.id;
  const subject = cameraId !== undefined ? cameraSubject(cameraId) : deviceSubject(device);
  const o =
    reach.reason === "device_not_observed"
      ? outcome("unknown", "device_not_observed", { device }, { device }, refOf(reach))
      : outcome(
          "unknown",
          "device_unreachable",
          { device },
          { device, deviceFinding: reach.reason },
          refOf(reach),
        );
  return toFinding(kind, subject, o);
}

/** A camera naming a device the site does not declare (config/ should prevent it): never observed. */
function undeclaredDevice(id: string, devices: Map<string, DeviceState>, findings: Finding[]): DeviceState {
  const reach = toFinding(
    "device_unreachable",
    deviceSubject(id),
    outcome("unknown", "device_not_observed", { device: id }, { declared: false }),
  );
  findings.push(reach, behindDevice("clock_drift", reach));
  const state: DeviceState = { up: false, reach };
  devices.set(id, state);
  return state;
}

/** What makes a camera count towards its zones: online, recording and, where probed, a good picture. */
const HEALTH_KINDS: readonly FindingKind[] = [
  "camera_offline",
  "recording_stopped",
  "image_black",
  "image_frozen",
  "view_changed",
];

function cameraHealth(id: string, reach: Finding, own: readonly Finding[]): CameraHealth {
  const parts = [reach, ...own.filter((f) => HEALTH_KINDS.includes(f.kind) && f.required)];
  const health: Health = parts.some((f) => f.status === "violation")
    ? "unhealthy"
    : parts.some((f) => f.status !== "ok")
      ? "unknown"
      : "healthy";
  if (health === "healthy") return { id, health, root: null };
  // The root of an unhealthy camera is a violation, not some other part that is merely unknown.
  const culprit = parts.find((f) => f.status === (health === "unhealthy" ? "violation" : "unknown"))!;
  return { id, health, root: culprit.causedBy ?? refOf(culprit) };
}

/**
 * Adds the picture findings to a camera's ONVIF findings: the stream side of camera_offline
 * (a stream that cannot be watched), image_black, image_frozen and view_changed. An offline
 * camera is the root of what follows from it (recording stopped, pictures unknown), so only
 * camera_offline is alerted for it.
 */
function withPictures(
  camera: Camera,
  own: Finding[],
  device: DeviceState,
  pictures: PictureInput,
): Finding[] {
  const offlineIndex = own.findIndex((f) => f.kind === "camera_offline");
  const onvifOffline = own[offlineIndex];
  if (!device.up) {
    const kinds = ["image_black", "image_frozen", "view_changed"] as const;
    return [
      ...own,
      ...kinds.map((kind) =>
        pictures.probed
          ? behindDevice(kind, device.reach, camera.id)
          : toFinding(kind, cameraSubject(camera.id), outcome("unknown", "probes_skipped", {}), {}, false),
      ),
    ];
  }
  const offlineRef = onvifOffline?.status === "violation" ? refOf(onvifOffline) : null;
  const pic = pictureFindings(camera, pictures, offlineRef);
  const out = [...own];
  if (onvifOffline && onvifOffline.status === "ok" && pic.streamOffline !== null) {
    out[offlineIndex] = toFinding(
      "camera_offline",
      cameraSubject(camera.id),
      pic.streamOffline,
      onvifOffline.evidence,
    );
  }
  out.push(pic.black, pic.frozen, pic.view);
  const offline = out[offlineIndex];
  if (offline?.status !== "violation") return out;
  const root = refOf(offline);
  return out.map((f) =>
    f.kind !== "camera_offline" && f.status !== "ok" && f.causedBy === null ? { ...f, causedBy: root } : f,
  );
}
