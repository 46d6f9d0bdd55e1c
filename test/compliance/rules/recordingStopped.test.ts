import { describe, expect, it } from "vitest";
import { recordingStopped } from "../../../src/compliance/rules/recordingStopped.ts";
import type { DeviceObservation, RecordingJobState } from "../../../src/domain/observation.ts";
import { failed, ok, unsupported } from "../../../src/domain/probe.ts";
import {
  DAY,
  NOW,
  SECOND,
  ctxFor,
  healthyObservation,
  healthySite,
  iso,
  jobState,
  patch,
  recordingInfo,
  withClock,
} from "../builders.ts";

const site = healthySite();
const base = healthyObservation(site);
const judge = (obs: DeviceObservation) => recordingStopped(ctxFor(site, obs, "cam1"));
/** Device-now in the healthy observation: the device runs 2 s ahead of us. */
const DEVICE_NOW = NOW + 2 * SECOND;
const newestAt = (t: number) =>
  patch(base, "recordingInfo", "R1", ok(recordingInfo(1, iso(NOW - 120 * DAY), iso(t))));

describe("recording_stopped", () => {
  it("is ok when the video track is Active and the newest data is fresh by the device clock", () => {
    const f = judge(base);
    expect(f).toMatchObject({
      status: "ok",
      reason: "recording_active",
      params: { recording: "R1", lagSeconds: 12 },
    });
  });

  it("ignores an audio track in Error when the video track records", () => {
    const obs = patch(
      base,
      "jobStates",
      "J1",
      ok(jobState(1, "Active", "Error", { audioError: "Incompatible Stream" })),
    );
    expect(judge(obs).status).toBe("ok");
  });

  it("reads the job state, not Mode: Mode Active but JobState Idle is stopped", () => {
    const idle: RecordingJobState = { ...jobState(1, "Idle", "Idle"), state: "Idle" };
    const f = judge(patch(base, "jobStates", "J1", ok(idle)));
    expect(f).toMatchObject({
      status: "violation",
      reason: "video_track_not_active",
      params: { job: "J1", state: "Idle" },
    });
  });

  it("is a violation when the video track is in Error, with its error text", () => {
    const obs = patch(
      base,
      "jobStates",
      "J1",
      ok(jobState(1, "Error", "Active", { videoError: "Incompatible Stream" })),
    );
    expect(judge(obs)).toMatchObject({
      status: "violation",
      params: { state: "Error", error: "Incompatible Stream" },
    });
  });

  it("is ok with the lag exactly at maxRecordingLagSeconds and a violation one second beyond", () => {
    expect(judge(newestAt(DEVICE_NOW - 300 * SECOND))).toMatchObject({
      status: "ok",
      params: { lagSeconds: 300 },
    });
    const late = judge(newestAt(DEVICE_NOW - 301 * SECOND));
    expect(late).toMatchObject({
      status: "violation",
      reason: "recording_lagging",
      params: { lagSeconds: 301, maxSeconds: 300 },
    });
  });

  it("measures the lag on the device clock, not ours", () => {
    // The device runs 10 min behind us and its newest data is 1 min old by its own clock.
    const behind = withClock(base, iso(NOW - 10 * 60 * SECOND - SECOND));
    const obs = patch(
      behind,
      "recordingInfo",
      "R1",
      ok(recordingInfo(1, iso(NOW - 120 * DAY), iso(NOW - 11 * 60 * SECOND))),
    );
    expect(judge(obs)).toMatchObject({ status: "ok", params: { lagSeconds: 60 } });
  });

  it("uses a clock derived from local time and the POSIX TZ like a UTC one", () => {
    // LocalDateTime + "CST-8" gave a UTC time 1 min ahead of ours; newest data 6 min before ours.
    const posix = withClock(base, iso(NOW - SECOND + 60 * SECOND), "local+tz");
    const obs = patch(
      posix,
      "recordingInfo",
      "R1",
      ok(recordingInfo(1, iso(NOW - 120 * DAY), iso(NOW - 6 * 60 * SECOND))),
    );
    expect(judge(obs)).toMatchObject({
      status: "violation",
      reason: "recording_lagging",
      params: { lagSeconds: 420 },
    });
  });

  it("is a violation when the newest data is old even though the job says Active", () => {
    expect(judge(newestAt(NOW - 2 * DAY)).reason).toBe("recording_lagging");
  });

  it("is unknown when no recording job is visible for the camera", () => {
    const jobs =
      base.recordingJobs.status === "ok" ? base.recordingJobs.value.filter((j) => j.token !== "J1") : [];
    const f = judge({ ...base, recordingJobs: ok(jobs) });
    expect(f).toMatchObject({ status: "unknown", reason: "no_recording_job", params: { recording: "R1" } });
  });

  it("is unknown when the device has no Profile G", () => {
    const obs: DeviceObservation = {
      ...base,
      services: ok({ device: "http://10.0.0.5/onvif/device_service", media: "http://10.0.0.5/onvif/media" }),
      recordings: unsupported("no recording service"),
      recordingJobs: unsupported("no recording service"),
    };
    expect(judge(obs)).toMatchObject({ status: "unknown", reason: "profile_g_unsupported" });
  });

  it("is unknown when the job state could not be read", () => {
    const f = judge(patch(base, "jobStates", "J1", failed({ kind: "timeout", message: "no answer" })));
    expect(f).toMatchObject({ status: "unknown", reason: "job_state_unavailable", params: { job: "J1" } });
  });

  it("is unknown when the job is PartiallyActive without saying which track failed", () => {
    const partial: RecordingJobState = {
      recordingToken: "R1",
      state: "PartiallyActive",
      sources: [{ sourceToken: "P1", state: "PartiallyActive", tracks: [] }],
    };
    expect(judge(patch(base, "jobStates", "J1", ok(partial))).reason).toBe("job_state_ambiguous");
  });

  it("treats a 1970 newest-data time as not known, never as very old", () => {
    const obs = patch(
      base,
      "recordingInfo",
      "R1",
      ok(recordingInfo(1, "1970-01-01T00:00:00Z", "1970-01-01T00:00:00Z")),
    );
    expect(judge(obs)).toMatchObject({ status: "unknown", reason: "newest_data_unknown" });
  });

  it("is unknown, caused by clock_drift, when the device clock is years off", () => {
    const f = judge(withClock(base, "2019-06-01T00:00:00Z"));
    expect(f).toMatchObject({ status: "unknown", reason: "clock_implausible" });
    expect(f.causedBy).toEqual({ kind: "clock_drift", subject: { type: "device", id: "nvr1" } });
  });

  it("still reports a stopped video track when the clock is wrong: that needs no clock", () => {
    const obs = patch(
      withClock(base, "2019-06-01T00:00:00Z"),
      "jobStates",
      "J1",
      ok(jobState(1, "Idle", "Idle")),
    );
    expect(judge(obs)).toMatchObject({ status: "violation", reason: "video_track_not_active" });
  });

  it("is ok when one of two jobs writing the recording records video", () => {
    const jobs = base.recordingJobs.status === "ok" ? base.recordingJobs.value : [];
    const extra = {
      token: "J1b",
      recordingToken: "R1",
      mode: "Active",
      scheduleToken: null,
      eventTriggered: true,
      sourceTokens: ["P1"],
    };
    let obs: DeviceObservation = { ...base, recordingJobs: ok([...jobs, extra]) };
    obs = patch(obs, "jobStates", "J1", ok(jobState(1, "Idle", "Idle")));
    obs = patch(obs, "jobStates", "J1b", ok(jobState(1, "Active")));
    expect(judge(obs).status).toBe("ok");
  });
});
