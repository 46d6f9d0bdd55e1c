import { describe, expect, it } from "vitest";
import { OnvifError } from "../../../src/onvif/errors.ts";
import { readRule, parseRules } from "../../../src/onvif/ops/analytics.ts";
import {
  parseRecordingJobs,
  parseRecordingJobState,
  parseRecordingConfiguration,
} from "../../../src/onvif/ops/recording.ts";
import { getSchedule, parseSchedules } from "../../../src/onvif/ops/schedule.ts";
import { NS } from "../../../src/onvif/namespaces.ts";
import { createOnvifSession } from "../../../src/onvif/session.ts";
import { parseXml } from "../../../src/onvif/xml/parse.ts";
import {
  bodyOf,
  envelope,
  fakeHttp,
  servicesXml,
  systemDateAndTime,
  testDevice,
} from "../helpers/fakeDevice.ts";

describe("recording jobs", () => {
  it("reads the schedule token, event-triggered jobs and every source", () => {
    const jobs = parseRecordingJobs(
      bodyOf(
        envelope(
          `<trc:GetRecordingJobsResponse>` +
            `<trc:JobItem><tt:JobToken>Job_ch1</tt:JobToken><tt:JobConfiguration ScheduleToken="Sched_24x7"><tt:RecordingToken>Rec_ch1</tt:RecordingToken><tt:Mode>Active</tt:Mode><tt:Priority>1</tt:Priority>` +
            `<tt:Source><tt:SourceToken Type="http://www.onvif.org/ver10/schema/Profile"><tt:Token>Profile_1</tt:Token></tt:SourceToken></tt:Source>` +
            `<tt:Source><tt:SourceToken><tt:Token>VideoSource_1</tt:Token></tt:SourceToken></tt:Source></tt:JobConfiguration></trc:JobItem>` +
            `<trc:JobItem><tt:JobToken>Job_ch2</tt:JobToken><tt:JobConfiguration><tt:RecordingToken>Rec_ch2</tt:RecordingToken><tt:Mode>Idle</tt:Mode><tt:Priority>1</tt:Priority>` +
            `<tt:EventFilter><tt:Filter><wsnt:TopicExpression Dialect="x">tns1:VideoSource/MotionAlarm</wsnt:TopicExpression></tt:Filter><tt:Before>PT5S</tt:Before><tt:After>PT10S</tt:After></tt:EventFilter></tt:JobConfiguration></trc:JobItem>` +
            `<trc:JobItem><tt:JobToken>broken</tt:JobToken></trc:JobItem>` +
            `</trc:GetRecordingJobsResponse>`,
        ),
      ),
    );
    expect(jobs).toEqual([
      {
        token: "Job_ch1",
        recordingToken: "Rec_ch1",
        mode: "Active",
        scheduleToken: "Sched_24x7",
        eventTriggered: false,
        sourceTokens: ["Profile_1", "VideoSource_1"],
      },
      {
        token: "Job_ch2",
        recordingToken: "Rec_ch2",
        mode: "Idle",
        scheduleToken: null,
        eventTriggered: true,
        sourceTokens: [],
      },
    ]);
  });

  it("reads a job state with an errored video track", () => {
    const st = parseRecordingJobState(
      bodyOf(
        envelope(
          `<trc:GetRecordingJobStateResponse><trc:State><tt:RecordingToken>Rec_ch1</tt:RecordingToken><tt:State>PartiallyActive</tt:State>` +
            `<tt:Sources><tt:SourceToken><tt:Token>Profile_1</tt:Token></tt:SourceToken><tt:State>PartiallyActive</tt:State><tt:Tracks>` +
            `<tt:Track><tt:SourceTag>video</tt:SourceTag><tt:Destination>VIDEO001</tt:Destination><tt:Error>Incompatible Stream</tt:Error><tt:State>Error</tt:State></tt:Track>` +
            `<tt:Track><tt:SourceTag>audio</tt:SourceTag><tt:Destination>AUDIO001</tt:Destination><tt:State>Active</tt:State></tt:Track>` +
            `</tt:Tracks></tt:Sources></trc:State></trc:GetRecordingJobStateResponse>`,
        ),
      ),
    );
    expect(st.state).toBe("PartiallyActive");
    expect(st.sources[0]?.tracks).toEqual([
      { sourceTag: "video", destination: "VIDEO001", state: "Error", error: "Incompatible Stream" },
      { sourceTag: "audio", destination: "AUDIO001", state: "Active", error: null },
    ]);
  });

  it("reads one recording's configuration; an odd retention is null", () => {
    const c = parseRecordingConfiguration(
      bodyOf(
        envelope(
          `<trc:GetRecordingConfigurationResponse><trc:RecordingConfiguration><tt:Source><tt:SourceId>Profile_1</tt:SourceId><tt:Name>Gate</tt:Name><tt:Location/><tt:Description/><tt:Address/></tt:Source>` +
            `<tt:Content/><tt:MaximumRetentionTime>90 days</tt:MaximumRetentionTime></trc:RecordingConfiguration></trc:GetRecordingConfigurationResponse>`,
        ),
      ),
      "Rec_ch1",
    );
    expect(c).toEqual({
      token: "Rec_ch1",
      sourceId: "Profile_1",
      sourceName: "Gate",
      maximumRetentionSeconds: null,
    });
  });
});

