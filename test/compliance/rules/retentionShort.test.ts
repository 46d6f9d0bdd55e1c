import { describe, expect, it } from "vitest";
import { retentionShort } from "../../../src/compliance/rules/retentionShort.ts";
import type { DeviceObservation, RecordingHistory } from "../../../src/domain/observation.ts";
import { failed, ok } from "../../../src/domain/probe.ts";
import type { Site } from "../../../src/domain/site.ts";
import {
  DAY,
  HOUR,
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
  withClock,
} from "../builders.ts";

const site = healthySite();
const base = healthyObservation(site);
/** Device-now in the healthy observation: the device runs 2 s ahead of us. */
const DEVICE_NOW = NOW + 2 * SECOND;
const judge = (obs: DeviceObservation, s: Site = site) => retentionShort(ctxFor(s, obs, "cam1"));
const earliestAt = (t: number | string | null, obs = base) =>
  patch(
    obs,
    "recordingInfo",
    "R1",
    ok(recordingInfo(1, typeof t === "number" ? iso(t) : t, iso(NOW - 10 * SECOND))),
  );
const deletion = (endTime: number, track = "VIDEO001"): RecordingHistory["deletions"][number] => ({
  time: iso(NOW - 5 * DAY),
  track,
  startTime: iso(endTime - DAY),
  endTime: iso(endTime),
});
const withDeletion = (d: RecordingHistory["deletions"][number]) =>
  patch(base, "recordingHistory", "R1", ok(history([presentSince(NOW - 90 * DAY)], [d])));
/** The minimum depth: retentionDays − retentionToleranceHours. */
const NEEDED = 90 * DAY - 24 * HOUR;

describe("retention_short", () => {
  it("is ok with 120 days of video", () => {
    expect(judge(base)).toMatchObject({
      status: "ok",
      reason: "retention_sufficient",
      params: { days: 120, requiredDays: 90 },
    });
  });

  it("cannot be told while the recording's history has not been searched (the daemon between scans)", () => {
    const { R1: _searched, ...others } = base.recordingHistory;
    expect(judge({ ...base, recordingHistory: others })).toMatchObject({
      status: "unknown",
      reason: "history_not_searched",
      params: { recording: "R1" },
    });
  });

  it("reads the camera's own video track, not an older audio track", () => {
    // recordingInfo() gives the audio track 400 days; the video has 30.
    const f = judge(earliestAt(DEVICE_NOW - 30 * DAY));
    expect(f).toMatchObject({ status: "violation", reason: "retention_too_short", params: { days: 30 } });
  });

  it("is ok exactly at retentionDays − tolerance and a violation one second short of it", () => {
    expect(judge(earliestAt(DEVICE_NOW - NEEDED)).status).toBe("ok");
    expect(judge(earliestAt(DEVICE_NOW - NEEDED + SECOND)).status).toBe("violation");
  });

  it("is unknown for a 1970 DataFrom, a placeholder and not very old data", () => {
    expect(judge(earliestAt("1970-01-01T00:00:00Z"))).toMatchObject({
      status: "unknown",
      reason: "earliest_data_unknown",
    });
    expect(judge(earliestAt(null)).reason).toBe("earliest_data_unknown");
  });

  describe("commissioning", () => {
    const commissioned = NOW - 30 * DAY;
    const recent = healthySite({ commissionedAt: iso(commissioned) });

    it("is accruing when data reaches back to commissioning", () => {
      const f = judge(earliestAt(commissioned), recent);
      expect(f).toMatchObject({ status: "accruing", reason: "retention_accruing" });
      expect(f.params).toMatchObject({
        commissionedAt: iso(commissioned),
        provableOn: iso(commissioned + 90 * DAY),
      });
    });

    it("is accruing with earliest data exactly commissioning + tolerance, a violation one second later", () => {
      expect(judge(earliestAt(commissioned + 24 * HOUR), recent).status).toBe("accruing");
      const f = judge(earliestAt(commissioned + 24 * HOUR + SECOND), recent);
      expect(f).toMatchObject({ status: "violation", reason: "retention_lost_since_commissioning" });
    });

    it("uses the camera's own commissioning date over the site's", () => {
      const cam = NOW - 10 * DAY;
      const s = healthySite({ cameras: [camera(1, ["gate"], { commissionedAt: iso(cam) })] });
      expect(judge(earliestAt(cam), s).status).toBe("accruing");
      expect(judge(earliestAt(cam), healthySite()).status).toBe("violation");
    });

    it("stops accruing once retentionDays have passed since commissioning", () => {
      const old = healthySite({ commissionedAt: iso(NOW - 91 * DAY) });
      expect(judge(earliestAt(NOW - 60 * DAY), old).reason).toBe("retention_too_short");
    });
  });

  describe("DeleteTrackData", () => {
    it("is a violation when video data inside the window was deleted, whatever the depth", () => {
      const f = judge(withDeletion(deletion(NOW - 30 * DAY)));
      expect(f).toMatchObject({
        status: "violation",
        reason: "recording_data_deleted",
        params: { recording: "R1" },
      });
      expect(f.evidence).toMatchObject({ deletion: { track: "VIDEO001", endTime: iso(NOW - 30 * DAY) } });
    });

    it("accepts the purge of data older than the window", () => {
      expect(judge(withDeletion(deletion(NOW - 95 * DAY))).status).toBe("ok");
    });

    it("ignores the deletion of audio only", () => {
      expect(judge(withDeletion(deletion(NOW - 30 * DAY, "AUDIO001"))).status).toBe("ok");
    });
  });

  it("is unknown, caused by clock_drift, when the device clock is years off", () => {
    const f = judge(withClock(base, "2031-01-01T00:00:00Z"));
    expect(f).toMatchObject({ status: "unknown", reason: "clock_implausible" });
    expect(f.causedBy).toEqual({ kind: "clock_drift", subject: { type: "device", id: "nvr1" } });
  });

  it("is unknown when the recording information could not be read", () => {
    const f = judge(
      patch(base, "recordingInfo", "R1", failed({ kind: "fault", message: "ter:NoRecording" })),
    );
    expect(f).toMatchObject({ status: "unknown", reason: "recording_info_unavailable" });
  });
});
