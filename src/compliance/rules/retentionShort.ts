import type { Finding } from "../../domain/finding.ts";
import type { RecordingHistory } from "../../domain/observation.ts";
import type { CameraContext } from "../context.ts";
import { deviceNowOr } from "../context.ts";
import { cameraSubject, outcome, toFinding } from "../findings.ts";
import type { Outcome } from "../findings.ts";
import { probeEvidence } from "../probeDetail.ts";
import type { CameraRecording } from "../recordingLookup.ts";
import { recordingOf } from "../memo.ts";
import { earliestVideoData } from "../recordingLookup.ts";
import { DAY, HOUR, parseIsoMs } from "../../domain/time.ts";
import { daysOf, isoOf, recordedTime } from "../time.ts";

/**
 * retention_short, on the device clock and on this camera's own recording (never the
 * device-wide summary, which one long-kept channel would make look fine):
 * - violation when device-now minus the earliest video-track DataFrom is less than
 *   retentionDays − retentionToleranceHours;
 * - `accruing` instead when the camera was commissioned less than retentionDays ago and its
 *   earliest data is no later than commissioning + tolerance (nothing deleted since);
 * - violation, whatever the depth, when a DeleteTrackData event removed video data from inside
 *   the window (a purge of data older than the window is the recorder doing its job).
 */
export function retentionShort(ctx: CameraContext): Finding {
  return toFinding("retention_short", cameraSubject(ctx.camera.id), judge(ctx));
}

/** How far back the camera's video goes, in days on the device clock; null when it cannot be told. */
export function retentionDepthDays(ctx: CameraContext): number | null {
  if (ctx.time.status !== "ok") return null;
  const found = recordingOf(ctx);
  if ("unknown" in found) return null;
  const earliest = earliestVideoData(ctx.obs, found.recording);
  return earliest === null || typeof earliest === "string" ? null : daysOf(ctx.time.deviceNow - earliest);
}

function judge(ctx: CameraContext): Outcome {
  const found = recordingOf(ctx);
  if ("unknown" in found) return found.unknown;
  const rec = found.recording;
  const clock = deviceNowOr(ctx);
  if ("unknown" in clock) return clock.unknown;
  const deviceNow = clock.deviceNow;
  const policy = ctx.site.policy;
  const requiredDays = policy.retentionDays;
  const toleranceMs = policy.retentionToleranceHours * HOUR;
  const neededMs = requiredDays * DAY - toleranceMs;

  const history = ctx.obs.recordingHistory[rec.token];
  // The daemon's retention scans have not searched this recording (yet, or recently): whether
  // video was deleted from inside the window cannot be told, so neither can this finding.
  if (history === undefined) return outcome("unknown", "history_not_searched", { recording: rec.token });
  const deleted = deletionInWindow(history, rec, deviceNow - neededMs);
  const earliest = earliestVideoData(ctx.obs, rec);
  if (typeof earliest === "string") {
    const detail = earliest;
    return outcome(
      "unknown",
      "recording_info_unavailable",
      { recording: rec.token, detail },
      {
        recordingInformation: probeEvidence(ctx.obs.recordingInfo[rec.token]),
      },
    );
  }
  const base = {
    recording: rec.token,
    earliestVideoData: earliest === null ? null : isoOf(earliest),
    windowStart: isoOf(deviceNow - requiredDays * DAY),
    requiredDepthMs: neededMs,
    deletionsChecked: deleted.checked,
  };
  if (deleted.event) {
    const d = deleted.event;
    return outcome(
      "violation",
      "recording_data_deleted",
      { recording: rec.token, deletedFrom: d.startTime, deletedTo: d.endTime, at: d.time },
      { ...base, deletion: { ...d } },
    );
  }
  if (rec.videoTracks.length === 0)
    return outcome("unknown", "no_video_track", { recording: rec.token }, base);
  if (earliest === null) return outcome("unknown", "earliest_data_unknown", { recording: rec.token }, base);

  const depthMs = deviceNow - earliest;
  const days = daysOf(depthMs);
  const evidence = { ...base, depthMs };
  if (depthMs >= neededMs) return outcome("ok", "retention_sufficient", { days, requiredDays }, evidence);

  const commissionedIso = ctx.camera.commissionedAt ?? ctx.site.commissionedAt;
  const commissioned = parseIsoMs(commissionedIso);
  if (commissioned !== null && deviceNow - commissioned < requiredDays * DAY) {
    const commissionedAt = isoOf(commissioned);
    const withCommissioning = {
      ...evidence,
      commissionedAt,
      commissionedFrom: ctx.camera.commissionedAt ? "camera" : "site",
    };
    if (earliest <= commissioned + toleranceMs) {
      return outcome(
        "accruing",
        "retention_accruing",
        { days, requiredDays, commissionedAt, provableOn: isoOf(commissioned + requiredDays * DAY) },
        withCommissioning,
      );
    }
    return outcome(
      "violation",
      "retention_lost_since_commissioning",
      { days, requiredDays, commissionedAt, earliest: isoOf(earliest) },
      withCommissioning,
    );
  }
  return outcome(
    "violation",
    "retention_too_short",
    { days, requiredDays, toleranceHours: policy.retentionToleranceHours, earliest: isoOf(earliest) },
    evidence,
  );
}

type Deletion = RecordingHistory["deletions"][number];

/**
 * The first DeleteTrackData that removed video data newer than `windowStart`. Without an end
 * time (or a 1970 placeholder), the event's own time bounds what it could have removed. A deletion
 * with no track names the whole recording.
 */
function deletionInWindow(
  probe: CameraContext["obs"]["recordingHistory"][string] | undefined,
  rec: CameraRecording,
  windowStart: number,
): { readonly checked: boolean; readonly event: Deletion | null } {
  if (probe?.status !== "ok") return { checked: false, event: null };
  const event = probe.value.deletions.find((d) => {
    const video = d.track === "" || rec.videoTracks.includes(d.track) || /video/i.test(d.track);
    const end = recordedTime(d.endTime) ?? parseIsoMs(d.time);
    return video && end !== null && end > windowStart;
  });
  return { checked: true, event: event ?? null };
}
