import type { Finding } from "../../domain/finding.ts";
import type { RecordingJob, Schedule } from "../../domain/observation.ts";
import type { CameraContext } from "../context.ts";
import { cameraSubject, outcome, toFinding } from "../findings.ts";
import type { Outcome } from "../findings.ts";
import { probeDetail, probeEvidence } from "../probeDetail.ts";
import { coverageOf, recordingOf } from "../memo.ts";
import { cameraJobs } from "../recordingLookup.ts";

/**
 * recording_not_continuous: the camera's recording is not configured to record round the
 * clock — its job is Idle, follows a schedule that does not cover 24 × 7 (an unreadable
 * schedule counts as not covering: compliance must be provable), or records only around
 * events (EventFilter). One continuous job is enough; an extra event job beside it is fine.
 */
export function recordingNotContinuous(ctx: CameraContext): Finding {
  return toFinding("recording_not_continuous", cameraSubject(ctx.camera.id), judge(ctx));
}

function judge(ctx: CameraContext): Outcome {
  const found = recordingOf(ctx);
  if ("unknown" in found) return found.unknown;
  const js = cameraJobs(ctx.obs, found.recording.token);
  if ("unknown" in js) return js.unknown;
  const judged = js.jobs.map((job) => ({ job, outcome: judgeJob(ctx, job) }));
  const evidence = {
    recording: found.recording.token,
    jobs: judged.map(({ job, outcome: o }) => ({
      token: job.token,
      mode: job.mode,
      eventTriggered: job.eventTriggered,
      schedule: job.scheduleToken,
      status: o.status,
      reason: o.reason,
      ...o.evidence,
    })),
  };
  const pick =
    judged.find((j) => j.outcome.status === "ok") ??
    judged.find((j) => j.outcome.status === "unknown") ??
    judged[0]!;
  return { ...pick.outcome, evidence };
}

function judgeJob(ctx: CameraContext, job: RecordingJob): Outcome {
  if (job.mode.toLowerCase() !== "active")
    return outcome("violation", "job_idle", { job: job.token, mode: job.mode });
  if (job.eventTriggered) return outcome("violation", "job_event_triggered", { job: job.token });
  const token = job.scheduleToken;
  if (token === null) return outcome("ok", "recording_continuous", { job: job.token, schedule: null });
  const probe = ctx.obs.schedules[token];
  if (probe?.status !== "ok") {
    return outcome(
      "unknown",
      "schedule_unavailable",
      { job: job.token, schedule: token, detail: probeDetail(probe) },
      { scheduleProbe: probeEvidence(probe) },
    );
  }
  // An observation stored by a version that did not parse schedules in onvif/ (only until the
  // device's next poll after an upgrade) has the text alone: unknown, not a crash.
  if ((probe.value as Partial<Schedule>).calendar === undefined) {
    return outcome("unknown", "schedule_unavailable", {
      job: job.token,
      schedule: token,
      detail: "stored before schedules were parsed; read again at the next poll",
    });
  }
  const deviceNow = ctx.time.status === "ok" ? ctx.time.deviceNow : null;
  const cover = coverageOf(ctx, probe.value, deviceNow);
  const scheduleText = { scheduleText: probe.value.standard };
  switch (cover.kind) {
    case "full":
      return outcome(
        "ok",
        "recording_continuous",
        { job: job.token, schedule: token },
        {
          ...scheduleText,
          scheduleNotes: cover.notes,
        },
      );
    case "unreadable":
      return outcome(
        "violation",
        "schedule_unreadable",
        { job: job.token, schedule: token, detail: cover.detail },
        scheduleText,
      );
    case "partial":
      return outcome(
        "violation",
        "schedule_not_24x7",
        {
          job: job.token,
          schedule: token,
          uncoveredHoursPerWeek: Math.round((cover.uncoveredSecondsPerWeek / 3600) * 10) / 10,
          firstGapWeekday: cover.firstGap.weekday,
          firstGapTime: cover.firstGap.time,
        },
        { ...scheduleText, uncovered: cover.gaps, scheduleNotes: cover.notes },
      );
  }
}
