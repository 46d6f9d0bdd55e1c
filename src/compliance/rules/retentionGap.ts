import type { Finding } from "../../domain/finding.ts";
import type { RecordingHistory } from "../../domain/observation.ts";
import type { CameraContext } from "../context.ts";
import { deviceNowOr } from "../context.ts";
import { cameraSubject, outcome, toFinding } from "../findings.ts";
import type { Outcome } from "../findings.ts";
import { probeDetail, probeEvidence } from "../probeDetail.ts";
import { recordingOf } from "../memo.ts";
import { earliestVideoData } from "../recordingLookup.ts";
import { DAY, MINUTE, parseIsoMs } from "../../domain/time.ts";
import { isoOf } from "../time.ts";

/** Gaps listed one by one in the evidence (the newest); beyond this only their number is given. */
const MAX_LISTED_GAPS = 100;

export interface RecordingGap {
  readonly start: string;
  readonly end: string;
  readonly minutes: number;
  /** Still missing at device-now: the gap is measured up to then. */
  readonly open: boolean;
}

/**
 * retention_gap: stretches inside the retention window where the camera's video is missing
 * for longer than maxGapMinutes, read from RecordingHistory/Track/State (IsDataPresent) with
 * the start-state events that give the state at the window's start. The window starts
 * retentionDays before device-now, and never before the camera was commissioned (there was
 * nothing to record) nor before the recording's earliest video data (that is retention depth,
 * judged by retention_short), and only over the searched stretch. A gap still open at the end is
 * counted up to device-now or the search's end, whichever is earlier. With several
 * video tracks, data is missing only where every track with a known state says so.
 * Each gap is listed, so the violation lifecycle can report each as one incident.
 */
export function retentionGap(ctx: CameraContext): Finding {
  return toFinding("retention_gap", cameraSubject(ctx.camera.id), judge(ctx));
}

function judge(ctx: CameraContext): Outcome {
  const found = recordingOf(ctx);
  if ("unknown" in found) return found.unknown;
  const rec = found.recording;
  const clock = deviceNowOr(ctx);
  if ("unknown" in clock) return clock.unknown;
  const probe = ctx.obs.recordingHistory[rec.token];
  // The daemon searches history in retention scans, apart from polls: none yet for this recording.
  if (probe === undefined) return outcome("unknown", "history_not_searched", { recording: rec.token });
  if (probe.status !== "ok") {
    return outcome(
      "unknown",
      "history_unavailable",
      { recording: rec.token, detail: probeDetail(probe) },
      {
        history: probeEvidence(probe),
      },
    );
  }
  const history = probe.value;
  const tracks =
    rec.videoTracks.length > 0
      ? rec.videoTracks
      : [...new Set(history.trackStates.map((s) => s.track).filter((t) => /video/i.test(t)))];
  if (tracks.length === 0) return outcome("unknown", "no_video_track", { recording: rec.token });
  const states = history.trackStates.filter((s) => tracks.includes(s.track));
  if (states.length === 0) {
    return outcome(
      "unknown",
      "history_empty",
      { recording: rec.token },
      {
        videoTracks: tracks,
        searchedFrom: history.from,
        searchedTo: history.to,
      },
    );
  }

  const policy = ctx.site.policy;
  const deviceNow = clock.deviceNow;
  const commissioned = parseIsoMs(ctx.camera.commissionedAt ?? ctx.site.commissionedAt);
  // What lies before the earliest data is retention depth (retention_short), not a hole in it.
  const earliest = earliestVideoData(ctx.obs, rec);
  // Judged only over what was searched: a history kept between the daemon's retention scans
  // ends at the last scan (data may have come back since), and a very long one may have been
  // cut at its start (historyMerge.ts).
  const searchedFrom = parseIsoMs(history.from);
  const searchedTo = parseIsoMs(history.to);
  const windowStart = Math.max(
    deviceNow - policy.retentionDays * DAY,
    commissioned ?? -Infinity,
    typeof earliest === "number" ? earliest : -Infinity,
    searchedFrom ?? -Infinity,
  );
  const windowEnd = Math.min(deviceNow, searchedTo ?? Infinity);
  const gaps = findGaps(states, windowStart, windowEnd).filter(
    (g) => g.end - g.start > policy.maxGapMinutes * MINUTE,
  );
  const evidence = {
    recording: rec.token,
    videoTracks: tracks,
    windowStart: isoOf(windowStart),
    windowEnd: isoOf(windowEnd),
    searchedFrom: history.from,
    searchedTo: history.to,
    stateEvents: states.length,
  };
  if (gaps.length === 0) {
    return outcome(
      "ok",
      "no_gaps",
      { maxGapMinutes: policy.maxGapMinutes, windowDays: policy.retentionDays },
      evidence,
    );
  }
  const listed: RecordingGap[] = gaps.map((g) => ({
    start: isoOf(g.start),
    end: isoOf(g.end),
    minutes: Math.round(((g.end - g.start) / MINUTE) * 10) / 10,
    open: g.open,
  }));
  const longest = listed.reduce((m, g) => Math.max(m, g.minutes), 0);
  return outcome(
    "violation",
    "recording_gaps",
    {
      count: listed.length,
      longestMinutes: longest,
      firstStart: listed[0]!.start,
      maxGapMinutes: policy.maxGapMinutes,
      open: listed.some((g) => g.open),
    },
    // The newest: each is reported as an incident when first seen, so the older ones already were.
    { ...evidence, gaps: listed.slice(-MAX_LISTED_GAPS), gapsTotal: listed.length },
  );
}

interface Span {
  readonly start: number;
  readonly end: number;
  readonly open: boolean;
}

/** Stretches of [from, to] where every video track with a known state has no data. */
export function findGaps(states: RecordingHistory["trackStates"], from: number, to: number): Span[] {
  const events = states
    .map((s, i) => ({ t: parseIsoMs(s.time), track: s.track, present: s.isDataPresent, i }))
    .filter((e): e is { t: number; track: string; present: boolean; i: number } => e.t !== null)
    // Oldest first; at equal times the device's order stands.
    .sort((a, b) => a.t - b.t || a.i - b.i);
  const known = new Map<string, boolean>();
  const missing = (): boolean => known.size > 0 && [...known.values()].every((p) => !p);
  const spans: Span[] = [];
  let gapStart: number | null = null;
  const close = (at: number, open: boolean): void => {
    if (gapStart === null) return;
    const s = Math.max(gapStart, from);
    const e = Math.min(at, to);
    if (e > s) spans.push({ start: s, end: e, open });
    gapStart = null;
  };
  for (const e of events) {
    if (e.t > to) break;
    known.set(e.track, e.present);
    if (missing()) gapStart ??= e.t;
    else close(e.t, false);
  }
  close(to, true);
  return spans;
}
