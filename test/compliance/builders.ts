import type { CameraContext } from "../../src/compliance/context.ts";
import { deviceTime } from "../../src/compliance/deviceTime.ts";
import { evaluateSite } from "../../src/compliance/evaluate.ts";
import type { Finding, FindingKind } from "../../src/domain/finding.ts";
import type {
  AnalyticsRule,
  DeviceObservation,
  RecordingHistory,
  RecordingInformation,
  RecordingJob,
  RecordingJobState,
} from "../../src/domain/observation.ts";
import { ok } from "../../src/domain/probe.ts";
import type { Camera, Device, Policy, Site, Zone } from "../../src/domain/site.ts";
import { Secret } from "../../src/domain/secret.ts";
import type { Evaluation } from "../../src/domain/evaluation.ts";

/** Every test runs at this instant of our clock. */
export const NOW = Date.UTC(2026, 11, 15, 2, 0, 0); // 2026-12-15T02:00:00Z
export const SECOND = 1000;
export const MINUTE = 60 * SECOND;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
export const iso = (ms: number): string => new Date(ms).toISOString();

export const POLICY: Policy = {
  retentionDays: 90,
  retentionToleranceHours: 24,
  maxRecordingLagSeconds: 300,
  maxGapMinutes: 10,
  maxClockDriftSeconds: 30,
  requiredZoneKinds: ["entrance", "living", "activity"],
  requireMotionDetection: false,
  pollIntervalSeconds: 30,
  probeIntervalSeconds: 300,
  retentionIntervalSeconds: 3600,
  graceSeconds: 120,
  graceByKind: {},
  recoverySeconds: 60,
};

export const device = (id = "nvr1"): Device => ({
  id,
  kind: "nvr",
  onvif: `http://10.0.0.5/onvif/device_service`,
  username: "monitor",
  password: new Secret("s3cret-Pa55"),
  timeoutSeconds: 5,
  maxConcurrency: 2,
  tls: null,
});

export const zone = (id: string, kind: Zone["kind"], extra: Partial<Zone> = {}): Zone => ({
  id,
  kind,
  name: id,
  private: false,
  minCameras: 1,
  ...extra,
});

/** Camera n on a device: profile Pn, video source VSn, recording Rn, job Jn, analytics VAn. */
export const camera = (n: number, zones: readonly string[], extra: Partial<Camera> = {}): Camera => ({
  id: `cam${n}`,
  name: `Camera ${n}`,
  device: "nvr1",
  profile: `P${n}`,
  recording: null,
  zones,
  referenceImage: null,
  commissionedAt: null,
  streamUri: null,
  snapshotUri: null,
  ...extra,
});

/** A site whose one NVR records three cameras, one per required zone kind. */
export function healthySite(extra: Partial<Site> = {}): Site {
  return {
    id: "sunshine-01",
    name: "阳光托育中心",
    registration: null,
    timezone: "Asia/Shanghai",
    commissionedAt: "2026-01-01T00:00:00Z",
    locale: "zh-CN",
    policy: POLICY,
    devices: [device()],
    zones: [zone("gate", "entrance"), zone("room-a", "activity"), zone("nap", "living")],
    cameras: [camera(1, ["gate"]), camera(2, ["room-a"]), camera(3, ["nap"])],
    ...extra,
  };
}

export const withPolicy = (site: Site, p: Partial<Policy>): Site => ({
  ...site,
  policy: { ...site.policy, ...p },
});

export const jobState = (
  n: number,
  video: string,
  audio = "Active",
  extra: { state?: string; videoError?: string | null; audioError?: string | null } = {},
): RecordingJobState => ({
  recordingToken: `R${n}`,
  state: extra.state ?? (video === "Active" && audio === "Active" ? "Active" : "PartiallyActive"),
  sources: [
    {
      sourceToken: `P${n}`,
      state: extra.state ?? "Active",
      tracks: [
        { sourceTag: "video", destination: "VIDEO001", state: video, error: extra.videoError ?? null },
        { sourceTag: "audio", destination: "AUDIO001", state: audio, error: extra.audioError ?? null },
      ],
    },
  ],
});

export const recordingInfo = (
  n: number,
  dataFrom: string | null,
  dataTo: string | null,
): RecordingInformation => ({
  recordingToken: `R${n}`,
  earliestRecording: dataFrom,
  latestRecording: dataTo,
  status: "Recording",
  tracks: [
    { token: "VIDEO001", type: "Video", dataFrom, dataTo },
    // The audio track claims older data: retention must read the video track only.
    { token: "AUDIO001", type: "Audio", dataFrom: iso(NOW - 400 * DAY), dataTo },
  ],
});

export const history = (
  states: RecordingHistory["trackStates"],
  deletions: RecordingHistory["deletions"] = [],
): RecordingHistory => ({
  from: iso(NOW - 90 * DAY),
  // Searched up to device-now (the healthy device runs 2 s ahead of us).
  to: iso(NOW + 2 * SECOND),
  trackStates: states,
  deletions,
});

export const presentSince = (t: number): RecordingHistory["trackStates"][number] => ({
  time: iso(t),
  track: "VIDEO001",
  isDataPresent: true,
  startState: true,
});

export const state = (
  t: number,
  present: boolean,
  track = "VIDEO001",
): RecordingHistory["trackStates"][number] => ({
  time: iso(t),
  track,
  isDataPresent: present,
  startState: false,
});

