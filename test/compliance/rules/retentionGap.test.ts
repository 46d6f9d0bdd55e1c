import { describe, expect, it } from "vitest";
import { retentionGap } from "../../../src/compliance/rules/retentionGap.ts";
import type { DeviceObservation, RecordingHistory } from "../../../src/domain/observation.ts";
import { failed, ok } from "../../../src/domain/probe.ts";
import type { Site } from "../../../src/domain/site.ts";
import {
  DAY,
  HOUR,
  MINUTE,
  NOW,
  SECOND,
  camera,
  ctxFor,
  healthyObservation,
  healthySite,
  history,
  iso,
  patch,
  presentSince,
  recordingInfo,
  state,
  withClock,
} from "../builders.ts";

const site = healthySite();
const base = healthyObservation(site);
const DEVICE_NOW = NOW + 2 * SECOND;
const judge = (obs: DeviceObservation, s: Site = site) => retentionGap(ctxFor(s, obs, "cam1"));
const withStates = (...states: RecordingHistory["trackStates"]) =>
  patch(base, "recordingHistory", "R1", ok(history(states)));
const T = NOW - 10 * DAY;

describe("retention_gap", () => {
  it("is ok when the video is present throughout", () => {
    expect(judge(base)).toMatchObject({
      status: "ok",
      reason: "no_gaps",
      params: { maxGapMinutes: 10, windowDays: 90 },
    });
  });

  it("is ok for a gap of exactly maxGapMinutes and a violation for one a second longer", () => {
    expect(
      judge(withStates(presentSince(NOW - 90 * DAY), state(T, false), state(T + 10 * MINUTE, true))).status,
    ).toBe("ok");
    const f = judge(
      withStates(presentSince(NOW - 90 * DAY), state(T, false), state(T + 10 * MINUTE + SECOND, true)),
    );
    expect(f).toMatchObject({
      status: "violation",
      reason: "recording_gaps",
      params: { count: 1, open: false },
    });
    expect(f.evidence["gaps"]).toEqual([
      { start: iso(T), end: iso(T + 10 * MINUTE + SECOND), minutes: 10, open: false },
    ]);
  });

  it("lists every gap with start, end and minutes", () => {
    const f = judge(
      withStates(
        presentSince(NOW - 90 * DAY),
        state(T, false),
        state(T + 30 * MINUTE, true),
        state(T + DAY, false),
        state(T + DAY + 2 * 60 * MINUTE, true),
      ),
    );
    expect(f.params).toMatchObject({ count: 2, longestMinutes: 120, firstStart: iso(T) });
    expect(f.evidence["gaps"]).toEqual([
      { start: iso(T), end: iso(T + 30 * MINUTE), minutes: 30, open: false },
      { start: iso(T + DAY), end: iso(T + DAY + 120 * MINUTE), minutes: 120, open: false },
    ]);
  });

  it("does not count the time before the earliest video as a gap: that is retention depth", () => {
    const earliest = NOW - 45 * DAY;
    const shallow = patch(
      withStates(state(NOW - 90 * DAY, false), presentSince(earliest)),
      "recordingInfo",
      "R1",
      ok(recordingInfo(1, iso(earliest), iso(NOW - 10 * SECOND))),
    );
    expect(judge(shallow)).toMatchObject({ status: "ok", reason: "no_gaps" });
    // ...while a hole after the earliest data still is one.
    const holed = patch(
      withStates(
        state(NOW - 90 * DAY, false),
        presentSince(earliest),
        state(T, false),
        state(T + HOUR, true),
      ),
      "recordingInfo",
      "R1",
      ok(recordingInfo(1, iso(earliest), iso(NOW - 10 * SECOND))),
    );
    expect(judge(holed)).toMatchObject({ status: "violation", params: { count: 1, longestMinutes: 60 } });
  });

  it("counts an open gap at the end up to device-now", () => {
    const f = judge(withStates(presentSince(NOW - 90 * DAY), state(NOW - 30 * MINUTE, false)));
    expect(f).toMatchObject({ status: "violation", params: { open: true } });
    expect(f.evidence["gaps"]).toEqual([
      { start: iso(NOW - 30 * MINUTE), end: iso(DEVICE_NOW), minutes: 30, open: true },
    ]);
  });

  it("measures an open gap only up to where the history was searched (the daemon between scans)", () => {
    // The last scan ended 20 minutes ago, 2 minutes into an outage: whether it still lasts is not known.
    const searched = (h: RecordingHistory): DeviceObservation =>
      patch(base, "recordingHistory", "R1", ok({ ...h, to: iso(DEVICE_NOW - 20 * MINUTE) }));
    const short = searched(history([presentSince(NOW - 90 * DAY), state(DEVICE_NOW - 22 * MINUTE, false)]));
    expect(judge(short)).toMatchObject({
      status: "ok",
      evidence: { windowEnd: iso(DEVICE_NOW - 20 * MINUTE) },
    });
    const long = searched(history([presentSince(NOW - 90 * DAY), state(DEVICE_NOW - 50 * MINUTE, false)]));
    expect(judge(long).evidence["gaps"]).toEqual([
      { start: iso(DEVICE_NOW - 50 * MINUTE), end: iso(DEVICE_NOW - 20 * MINUTE), minutes: 30, open: true },
    ]);
  });

  it("lists the newest gaps when there are too many to list", () => {
    const states = [presentSince(NOW - 90 * DAY)];
    for (let i = 0; i < 120; i++) {
      const t = NOW - 60 * DAY + i * HOUR;
      states.push(state(t, false), state(t + 20 * MINUTE, true));
    }
    const f = judge(withStates(...states));
    const gaps = f.evidence["gaps"] as { start: string }[];
    expect(f.evidence["gapsTotal"]).toBe(120);
    expect(gaps).toHaveLength(100);
    expect(gaps.at(-1)!.start).toBe(iso(NOW - 60 * DAY + 119 * HOUR));
  });

  it("reads the start-state event: data absent when the window opens counts from the window's start", () => {
    const windowStart = DEVICE_NOW - 90 * DAY;
    const absent = { ...state(NOW - 100 * DAY, false), startState: true };
    const f = judge(withStates(absent, state(windowStart + 60 * MINUTE, true)));
    expect(f.evidence["gaps"]).toEqual([
      { start: iso(windowStart), end: iso(windowStart + 60 * MINUTE), minutes: 60, open: false },
    ]);
  });

  it("ignores gaps outside the window and before the camera was commissioned", () => {
    const old = withStates(state(NOW - 95 * DAY, false), state(NOW - 94 * DAY, true));
    expect(judge(old).status).toBe("ok");
    const cam = NOW - 20 * DAY;
    const s = healthySite({ cameras: [camera(1, ["gate"], { commissionedAt: iso(cam) })] });
    const beforeInstall = withStates(state(NOW - 30 * DAY, false), state(cam + 5 * MINUTE, true));
    expect(judge(beforeInstall, s).status).toBe("ok");
    expect(judge(beforeInstall).status).toBe("violation");
  });

  it("ignores an audio-only gap", () => {
    const f = judge(
      withStates(presentSince(NOW - 90 * DAY), state(T, false, "AUDIO001"), state(T + DAY, true, "AUDIO001")),
    );
    expect(f.status).toBe("ok");
  });

  it("is unknown when the history could not be searched or holds no video state", () => {
    expect(
      judge(patch(base, "recordingHistory", "R1", failed({ kind: "timeout", message: "x" }))),
    ).toMatchObject({
      status: "unknown",
      reason: "history_unavailable",
    });
    expect(judge(withStates(state(T, true, "AUDIO001")))).toMatchObject({
      status: "unknown",
      reason: "history_empty",
    });
  });

  it("is unknown when the device clock is implausible", () => {
    expect(judge(withClock(base, "1970-01-02T00:00:00Z")).reason).toBe("clock_implausible");
  });
});
