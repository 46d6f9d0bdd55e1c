import { describe, expect, it } from "vitest";
import { findGaps } from "../../src/compliance/rules/retentionGap.ts";
import {
  compactHistory,
  FULL_SCAN_EVERY_MS,
  historyProbes,
  incrementalFrom,
  MAX_TRACK_STATES,
  mergeHistory,
  SCAN_OVERLAP_MS,
  type DeviceHistories,
} from "../../src/domain/historyMerge.ts";
import type { RecordingHistory } from "../../src/domain/observation.ts";

const H = 3_600_000;
const T0 = Date.UTC(2026, 10, 1);
const iso = (ms: number): string => new Date(ms).toISOString();
const state = (ms: number, present: boolean, track = "VIDEO001", startState = false) => ({
  time: iso(ms),
  track,
  isDataPresent: present,
  startState,
});
const history = (
  from: number,
  to: number,
  states: RecordingHistory["trackStates"] = [],
): RecordingHistory => ({
  from: iso(from),
  to: iso(to),
  trackStates: states,
  deletions: [],
});

/** A device's true data-present timeline, and what a FindEvents over [from, to] would answer from it. */
function device(changes: readonly [number, boolean][]) {
  return (from: number, to: number): RecordingHistory => {
    const before = changes.filter(([t]) => t <= from).at(-1);
    const inside = changes.filter(([t]) => t > from && t <= to);
    return history(from, to, [
      ...(before ? [state(from, before[1], "VIDEO001", true)] : []),
      ...inside.map(([t, p]) => state(t, p)),
    ]);
  };
}

describe("mergeHistory", () => {
  it("keeps the stored states before the new search and takes the new search's answer after", () => {
    const stored = history(T0, T0 + 10 * H, [
      state(T0, true),
      state(T0 + 5 * H, false),
      state(T0 + 9 * H, true),
    ]);
    // The device re-indexed 9h: within the overlap the new answer wins.
    const fresh = history(T0 + 8 * H, T0 + 12 * H, [
      state(T0 + 8 * H, false, "VIDEO001", true),
      state(T0 + 9.5 * H, true),
    ]);
    const merged = mergeHistory(stored, fresh);
    expect(merged.from).toBe(iso(T0));
    expect(merged.to).toBe(iso(T0 + 12 * H));
    expect(merged.trackStates.map((s) => [s.time, s.isDataPresent])).toEqual([
      [iso(T0), true],
      [iso(T0 + 5 * H), false],
      [iso(T0 + 8 * H), false],
      [iso(T0 + 9.5 * H), true],
    ]);
  });

  it("takes the new search alone when it reaches back as far, or leaves a hole after the stored one", () => {
    const stored = history(T0 + 2 * H, T0 + 4 * H, [state(T0 + 2 * H, true)]);
    const wider = history(T0, T0 + 6 * H, [state(T0, false)]);
    expect(mergeHistory(stored, wider)).toBe(wider);
    const later = history(T0 + 5 * H, T0 + 6 * H, [state(T0 + 5 * H, false)]);
    expect(mergeHistory(stored, later)).toBe(later);
    expect(mergeHistory(null, later)).toBe(later);
  });

  it("gives the same gaps as one search over the whole window, scan after scan", () => {
    const changes: [number, boolean][] = [
      [T0 - 100 * H, true],
      [T0 + 3 * H, false],
      [T0 + 3.5 * H, true],
      [T0 + 20 * H, false],
      [T0 + 26 * H, true],
      [T0 + 40 * H, false],
    ];
    const search = device(changes);
    const windowStart = T0 - 10 * H;
    let stored: RecordingHistory | null = null;
    for (let to = T0; to <= T0 + 48 * H; to += 2 * H) {
      const from = stored === null ? windowStart : Date.parse(stored.to) - SCAN_OVERLAP_MS;
      stored = compactHistory(mergeHistory(stored, search(from, to)), windowStart);
      const whole = search(windowStart, to);
      expect(findGaps(stored.trackStates, windowStart, to)).toEqual(
        findGaps(whole.trackStates, windowStart, to),
      );
    }
    expect(findGaps(stored!.trackStates, windowStart, T0 + 48 * H).map((g) => (g.end - g.start) / H)).toEqual(
      [0.5, 6, 8],
    );
  });
});

