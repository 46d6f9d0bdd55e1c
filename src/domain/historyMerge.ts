import type { RecordingHistory } from "./observation.ts";
import { failed, ok, unsupported, type Probe, type ProbeError } from "./probe.ts";
import { DAY, MINUTE } from "./time.ts";

/*
 * Incremental retention scans. A poll no longer searches 90 days of recording history: a
 * retention scan searches once over the whole window, then only from just before where the
 * last scan ended, and the answers are merged here into one history per recording that says
 * the same as a search over the whole window would (tested against the simulator).
 *
 * Why that holds: a Track/State event describes a change at its time, and deleting old video
 * is itself an event (DeleteTrackData) at the time it happens, so nothing about the past can
 * change without an event after the cursor saying so. The overlap re-searches the last minutes
 * because devices index a state change a little after it happens.
 */

/** A device's recording histories as its retention scans left them (stored per device). */
export interface DeviceHistories {
  /** How the newest scan ended (our clock, ms). */
  readonly last: LastScan;
  /** Our clock (ms) at the newest scan that searched, and at the newest that searched the whole window. */
  readonly searchedAt: number | null;
  readonly fullAt: number | null;
  /** The retention window (ms) the stored histories reach back over; a wider one needs a full search. */
  readonly windowMs: number;
  /** Recording token -> its history, compacted to the retention window. */
  readonly recordings: Readonly<Record<string, RecordingHistory>>;
}

export type LastScan =
  | { readonly status: "searched"; readonly at: number; readonly mode: ScanMode }
  | { readonly status: "failed"; readonly at: number; readonly error: ProbeError }
  | { readonly status: "unsupported"; readonly at: number; readonly reason: string };

export type ScanMode = "full" | "incremental";

/** A full-window search at least this often, so nothing a device once answered wrongly lingers. */
export const FULL_SCAN_EVERY_MS = DAY;
/** Re-searched before the cursor: devices index a state change a little after it happens. */
export const SCAN_OVERLAP_MS = 15 * MINUTE;

/**
 * Where an incremental scan starts (device clock, ms), or null when the whole window must be
 * searched: nothing stored yet, a recording not searched before, the daily full search due, a
 * retention window wider than the stored one (retentionDays raised), the device clock gone back
 * before the cursor, or the cursor older than the window anyway.
 */
export function incrementalFrom(
  stored: DeviceHistories | null,
  tokens: readonly string[],
  deviceNowMs: number,
  windowStartMs: number,
  nowMs: number,
): number | null {
  if (stored === null || stored.fullAt === null || nowMs - stored.fullAt >= FULL_SCAN_EVERY_MS) return null;
  if (!(stored.windowMs >= deviceNowMs - windowStartMs)) return null;
  if (tokens.length === 0) return null;
  let cursor = Infinity;
  for (const t of tokens) {
    const h = stored.recordings[t];
    if (h === undefined) return null;
    cursor = Math.min(cursor, at(h.to));
  }
  if (!Number.isFinite(cursor) || cursor > deviceNowMs) return null;
  const from = cursor - SCAN_OVERLAP_MS;
  return from > windowStartMs ? from : null;
}

/**
 * What the rules read for each recording of a device (DeviceObservation.recordingHistory):
 * the stored history while the newest search is at or after `freshSince` (even when a scan
 * since then failed); otherwise why not (the newest scan's failure). A recording never searched,
 * or not recently, is left out, and the rules say so.
 */
export function historyProbes(
  stored: DeviceHistories | null,
  tokens: readonly string[],
  freshSince: number,
): Record<string, Probe<RecordingHistory>> {
  if (stored === null) return {};
  const fresh = stored.searchedAt !== null && stored.searchedAt >= freshSince;
  const out: Record<string, Probe<RecordingHistory>> = {};
  for (const t of new Set([...tokens, ...Object.keys(stored.recordings)])) {
    const h = stored.recordings[t];
    // A scan that failed once does not undo a recent good one; only when that is stale does the failure show.
    if (fresh && h !== undefined) out[t] = ok(h);
    else if (stored.last.status === "failed") out[t] = failed(stored.last.error);
    else if (stored.last.status === "unsupported") out[t] = unsupported(stored.last.reason);
  }
  return out;
}

