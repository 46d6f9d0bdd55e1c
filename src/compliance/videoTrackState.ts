import type { RecordingJobState } from "../domain/observation.ts";

export type VideoTrackState =
  | { readonly kind: "active" }
  | { readonly kind: "inactive"; readonly state: string; readonly error: string | null }
  /** The job is PartiallyActive and does not say which track failed. */
  | { readonly kind: "ambiguous"; readonly state: string };

const isActive = (s: string): boolean => s.toLowerCase() === "active";
const looksVideo = (s: string): boolean => /video/i.test(s);

/**
 * Whether a job is really writing the camera's video, by GetRecordingJobState (never by the
 * configured Mode). Only the video track counts: an audio track in Error ("Incompatible
 * Stream") leaves the job PartiallyActive while the video is recorded. A track is video when
 * its destination is one of the recording's video tracks, or its tag or destination says so.
 */
export function videoTrackState(
  js: RecordingJobState,
  sourceTokens: readonly string[],
  videoTracks: readonly string[],
): VideoTrackState {
  const mine = js.sources.filter((s) => sourceTokens.includes(s.sourceToken));
  const sources = mine.length > 0 ? mine : js.sources;
  const tracks = sources.flatMap((s) => s.tracks);
  const video = tracks.filter(
    (t) => videoTracks.includes(t.destination) || looksVideo(t.sourceTag) || looksVideo(t.destination),
  );
  const judged = video.length > 0 ? video : tracks;
  if (judged.length > 0) {
    if (judged.some((t) => isActive(t.state))) {
      // Without a track known to be video, one active track among failed ones proves nothing.
      if (video.length > 0 || judged.every((t) => isActive(t.state))) return { kind: "active" };
      return { kind: "ambiguous", state: js.state };
    }
    const first = judged.find((t) => t.error !== null) ?? judged[0]!;
    return { kind: "inactive", state: first.state, error: first.error };
  }
  // No per-track detail: the source's (or the job's) aggregate state is all there is.
  const state = mine[0]?.state ?? js.state;
  if (isActive(state)) return { kind: "active" };
  if (state.toLowerCase() === "partiallyactive") return { kind: "ambiguous", state };
  return { kind: "inactive", state, error: null };
}