describe("compactHistory", () => {
  it("keeps the state the window opens in, drops repeats and what lies before", () => {
    const h = history(T0, T0 + 10 * H, [
      state(T0, true),
      state(T0 + 1 * H, false),
      state(T0 + 2 * H, true),
      state(T0 + 6 * H, true),
      state(T0 + 7 * H, false),
      state(T0 + 8 * H, false),
    ]);
    const c = compactHistory(h, T0 + 3 * H);
    expect(c.from).toBe(iso(T0 + 3 * H));
    expect(c.trackStates.map((s) => [s.time, s.isDataPresent])).toEqual([
      [iso(T0 + 2 * H), true],
      [iso(T0 + 7 * H), false],
    ]);
    expect(findGaps(c.trackStates, T0 + 3 * H, T0 + 10 * H)).toEqual(
      findGaps(h.trackStates, T0 + 3 * H, T0 + 10 * H),
    );
  });

  it("keeps each track apart", () => {
    const h = history(T0, T0 + 4 * H, [
      state(T0, true, "V1"),
      state(T0, true, "V2"),
      state(T0 + H, false, "V1"),
      state(T0 + 2 * H, false, "V2"),
      state(T0 + 3 * H, true, "V1"),
    ]);
    const c = compactHistory(h, T0);
    expect(c.trackStates).toHaveLength(5);
    expect(findGaps(c.trackStates, T0, T0 + 4 * H).map((g) => [g.start, g.end])).toEqual([
      [T0 + 2 * H, T0 + 3 * H],
    ]);
  });

  it("drops deletions before the window and repeats of one deletion", () => {
    const del = (ms: number) => ({
      time: iso(ms),
      track: "VIDEO001",
      startTime: iso(ms - 50 * H),
      endTime: iso(ms - 40 * H),
    });
    const h: RecordingHistory = {
      ...history(T0, T0 + 5 * H),
      deletions: [del(T0), del(T0 + 4 * H), del(T0 + 4 * H)],
    };
    expect(compactHistory(h, T0 + H).deletions).toEqual([del(T0 + 4 * H)]);
  });

  it("bounding a flapping track never forgets the state of a steady one", () => {
    const flapping = Array.from({ length: MAX_TRACK_STATES + 2 }, (_, i) =>
      state(T0 + (i + 1) * 60_000, i % 2 === 1, "V2"),
    );
    const h = history(T0, T0 + 1000 * H, [state(T0, true, "V1"), state(T0, true, "V2"), ...flapping]);
    const c = compactHistory(h, T0);
    expect(c.trackStates.length).toBeLessThanOrEqual(MAX_TRACK_STATES + 1);
    // V1 always had data, so nothing is missing whatever V2 does.
    expect(findGaps(h.trackStates, T0, T0 + 1000 * H)).toEqual([]);
    expect(findGaps(c.trackStates, Date.parse(c.from), T0 + 1000 * H)).toEqual([]);
  });

  it("bounds a flapping recording and says from where it still knows", () => {
    const states = Array.from({ length: MAX_TRACK_STATES + 10 }, (_, i) =>
      state(T0 + i * 60_000, i % 2 === 0),
    );
    const c = compactHistory(history(T0, T0 + 1000 * H, states), T0);
    expect(c.trackStates).toHaveLength(MAX_TRACK_STATES);
    expect(c.from).toBe(c.trackStates[0]!.time);
    expect(c.from).toBe(iso(T0 + 10 * 60_000));
  });
});

describe("incrementalFrom", () => {
  const stored = (over: Partial<DeviceHistories> = {}): DeviceHistories => ({
    last: { status: "searched", at: T0, mode: "full" },
    searchedAt: T0,
    fullAt: T0,
    windowMs: 90 * 24 * H,
    recordings: { R1: history(T0 - 90 * 24 * H, T0 + H), R2: history(T0 - 90 * 24 * H, T0 + 2 * H) },
    ...over,
  });
  const windowStart = T0 - 80 * 24 * H;

  it("starts just before the oldest cursor of the recordings", () => {
    expect(incrementalFrom(stored(), ["R1", "R2"], T0 + 3 * H, windowStart, T0 + H)).toBe(
      T0 + H - SCAN_OVERLAP_MS,
    );
  });

  it("searches the whole window when anything is unknown or due", () => {
    expect(incrementalFrom(null, ["R1"], T0 + 3 * H, windowStart, T0)).toBeNull();
    expect(incrementalFrom(stored(), ["R1", "R3"], T0 + 3 * H, windowStart, T0)).toBeNull();
    expect(incrementalFrom(stored(), [], T0 + 3 * H, windowStart, T0)).toBeNull();
    expect(incrementalFrom(stored({ fullAt: null }), ["R1"], T0 + 3 * H, windowStart, T0)).toBeNull();
    expect(incrementalFrom(stored(), ["R1"], T0 + 3 * H, windowStart, T0 + FULL_SCAN_EVERY_MS)).toBeNull();
    // The device clock went back before the cursor.
    expect(incrementalFrom(stored(), ["R1"], T0, windowStart, T0)).toBeNull();
    // retentionDays raised past what the stored histories reach back over.
    expect(incrementalFrom(stored(), ["R1"], T0 + 3 * H, T0 + 3 * H - 120 * 24 * H, T0)).toBeNull();
    // The cursor lies before the window: a full search costs the same.
    expect(incrementalFrom(stored(), ["R1"], T0 + 3 * H, T0 + 2 * H, T0)).toBeNull();
  });
});

describe("historyProbes", () => {
  const h = history(T0, T0 + H);
  it("gives the stored history while fresh, even after a failed scan", () => {
    const s: DeviceHistories = {
      last: { status: "failed", at: T0 + 2 * H, error: { kind: "timeout", message: "no answer" } },
      searchedAt: T0 + H,
      fullAt: T0 + H,
      windowMs: 90 * 24 * H,
      recordings: { R1: h },
    };
    expect(historyProbes(s, ["R1"], T0)).toEqual({ R1: { status: "ok", value: h } });
    expect(historyProbes(s, ["R1", "R2"], T0 + 2 * H)).toEqual({
      R1: { status: "failed", error: { kind: "timeout", message: "no answer" } },
      R2: { status: "failed", error: { kind: "timeout", message: "no answer" } },
    });
  });

  it("leaves out what was never searched, or not recently", () => {
    expect(historyProbes(null, ["R1"], T0)).toEqual({});
    const s: DeviceHistories = {
      last: { status: "searched", at: T0, mode: "full" },
      searchedAt: T0,
      fullAt: T0,
      windowMs: 90 * 24 * H,
      recordings: { R1: h },
    };
    expect(historyProbes(s, ["R1", "R2"], T0)).toEqual({ R1: { status: "ok", value: h } });
    expect(historyProbes(s, ["R1"], T0 + 1)).toEqual({});
    const none: DeviceHistories = { ...s, last: { status: "unsupported", at: T0, reason: "no Profile G" } };
    expect(historyProbes(none, ["R9"], T0 + 1)).toEqual({
      R1: { status: "unsupported", reason: "no Profile G" },
      R9: { status: "unsupported", reason: "no Profile G" },
    });
  });
});
