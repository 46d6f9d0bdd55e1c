import { describe, expect, it } from "vitest";
import { recordingNotContinuous } from "../../../src/compliance/rules/recordingNotContinuous.ts";
import type { DeviceObservation, RecordingJob } from "../../../src/domain/observation.ts";
import { failed, ok } from "../../../src/domain/probe.ts";
import { parseICalendar } from "../../../src/onvif/schedule/icalendar.ts";
import { ctxFor, healthyObservation, healthySite } from "../builders.ts";

const site = healthySite();
const base = healthyObservation(site);
const judge = (obs: DeviceObservation) => recordingNotContinuous(ctxFor(site, obs, "cam1"));
const jobs = base.recordingJobs.status === "ok" ? base.recordingJobs.value : [];
const withJob1 = (change: Partial<RecordingJob>, more: RecordingJob[] = []): DeviceObservation => ({
  ...base,
  recordingJobs: ok([...jobs.map((j) => (j.token === "J1" ? { ...j, ...change } : j)), ...more]),
});
const scheduled = (standard: string): DeviceObservation => ({
  ...withJob1({ scheduleToken: "S1" }),
  schedules: { S1: ok({ token: "S1", standard, calendar: parseICalendar(standard) }) },
});
const cal = (...lines: string[]) =>
  ["BEGIN:VCALENDAR", "BEGIN:VEVENT", ...lines, "END:VEVENT", "END:VCALENDAR"].join("\r\n");

describe("recording_not_continuous", () => {
  it("is ok for an Active job with no schedule and no event filter", () => {
    expect(judge(base)).toMatchObject({
      status: "ok",
      reason: "recording_continuous",
      params: { job: "J1", schedule: null },
    });
  });

  it("is a violation when the job is Idle", () => {
    expect(judge(withJob1({ mode: "Idle" }))).toMatchObject({
      status: "violation",
      reason: "job_idle",
      params: { mode: "Idle" },
    });
  });

  it("is a violation when the job records only around events", () => {
    expect(judge(withJob1({ eventTriggered: true })).reason).toBe("job_event_triggered");
  });

  it("is ok beside an event job when one job records continuously", () => {
    const eventJob = { ...jobs[0]!, token: "J1e", eventTriggered: true };
    expect(judge(withJob1({}, [eventJob])).status).toBe("ok");
  });

  it("is ok for a 24 × 7 daily schedule", () => {
    const f = judge(scheduled(cal("DTSTART:19700101T000000", "DTEND:19700102T000000", "RRULE:FREQ=DAILY")));
    expect(f).toMatchObject({ status: "ok", params: { schedule: "S1" } });
  });

  it("is ok for a weekly schedule naming all seven days", () => {
    const text = cal(
      "DTSTART:20250106T000000",
      "DTEND:20250107T000000",
      "RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR,SA,SU",
    );
    expect(judge(scheduled(text)).status).toBe("ok");
  });

  it("is a violation for a Mon–Fri schedule, naming the first uncovered stretch", () => {
    const text = cal(
      "DTSTART:20250106T000000",
      "DTEND:20250107T000000",
      "RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
    );
    const f = judge(scheduled(text));
    expect(f).toMatchObject({
      status: "violation",
      reason: "schedule_not_24x7",
      params: { schedule: "S1", uncoveredHoursPerWeek: 48, firstGapWeekday: 5, firstGapTime: "00:00" },
    });
    expect(f.evidence["jobs"]).toEqual([
      expect.objectContaining({ token: "J1", uncovered: [{ from: "Sat 00:00", to: "Mon 00:00" }] }),
    ]);
  });

  it("is a violation for 07:00–19:00 daily", () => {
    const f = judge(scheduled(cal("DTSTART:20250106T070000", "DTEND:20250106T190000", "RRULE:FREQ=DAILY")));
    expect(f).toMatchObject({
      status: "violation",
      params: { uncoveredHoursPerWeek: 84, firstGapTime: "19:00" },
    });
  });

  it("is a violation for a schedule that cannot be read: compliance must be provable", () => {
    const f = judge(scheduled("<<garbage>>"));
    expect(f).toMatchObject({
      status: "violation",
      reason: "schedule_unreadable",
      params: { schedule: "S1" },
    });
  });

  it("is unknown when the schedule could not be fetched", () => {
    const obs = {
      ...withJob1({ scheduleToken: "S1" }),
      schedules: { S1: failed<never>({ kind: "timeout", message: "x" }) },
    };
    expect(judge(obs)).toMatchObject({ status: "unknown", reason: "schedule_unavailable" });
    expect(judge(withJob1({ scheduleToken: "S9" })).reason).toBe("schedule_unavailable");
  });

  it("is unknown when no job records the camera", () => {
    const obs = { ...base, recordingJobs: ok(jobs.filter((j) => j.token !== "J1")) };
    expect(judge(obs)).toMatchObject({ status: "unknown", reason: "no_recording_job" });
  });

  it("an observation stored before schedules were parsed in onvif/ is unknown until the next poll", () => {
    const stored = {
      ...withJob1({ scheduleToken: "S1" }),
      schedules: { S1: ok({ token: "S1", standard: cal("DTSTART:19700101T000000", "DURATION:P1D") }) },
    } as unknown as DeviceObservation;
    expect(judge(stored)).toMatchObject({
      status: "unknown",
      reason: "schedule_unavailable",
      params: { job: "J1", schedule: "S1" },
    });
  });
});