describe("schedules", () => {
  const schedules = envelope(
    `<tsc:GetSchedulesResponse><tsc:Schedule token="Sched_24x7"><tsc:Name>Always</tsc:Name>` +
      `<tsc:Standard>BEGIN:VCALENDAR\r\nBEGIN:VEVENT\r\nDTSTART:20250101T000000\r\nDTEND:20250102T000000\r\nRRULE:FREQ=DAILY\r\nEND:VEVENT\r\nEND:VCALENDAR</tsc:Standard></tsc:Schedule></tsc:GetSchedulesResponse>`,
  );

  it("keeps the iCalendar text as sent", () => {
    const [s] = parseSchedules(bodyOf(schedules));
    expect(s?.token).toBe("Sched_24x7");
    expect(s?.standard).toContain("RRULE:FREQ=DAILY");
    // Parsed here, where device text is read: compliance/ gets the calendar as data.
    expect(s?.calendar).toMatchObject({
      ok: true,
      events: [{ durationSeconds: 86400, rrule: { freq: "DAILY" } }],
    });
  });

  it("asks one token and reports a missing one as bad_argument", async () => {
    const NOW = Date.UTC(2026, 0, 1);
    const http = fakeHttp({
      GetSystemDateAndTime: systemDateAndTime(NOW),
      GetServices: servicesXml({ [NS.tsc]: "http://203.0.113.7:8080/onvif/schedule" }),
      GetSchedules: schedules,
    });
    const session = createOnvifSession({ device: testDevice(), http, now: () => NOW });
    expect((await getSchedule(session, "Sched_24x7")).token).toBe("Sched_24x7");
    const err = await getSchedule(session, "Sched_nights").catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OnvifError);
    expect((err as OnvifError).kind).toBe("bad_argument");
  });
});

describe("analytics rules", () => {
  it("normalises the rule type to tt: whatever prefix the device bound", () => {
    const rules = parseRules(
      bodyOf(
        envelope(
          `<tan:GetRulesResponse xmlns:x="${NS.tt}"><tan:Rule Name="MotionRoom2" Type="x:CellMotionDetector"><x:Parameters>` +
            `<x:SimpleItem Name="MinCount" Value="4"/><x:SimpleItem Name="ActiveCells" Value="/v/+/v/+"/></x:Parameters></tan:Rule>` +
            `<tan:Rule Name="Tamper1" Type="tt:TamperingDetection"><tt:Parameters><tt:SimpleItem Name="Mode" Value="GlobalSceneChange"/></tt:Parameters></tan:Rule>` +
            `<tan:Rule Name="Empty" Type="tt:CellMotionDetector"/></tan:GetRulesResponse>`,
        ),
      ),
    );
    expect(rules).toEqual([
      {
        name: "MotionRoom2",
        type: "tt:CellMotionDetector",
        parameters: { MinCount: "4", ActiveCells: "/v/+/v/+" },
      },
      { name: "Tamper1", type: "tt:TamperingDetection", parameters: { Mode: "GlobalSceneChange" } },
      { name: "Empty", type: "tt:CellMotionDetector", parameters: {} },
    ]);
  });

  it("keeps ElementItems as XML", () => {
    const rule = readRule(
      parseXml(
        `<tan:Rule xmlns:tan="${NS.tan}" xmlns:tt="${NS.tt}" Name="F" Type="tt:FieldDetector"><tt:Parameters><tt:ElementItem Name="Field"><tt:Polygon><tt:Point x="0" y="0"/></tt:Polygon></tt:ElementItem></tt:Parameters></tan:Rule>`,
      ),
    );
    expect(rule.parameters["Field"]).toBe(
      `<tt:Polygon xmlns:tt="${NS.tt}"><tt:Point x="0" y="0"/></tt:Polygon>`,
    );
  });
});
