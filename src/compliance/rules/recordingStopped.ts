import type { Finding } from "../../domain/finding.ts";
import type { RecordingJob } from "../../domain/observation.ts";
import type { CameraContext } from "../context.ts";
import { deviceNowOr } from "../context.ts";
import { cameraSubject, outcome, toFinding } from "../findings.ts";
import type { Outcome } from "../findings.ts";
import { probeDetail, probeEvidence } from "../probeDetail.ts";
import type { CameraRecording } from "../recordingLookup.ts";
import { recordingOf } from "../memo.ts";
import { cameraJobs } from "../recordingLookup.ts";
import { SECOND } from "../../domain/time.ts";
import { isoOf, recordedTime } from "../time.ts";
import type { VideoTrackState } from "../videoTrackState.ts";
import { videoTrackState } from "../videoTrackState.ts";

/**
 * recording_stopped: no job writes the camera's video track (GetRecordingJobState, not Mode),
 * or the newest video data is older than maxRecordingLagSeconds by the device clock.
 * A job state that says the video is not recorded is a violation whatever the clock says;
 * the lag needs a trustworthy device clock and is `unknown` without one.
 */
export function recordingStopped(ctx: CameraContext): Finding {
  return toFinding("recording_stopped", cameraSubject(ctx.camera.id), judge(ctx));
}

function judge(ctx: CameraContext): Outcome {
  const found = recordingOf(ctx);
  if ("unknown" in found) return found.unknown;
  const rec = found.recording;
  const js = cameraJobs(ctx.obs, rec.token);
  if ("unknown" in js) return js.unknown;

  const states = js.jobs.map((job) => ({ job, state: jobVideoState(ctx, job, rec) }));
  const evidence = {
    recording: rec.token,
    jobs: states.map(({ job, state }) => ({ token: job.token, mode: job.mode, video: state })),
  };
  if (!states.some((s) => s.state.kind === "active")) {
    const open = states.find((s) => s.state.kind === "unavailable" || s.state.kind === "ambiguous");
    if (open?.state.kind === "unavailable") {
      return outcome(
        "unknown",
        "job_state_unavailable",
        { job: open.job.token, detail: open.state.detail },
        evidence,
      );
    }
    if (open?.state.kind === "ambiguous") {
      return outcome(
        "unknown",
        "job_state_ambiguous",
        { job: open.job.token, state: open.state.state },
        evidence,
      );
    }
    const stopped = states.find((s) => s.state.kind === "inactive") ?? states[0]!;
    const st = stopped.state.kind === "inactive" ? stopped.state : { state: "unknown", error: null };
    return outcome(
      "violation",
      "video_track_not_active",
      { recording: rec.token, job: stopped.job.token, state: st.state, error: st.error },
      evidence,
    );
  }
  return judgeLag(ctx, rec, evidence);
}

type JobVideo = VideoTrackState | { readonly kind: "unavailable"; readonly detail: string };

function jobVideoState(ctx: CameraContext, job: RecordingJob, rec: CameraRecording): JobVideo {
  const probe = ctx.obs.jobStates[job.token];
  if (probe?.status !== "ok") return { kind: "unavailable", detail: probeDetail(probe) };
  const videoSource =
    ctx.obs.profiles.status === "ok"
      ? (ctx.obs.profiles.value.find((p) => p.token === ctx.camera.profile)?.videoSourceToken ?? null)
      : null;
  const sources = videoSource !== null ? [ctx.camera.profile, videoSource] : [ctx.camera.profile];
  return videoTrackState(probe.value, sources, rec.videoTracks);
}

function judgeLag(ctx: CameraContext, rec: CameraRecording, base: Record<string, unknown>): Outcome {
  const clock = deviceNowOr(ctx);
  if ("unknown" in clock) return clock.unknown;
  const info = ctx.obs.recordingInfo[rec.token];
  if (info?.status !== "ok") {
    return outcome(
      "unknown",
      "recording_info_unavailable",
      { recording: rec.token, detail: probeDetail(info) },
      { ...base, recordingInformation: probeEvidence(info) },
    );
  }
  const video = info.value.tracks.filter((t) => t.type === "Video");
  const ends = (video.length > 0 ? video.map((t) => t.dataTo) : [info.value.latestRecording])
    .map(recordedTime)
    .filter((t): t is number => t !== null);
  const evidence = {
    ...base,
    videoTracks: video.map((t) => ({ token: t.token, dataFrom: t.dataFrom, dataTo: t.dataTo })),
    latestRecording: info.value.latestRecording,
  };
  if (ends.length === 0) return outcome("unknown", "newest_data_unknown", { recording: rec.token }, evidence);
  const newest = Math.max(...ends);
  const lagMs = clock.deviceNow - newest;
  const maxSeconds = ctx.site.policy.maxRecordingLagSeconds;
  const lagSeconds = Math.round(lagMs / SECOND);
  if (lagMs > maxSeconds * SECOND) {
    return outcome(
      "violation",
      "recording_lagging",
      { recording: rec.token, newest: isoOf(newest), lagSeconds, maxSeconds },
      { ...evidence, lagMs },
    );
  }
  return outcome(
    "ok",
    "recording_active",
    { recording: rec.token, lagSeconds, maxSeconds },
    { ...evidence, lagMs },
  );
}
