import type { ChannelRuntime } from "./channel.ts";

/**
 * A recording's history as the search service reports it through FindEvents: the topics
 * tns1:RecordingHistory/Track/State (IsDataPresent), tns1:RecordingHistory/Recording/State
 * (IsRecording) and tns1:RecordingConfig/DeleteTrackData. Instants are on the simulator clock.
 */
export type HistoryEvent =
  | {
      readonly topic: "RecordingHistory/Track/State";
      readonly atMs: number;
      readonly track: string;
      readonly value: boolean;
    }
  | { readonly topic: "RecordingHistory/Recording/State"; readonly atMs: number; readonly value: boolean }
  | {
      readonly topic: "RecordingConfig/DeleteTrackData";
      readonly atMs: number;
      readonly track: string;
      readonly dataStartMs: number;
      readonly dataEndMs: number;
    };

export type HistoryTopic = HistoryEvent["topic"];

export const HISTORY_TOPICS: readonly HistoryTopic[] = [
  "RecordingHistory/Track/State",
  "RecordingHistory/Recording/State",
  "RecordingConfig/DeleteTrackData",
];

/** Tracks whose data presence is reported (metadata follows video, so it is left out). */
export const HISTORY_TRACKS = ["VIDEO001", "AUDIO001"] as const;

/** Every history event of a channel's recording, oldest first. */
export function channelHistory(ch: ChannelRuntime, nowMs: number): HistoryEvent[] {
  const out: HistoryEvent[] = [];
  const from = ch.earliestMs;
  const to = ch.dataToMs(nowMs);
  const trackEvents = (atMs: number, value: boolean): void => {
    for (const track of HISTORY_TRACKS)
      out.push({ topic: "RecordingHistory/Track/State", atMs, track, value });
  };
  if (from !== null) {
    out.push({ topic: "RecordingHistory/Recording/State", atMs: from, value: true });
    trackEvents(from, true);
  }
  for (const g of ch.gaps()) {
    const start = Math.max(g.startMs, from ?? -Infinity);
    const end = Math.min(g.endMs, to);
    if (end <= start) continue;
    trackEvents(start, false);
    trackEvents(end, true);
    if (g.cause === "stopped") {
      out.push({ topic: "RecordingHistory/Recording/State", atMs: start, value: false });
      out.push({ topic: "RecordingHistory/Recording/State", atMs: end, value: true });
    }
  }
  if (ch.frozenAtMs !== null && ch.frozenCause === "stopped") {
    trackEvents(ch.frozenAtMs, false);
    out.push({ topic: "RecordingHistory/Recording/State", atMs: ch.frozenAtMs, value: false });
  }
  for (const d of ch.deletions) {
    out.push({
      topic: "RecordingConfig/DeleteTrackData",
      atMs: d.atMs,
      track: "VIDEO001",
      dataStartMs: d.dataStartMs,
      dataEndMs: d.dataEndMs,
    });
  }
  return out.sort((a, b) => a.atMs - b.atMs);
}

/** Whether data was present / the recording was recording at an instant (for start-state events). */
export function stateAt(
  ch: ChannelRuntime,
  atMs: number,
  nowMs: number,
): { dataPresent: boolean; recording: boolean } {
  const started = ch.earliestMs === null || atMs >= ch.earliestMs;
  const stoppedNow = ch.frozenAtMs !== null && ch.frozenCause === "stopped" && atMs >= ch.frozenAtMs;
  const gaps = ch.gaps();
  const inGap = gaps.some((g) => atMs >= g.startMs && atMs < g.endMs);
  const inStop = gaps.some((g) => g.cause === "stopped" && atMs >= g.startMs && atMs < g.endMs);
  return {
    dataPresent: started && atMs <= ch.dataToMs(nowMs) && !inGap,
    recording: started && !stoppedNow && !inStop,
  };
}
