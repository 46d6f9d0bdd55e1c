import type { MediaProfile, RecordingConfig, RecordingJob } from "./observation.ts";
import type { Camera } from "./site.ts";

/**
 * Which recording on the device holds a camera's video. Shared by onvif/ (to ask only about
 * the recordings that matter) and compliance/ (to judge them), so both read the device alike.
 * Order: the configured token; a job recording the camera's profile; a job recording its video
 * source; a recording whose SourceId names the profile or the video source.
 */
export function recordingTokenForCamera(
  camera: Pick<Camera, "profile" | "recording">,
  profiles: readonly MediaProfile[],
  jobs: readonly RecordingJob[],
  recordings: readonly RecordingConfig[],
): string | null {
  if (camera.recording) return camera.recording;
  const byProfile = jobs.find((j) => j.sourceTokens.includes(camera.profile));
  if (byProfile) return byProfile.recordingToken;
  const videoSource = profiles.find((p) => p.token === camera.profile)?.videoSourceToken ?? null;
  if (videoSource) {
    const bySource = jobs.find((j) => j.sourceTokens.includes(videoSource));
    if (bySource) return bySource.recordingToken;
  }
  const rec = recordings.find(
    (r) => r.sourceId === camera.profile || (videoSource !== null && r.sourceId === videoSource),
  );
  return rec?.token ?? null;
}

/** The jobs that write into a recording. */
export function jobsForRecording(recordingToken: string, jobs: readonly RecordingJob[]): RecordingJob[] {
  return jobs.filter((j) => j.recordingToken === recordingToken);
}