export const ACTIVE_CELLS = "Af8A"; // PackBits: a literal run of 2 bytes, 0xFF 0x00: 8 cells on
export const motionRule = (activeCells = ACTIVE_CELLS): AnalyticsRule => ({
  name: "Motion1",
  type: "tt:CellMotionDetector",
  parameters: { MinCount: "4", AlarmOnDelay: "1000", AlarmOffDelay: "1000", ActiveCells: activeCells },
});

/**
 * What a healthy NVR says in one poll: every camera of the site on `deviceId` listed, recorded
 * continuously by an Active job into its own recording with 120 days of video, no gaps, a
 * clock 2 s ahead of ours, read one second before `NOW`.
 */
export function healthyObservation(site: Site, deviceId = "nvr1"): DeviceObservation {
  const ns = site.cameras
    .filter((c) => c.device === deviceId)
    .map((c) => Number(c.profile.replace(/^P/, "")));
  const observedAt = NOW - SECOND;
  const by = <T>(f: (n: number) => [string, T]): Record<string, T> => Object.fromEntries(ns.map(f));
  const jobs: RecordingJob[] = ns.map((n) => ({
    token: `J${n}`,
    recordingToken: `R${n}`,
    mode: "Active",
    scheduleToken: null,
    eventTriggered: false,
    sourceTokens: [`P${n}`],
  }));
  return {
    deviceId,
    startedAt: iso(NOW - 3 * SECOND),
    finishedAt: iso(NOW),
    reach: { status: "reachable" },
    clock: ok({
      deviceUtc: iso(observedAt + 2 * SECOND),
      source: "utc",
      observedAt: iso(observedAt),
      timezone: "CST-8",
      dateTimeType: "NTP",
    }),
    info: ok({
      manufacturer: "Sim",
      model: "NVR-16",
      firmwareVersion: "1.0",
      serialNumber: "S1",
      hardwareId: "H1",
    }),
    services: ok({
      device: "http://10.0.0.5/onvif/device_service",
      media: "http://10.0.0.5/onvif/media",
      recording: "http://10.0.0.5/onvif/recording",
      search: "http://10.0.0.5/onvif/search",
      schedule: "http://10.0.0.5/onvif/schedule",
      analytics: "http://10.0.0.5/onvif/analytics",
      events: "http://10.0.0.5/onvif/events",
    }),
    profiles: ok(
      ns.map((n) => ({
        token: `P${n}`,
        name: `Channel ${n}`,
        videoSourceToken: `VS${n}`,
        encoding: "H264",
        width: 1920,
        height: 1080,
        analyticsToken: `VA${n}`,
        streamUri: `rtsp://10.0.0.5/ch${n}`,
        snapshotUri: null,
      })),
    ),
    signalLoss: ok(by((n) => [`VS${n}`, false])),
    recordings: ok(
      ns.map((n) => ({
        token: `R${n}`,
        sourceId: `VS${n}`,
        sourceName: `Channel ${n}`,
        maximumRetentionSeconds: 0,
        tracks: [
          { token: "VIDEO001", type: "Video" as const },
          { token: "AUDIO001", type: "Audio" as const },
        ],
      })),
    ),
    recordingJobs: ok(jobs),
    jobStates: by((n) => [`J${n}`, ok(jobState(n, "Active"))]),
    schedules: {},
    recordingInfo: by((n) => [`R${n}`, ok(recordingInfo(n, iso(NOW - 120 * DAY), iso(NOW - 10 * SECOND)))]),
    recordingHistory: by((n) => [`R${n}`, ok(history([presentSince(NOW - 90 * DAY)]))]),
    analyticsRules: by((n) => [`VA${n}`, ok([motionRule()])]),
  };
}

export function evaluate(site: Site, ...observations: DeviceObservation[]): Evaluation {
  return evaluateSite(site, new Map(observations.map((o) => [o.deviceId, o])), NOW);
}

export function findingOf(ev: Evaluation, kind: FindingKind, subjectId: string): Finding {
  const f = ev.findings.find((x) => x.kind === kind && x.subject.id === subjectId);
  if (!f) throw new Error(`no ${kind} finding for ${subjectId}`);
  return f;
}

/** The context a camera rule sees, for calling one rule on its own. */
export function ctxFor(site: Site, obs: DeviceObservation, cameraId = "cam1"): CameraContext {
  const camera = site.cameras.find((c) => c.id === cameraId);
  if (!camera) throw new Error(`no camera ${cameraId}`);
  return { site, camera, obs, time: deviceTime(obs, NOW), now: NOW };
}

/** Replaces one camera's entry in a per-token map of the observation. */
export const patch = <
  K extends "jobStates" | "schedules" | "recordingInfo" | "recordingHistory" | "analyticsRules",
>(
  obs: DeviceObservation,
  key: K,
  token: string,
  value: DeviceObservation[K][string],
): DeviceObservation => ({ ...obs, [key]: { ...obs[key], [token]: value } });

/** The device clock reading `deviceUtc` when ours read NOW − 1 s. */
export const withClock = (
  obs: DeviceObservation,
  deviceUtc: string | null,
  source: "utc" | "local+tz" | "none" = "utc",
): DeviceObservation => ({
  ...obs,
  clock: ok({ deviceUtc, source, observedAt: iso(NOW - SECOND), timezone: "CST-8", dateTimeType: "Manual" }),
});
