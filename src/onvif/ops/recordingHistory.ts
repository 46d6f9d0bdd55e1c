import type { RecordingHistory } from "../../domain/observation.ts";
import { parseRecordingTime } from "../time/dateTime.ts";
import { topicIs } from "./eventMessage.ts";
import type { EventSearchResult } from "./search.ts";

export const TRACK_STATE_TOPIC = "tns1:RecordingHistory/Track/State";
export const DELETE_TRACK_DATA_TOPIC = "tns1:RecordingConfig/DeleteTrackData";

type Mutable<T> = { -readonly [K in keyof T]: T[K] extends readonly (infer U)[] ? U[] : T[K] };

/**
 * Splits one FindEvents answer over several recordings into a history per recording.
 * Events without a usable time are dropped: a state change that cannot be placed on the
 * timeline proves nothing about gaps. Oldest first; the sort is stable, so a start-state
 * event keeps its place before a change at the same instant.
 */
export function toRecordingHistories(
  results: readonly EventSearchResult[],
  recordingTokens: readonly string[],
  fromIso: string,
  toIso: string,
): Record<string, RecordingHistory> {
  const out: Record<string, Mutable<RecordingHistory>> = {};
  for (const t of recordingTokens) out[t] = { from: fromIso, to: toIso, trackStates: [], deletions: [] };
  for (const r of results) {
    const token = r.recordingToken || r.event.source["RecordingToken"] || "";
    const h = out[token];
    if (!h || r.time === null) continue;
    const { source, data } = r.event;
    if (topicIs(r.event.topic, TRACK_STATE_TOPIC)) {
      const present = data["IsDataPresent"];
      if (present !== "true" && present !== "false") continue;
      h.trackStates.push({
        time: r.time,
        track: r.trackToken ?? source["Track"] ?? source["TrackToken"] ?? "",
        isDataPresent: present === "true",
        startState: r.startState,
      });
    } else if (topicIs(r.event.topic, DELETE_TRACK_DATA_TOPIC)) {
      h.deletions.push({
        time: r.time,
        track: r.trackToken ?? source["TrackToken"] ?? source["Track"] ?? "",
        startTime: parseRecordingTime(data["StartTime"]),
        endTime: parseRecordingTime(data["EndTime"]),
      });
    }
  }
  for (const h of Object.values(out)) {
    h.trackStates.sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
    h.deletions.sort((a, b) => Date.parse(a.time) - Date.parse(b.time));
  }
  return out;
}
