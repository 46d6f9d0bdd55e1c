import { jobsForRecording, recordingTokenForCamera } from "../domain/cameraRecording.ts";
import type { DeviceObservation, RecordingConfig, RecordingJob } from "../domain/observation.ts";
import type { Camera } from "../domain/site.ts";
import type { Outcome } from "./findings.ts";
import { outcome } from "./findings.ts";
import { probeDetail, probeEvidence } from "./probeDetail.ts";
import { recordedTime } from "./time.ts";

/** The camera's own recording on its device, found the same way onvif/ asked about it. */
export interface CameraRecording {
  readonly token: string;
  readonly config: RecordingConfig | null;
  /** Tokens of the recording's video tracks, from its configuration and its search information. */
  readonly videoTracks: readonly string[];
}

const valueOr = <T>(p: { status: string; value?: T }, empty: T): T =>
  p.status === "ok" ? (p.value as T) : empty;

/**
 * Profile G is missing when GetServices lists neither recording nor search, or when the device
 * answered that it supports neither GetRecordings nor GetRecordingJobs.
 */
export function profileGUnsupported(obs: DeviceObservation): string | null {
  if (obs.services.status === "ok" && !obs.services.value.recording && !obs.services.value.search) {
    return "GetServices lists no recording or search service";
  }
  if (obs.recordings.status === "unsupported" && obs.recordingJobs.status === "unsupported") {
    return obs.recordings.reason;
  }
  return null;
}

/** The camera's recording, or the `unknown` outcome that says why it cannot be found. */
export function cameraRecording(
  camera: Camera,
  obs: DeviceObservation,
): { readonly recording: CameraRecording } | { readonly unknown: Outcome } {
  const noProfileG = profileGUnsupported(obs);
  if (noProfileG !== null)
    return { unknown: outcome("unknown", "profile_g_unsupported", { detail: noProfileG }) };
  const recordings = valueOr<readonly RecordingConfig[]>(obs.recordings, []);
  const token = recordingTokenForCamera(
    camera,
    valueOr(obs.profiles, []),
    valueOr<readonly RecordingJob[]>(obs.recordingJobs, []),
    recordings,
  );
  if (token === null) {
    const evidence = {
      recordings: probeEvidence(obs.recordings),
      recordingJobs: probeEvidence(obs.recordingJobs),
    };
    // Not finding it in lists we could not read is not the same as it not being there.
    if (obs.recordings.status !== "ok" || obs.recordingJobs.status !== "ok") {
      const detail =
        obs.recordings.status !== "ok" ? probeDetail(obs.recordings) : probeDetail(obs.recordingJobs);
      return { unknown: outcome("unknown", "recordings_unavailable", { detail }, evidence) };
    }
    return { unknown: outcome("unknown", "recording_not_found", { profile: camera.profile }, evidence) };
  }
  const config = recordings.find((r) => r.token === token) ?? null;
  const info = obs.recordingInfo[token];
  const videoTracks = new Set<string>();
  for (const t of config?.tracks ?? []) if (t.type === "Video") videoTracks.add(t.token);
  if (info?.status === "ok")
    for (const t of info.value.tracks) if (t.type === "Video") videoTracks.add(t.token);
  return { recording: { token, config, videoTracks: [...videoTracks] } };
}

/** The jobs recording into the camera's recording, or the `unknown` outcome when none can be seen. */
export function cameraJobs(
  obs: DeviceObservation,
  recordingToken: string,
): { readonly jobs: readonly RecordingJob[] } | { readonly unknown: Outcome } {
  const probe = obs.recordingJobs;
  if (probe.status === "unsupported") {
    return { unknown: outcome("unknown", "profile_g_unsupported", { detail: probe.reason }) };
  }
  if (probe.status === "failed") {
    return {
      unknown: outcome(
        "unknown",
        "recording_jobs_unavailable",
        { detail: probeDetail(probe) },
        {
          recordingJobs: probeEvidence(probe),
        },
      ),
    };
  }
  const jobs = jobsForRecording(recordingToken, probe.value);
  if (jobs.length === 0) {
    return {
      unknown: outcome(
        "unknown",
        "no_recording_job",
        { recording: recordingToken },
        {
          jobsOnDevice: probe.value.map((j) => ({ token: j.token, recording: j.recordingToken })),
        },
      ),
    };
  }
  return { jobs };
}

/**
 * The earliest video data of the recording (ms), null when the device gave only placeholders,
 * or a string saying why GetRecordingInformation gave nothing.
 */
export function earliestVideoData(obs: DeviceObservation, rec: CameraRecording): number | null | string {
  const info = obs.recordingInfo[rec.token];
  if (info?.status !== "ok") return probeDetail(info);
  const starts = info.value.tracks
    .filter((t) => t.type === "Video")
    .map((t) => recordedTime(t.dataFrom))
    .filter((t): t is number => t !== null);
  return starts.length > 0 ? Math.min(...starts) : null;
}