type TrackState = RecordingHistory["trackStates"][number];
type Deletion = RecordingHistory["deletions"][number];

/** State changes kept per recording; beyond this the oldest go (their gaps were reported when found). */
export const MAX_TRACK_STATES = 5000;

const at = (iso: string): number => Date.parse(iso);

/**
 * The stored history extended by a newer search. `fresh` must start no later than `stored`
 * ends (the scanner searches from the cursor minus an overlap); when it does not, or when
 * `fresh` reaches back at least as far, `fresh` alone is the truth.
 */
export function mergeHistory(stored: RecordingHistory | null, fresh: RecordingHistory): RecordingHistory {
  const freshFrom = at(fresh.from);
  if (stored === null || !(freshFrom > at(stored.from)) || freshFrom > at(stored.to)) return fresh;
  // What the new search covered, it answers; before that, the stored answer stands.
  const before = (t: { time: string }): boolean => at(t.time) < freshFrom;
  return {
    from: stored.from,
    to: fresh.to,
    trackStates: [...stored.trackStates.filter(before), ...fresh.trackStates],
    deletions: [...stored.deletions.filter(before), ...fresh.deletions],
  };
}

/**
 * Keeps what the rules need of a history inside a window starting at `windowStartMs`: per
 * track the last state at or before the window's start (the state the window starts in) and
 * every change after it; repeated states of a track are dropped (they change nothing);
 * deletions before the window are dropped. At most about MAX_TRACK_STATES changes are kept:
 * when more, the window's start moves up until they fit (each track still keeps the state it
 * opens in, so a steady track is never forgotten because another one flaps) and `from` moves
 * with it, so the history never claims to cover time it no longer describes.
 */
export function compactHistory(h: RecordingHistory, windowStartMs: number): RecordingHistory {
  let start = windowStartMs;
  let kept = keptStates(h.trackStates, start);
  if (kept.length > MAX_TRACK_STATES) {
    start = at(kept[kept.length - MAX_TRACK_STATES]!.time);
    kept = keptStates(kept, start);
  }
  const from = Math.max(at(h.from), start);
  const seen = new Set<string>();
  const deletions: Deletion[] = [];
  for (const d of h.deletions) {
    const key = `${d.time}|${d.track}|${d.startTime ?? ""}|${d.endTime ?? ""}`;
    // By the retention window, not a start moved up for flapping: a deletion is rare and always matters.
    if (!(at(d.time) >= windowStartMs) || seen.has(key)) continue;
    seen.add(key);
    deletions.push(d);
  }
  return {
    from: Number.isFinite(from) ? new Date(from).toISOString() : h.from,
    to: h.to,
    trackStates: kept,
    deletions,
  };
}

/** Each track's state at `startMs` (its last change at or before) and its changes after, repeats dropped. */
function keptStates(states: readonly TrackState[], startMs: number): TrackState[] {
  const ordered = states
    .map((s, i) => ({ s, t: at(s.time), i }))
    .filter((x) => Number.isFinite(x.t))
    .sort((a, b) => a.t - b.t || a.i - b.i);
  const opening = new Map<string, number>();
  for (const x of ordered) if (x.t <= startMs) opening.set(x.s.track, x.i);
  const last = new Map<string, boolean>();
  const kept: TrackState[] = [];
  for (const x of ordered) {
    if (x.t <= startMs && opening.get(x.s.track) !== x.i) continue;
    if (last.get(x.s.track) === x.s.isDataPresent) continue;
    last.set(x.s.track, x.s.isDataPresent);
    kept.push(x.s);
  }
  return kept;
}
