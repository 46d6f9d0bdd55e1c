import { describe, expect, it } from "vitest";
import type { DeviceObservation } from "../../src/domain/observation.ts";
import { NS } from "../../src/onvif/namespaces.ts";
import { describeDevice } from "../../src/onvif/describe.ts";
import { observeDevice } from "../../src/onvif/observe.ts";
import { createOnvifSession } from "../../src/onvif/session.ts";
import { childLoose, childrenLoose, childText } from "../../src/onvif/xml/tree.ts";
import {
  camera,
  envelope,
  fakeHttp,
  faultXml,
  fixture,
  netError,
  PASSWORD,
  POLICY,
  response,
  servicesXml,
  systemDateAndTime,
  testDevice,
  type FakeDeviceHttp,
  type Route,
} from "./helpers/fakeDevice.ts";
import { namespaceBombAnswer } from "./helpers/hostileXml.ts";

const NOW = Date.UTC(2026, 9, 1, 8, 0, 0);
const DEVICE_AHEAD_MS = 2 * 3600_000; // the NVR's clock runs two hours ahead of ours
const BASE = "http://192.168.1.10/onvif";

const ALL_SERVICES = {
  [NS.trt]: `${BASE}/media`,
  [NS.trc]: `${BASE}/recording`,
  [NS.tse]: `${BASE}/search`,
  [NS.tsc]: `${BASE}/schedule`,
  [NS.tan]: `${BASE}/analytics`,
  [NS.tev]: `${BASE}/events`,
};

const profile = (n: number): string =>
  `<trt:Profiles token="Profile_${n}" fixed="true"><tt:Name>ch${n}</tt:Name>` +
  `<tt:VideoSourceConfiguration token="VSC_${n}"><tt:Name>v</tt:Name><tt:UseCount>1</tt:UseCount><tt:SourceToken>VideoSource_${n}</tt:SourceToken><tt:Bounds x="0" y="0" width="1920" height="1080"/></tt:VideoSourceConfiguration>` +
  `<tt:VideoAnalyticsConfiguration token="VA_${n}"><tt:Name>a</tt:Name><tt:UseCount>1</tt:UseCount></tt:VideoAnalyticsConfiguration></trt:Profiles>`;

const recording = (n: number): string =>
  `<trc:RecordingItem><tt:RecordingToken>Rec_${n}</tt:RecordingToken><tt:Configuration><tt:Source><tt:SourceId>VideoSource_${n}</tt:SourceId><tt:Name>ch${n}</tt:Name><tt:Location/><tt:Description/><tt:Address/></tt:Source>` +
  `<tt:Content/><tt:MaximumRetentionTime>P90D</tt:MaximumRetentionTime></tt:Configuration><tt:Tracks><tt:Track><tt:TrackToken>VIDEO001</tt:TrackToken><tt:Configuration><tt:TrackType>Video</tt:TrackType><tt:Description/></tt:Configuration></tt:Track></tt:Tracks></trc:RecordingItem>`;

const job = (n: number, schedule?: string): string =>
  `<trc:JobItem><tt:JobToken>Job_${n}</tt:JobToken><tt:JobConfiguration${schedule ? ` ScheduleToken="${schedule}"` : ""}><tt:RecordingToken>Rec_${n}</tt:RecordingToken><tt:Mode>Active</tt:Mode><tt:Priority>1</tt:Priority>` +
  `<tt:Source><tt:SourceToken><tt:Token>Profile_${n}</tt:Token></tt:SourceToken></tt:Source></tt:JobConfiguration></trc:JobItem>`;

/** The content of a tt:RecordingInformation; Rec_N's video goes back to June N. */
const recordingInformation = (t: string): string =>
  `<tt:RecordingToken>${t}</tt:RecordingToken><tt:Source><tt:SourceId>x</tt:SourceId><tt:Name>x</tt:Name><tt:Location/><tt:Description/><tt:Address>x</tt:Address></tt:Source>` +
  `<tt:EarliestRecording>2026-06-01T00:00:00Z</tt:EarliestRecording><tt:LatestRecording>2026-10-01T09:59:00Z</tt:LatestRecording><tt:Content/>` +
  `<tt:Track><tt:TrackToken>VIDEO001</tt:TrackToken><tt:TrackType>Video</tt:TrackType><tt:Description/><tt:DataFrom>2026-06-0${t.replace(/\D/g, "").slice(-1) || "1"}T00:00:00Z</tt:DataFrom><tt:DataTo>2026-10-01T09:59:00Z</tt:DataTo></tt:Track>` +
  `<tt:RecordingStatus>Recording</tt:RecordingStatus>`;

const jobState = (rec: string): string =>
  envelope(
    `<trc:GetRecordingJobStateResponse><trc:State><tt:RecordingToken>${rec}</tt:RecordingToken><tt:State>Active</tt:State></trc:State></trc:GetRecordingJobStateResponse>`,
  );

const signalLossMsg = (source: string, state: boolean): string =>
  `<wsnt:NotificationMessage><wsnt:Topic Dialect="http://www.onvif.org/ver10/tev/topicExpression/ConcreteSet">tns1:VideoSource/SignalLoss</wsnt:Topic>` +
  `<wsnt:Message><tt:Message UtcTime="2026-10-01T10:00:00Z" PropertyOperation="Initialized"><tt:Source><tt:SimpleItem Name="Source" Value="${source}"/></tt:Source>` +
  `<tt:Data><tt:SimpleItem Name="State" Value="${state}"/></tt:Data></tt:Message></wsnt:Message></wsnt:NotificationMessage>`;

const pullResponse = (...msgs: string[]): string =>
  envelope(
    `<tev:PullMessagesResponse><tev:CurrentTime>2026-10-01T10:00:00Z</tev:CurrentTime><tev:TerminationTime>2026-10-01T10:01:00Z</tev:TerminationTime>${msgs.join("")}</tev:PullMessagesResponse>`,
  );

/** A 3-channel NVR. Channels 1 and 2 are configured cameras; channel 3 is not. */
function nvr(
  overrides: Record<string, Route> = {},
  services: Record<string, string> = ALL_SERVICES,
): FakeDeviceHttp {
  return fakeHttp({
    GetSystemDateAndTime: systemDateAndTime(NOW + DEVICE_AHEAD_MS),
    GetServices: servicesXml(services),
    GetDeviceInformation: fixture("hikvision-oem/ENP1A14_GetDeviceInformation.xml"),
    GetProfiles: envelope(
      `<trt:GetProfilesResponse>${profile(1)}${profile(2)}${profile(3)}</trt:GetProfilesResponse>`,
    ),
    GetStreamUri: (s) =>
      envelope(
        `<trt:GetStreamUriResponse><trt:MediaUri><tt:Uri>rtsp://192.168.1.10/${childText(s.bodyElement, NS.trt, "ProfileToken")}?a=1&amp;b=2</tt:Uri><tt:InvalidAfterConnect>false</tt:InvalidAfterConnect><tt:InvalidAfterReboot>false</tt:InvalidAfterReboot><tt:Timeout>PT0S</tt:Timeout></trt:MediaUri></trt:GetStreamUriResponse>`,
      ),
    GetSnapshotUri: (s) =>
      envelope(
        `<trt:GetSnapshotUriResponse><trt:MediaUri><tt:Uri>http://192.168.1.10/snap/${childText(s.bodyElement, NS.trt, "ProfileToken")}.jpg</tt:Uri><tt:InvalidAfterConnect>false</tt:InvalidAfterConnect><tt:InvalidAfterReboot>false</tt:InvalidAfterReboot><tt:Timeout>PT0S</tt:Timeout></trt:MediaUri></trt:GetSnapshotUriResponse>`,
      ),
    GetRecordings: envelope(
      `<trc:GetRecordingsResponse>${recording(1)}${recording(2)}${recording(3)}</trc:GetRecordingsResponse>`,
    ),
    GetRecordingJobs: envelope(
      `<trc:GetRecordingJobsResponse>${job(1, "Sched_A")}${job(2)}${job(3, "Sched_B")}</trc:GetRecordingJobsResponse>`,
    ),
    GetRecordingJobState: (s) =>
      jobState(childText(s.bodyElement, NS.trc, "JobToken")?.replace("Job", "Rec") ?? ""),
    GetSchedules: (s) =>
      envelope(
        `<tsc:GetSchedulesResponse><tsc:Schedule token="${childText(s.bodyElement, NS.tsc, "Token")}"><tsc:Name>s</tsc:Name><tsc:Standard>BEGIN:VCALENDAR\nEND:VCALENDAR</tsc:Standard></tsc:Schedule></tsc:GetSchedulesResponse>`,
      ),
    GetRecordingInformation: (s) =>
      envelope(
        `<tse:GetRecordingInformationResponse><tse:RecordingInformation>${recordingInformation(childText(s.bodyElement, NS.tse, "RecordingToken") ?? "")}</tse:RecordingInformation></tse:GetRecordingInformationResponse>`,
      ),
    FindEvents: envelope(
      `<tse:FindEventsResponse><tse:SearchToken>ES</tse:SearchToken></tse:FindEventsResponse>`,
    ),
    GetEventSearchResults: envelope(
      `<tse:GetEventSearchResultsResponse><tse:ResultList><tt:SearchState>Completed</tt:SearchState>` +
        `<tt:Result><tt:RecordingToken>Rec_1</tt:RecordingToken><tt:TrackToken>VIDEO001</tt:TrackToken><tt:Time>2026-07-03T10:00:00Z</tt:Time><tt:Event>` +
        `<wsnt:Topic Dialect="http://www.onvif.org/ver10/tev/topicExpression/ConcreteSet">tns1:RecordingHistory/Track/State</wsnt:Topic><wsnt:Message><tt:Message UtcTime="2026-07-03T10:00:00Z" PropertyOperation="Initialized">` +
        `<tt:Source><tt:SimpleItem Name="RecordingToken" Value="Rec_1"/><tt:SimpleItem Name="Track" Value="VIDEO001"/></tt:Source><tt:Data><tt:SimpleItem Name="IsDataPresent" Value="true"/></tt:Data></tt:Message></wsnt:Message></tt:Event>` +
        `<tt:StartStateEvent>true</tt:StartStateEvent></tt:Result></tse:ResultList></tse:GetEventSearchResultsResponse>`,
    ),
    EndSearch: envelope(
      `<tse:EndSearchResponse><tse:Endpoint>2026-10-01T10:00:00Z</tse:Endpoint></tse:EndSearchResponse>`,
    ),
    GetRules: (s) =>
      envelope(
        `<tan:GetRulesResponse><tan:Rule Name="Motion_${childText(s.bodyElement, NS.tan, "ConfigurationToken")}" Type="tt:CellMotionDetector"><tt:Parameters><tt:SimpleItem Name="ActiveCells" Value="zwA="/></tt:Parameters></tan:Rule></tan:GetRulesResponse>`,
      ),
    CreatePullPointSubscription: envelope(
      `<tev:CreatePullPointSubscriptionResponse><tev:SubscriptionReference><wsa:Address>${BASE}/sub?id=1</wsa:Address></tev:SubscriptionReference>` +
        `<wsnt:CurrentTime>2026-10-01T10:00:00Z</wsnt:CurrentTime><wsnt:TerminationTime>2026-10-01T10:01:00Z</wsnt:TerminationTime></tev:CreatePullPointSubscriptionResponse>`,
    ),
    PullMessages: (_s, nth) =>
      nth === 0
        ? pullResponse(
            signalLossMsg("VideoSource_1", false),
            signalLossMsg("VideoSource_2", true),
            signalLossMsg("VideoSource_3", false),
          )
        : pullResponse(),
    Unsubscribe: envelope(`<wsnt:UnsubscribeResponse/>`),
    ...overrides,
  });
}

const CAMERAS = [
  camera("cam-1", "Profile_1"),
  camera("cam-2", "Profile_2", { recording: "Rec_2" }),
  camera("elsewhere", "Profile_3", { device: "nvr9" }),
];

async function observe(
  http: FakeDeviceHttp,
  opts: { requireMotionDetection?: boolean; withStreamUris?: boolean } = {},
): Promise<DeviceObservation> {
  let t = NOW;
  const now = (): number => (t += 10);
  const session = createOnvifSession({
    device: testDevice({ onvif: "http://198.51.100.4:8000/onvif/device_service" }),
    http,
    now,
  });
  return observeDevice({
    session,
    cameras: CAMERAS,
    policy: { ...POLICY, requireMotionDetection: opts.requireMotionDetection ?? false },
    now,
    ...(opts.withStreamUris !== undefined ? { withStreamUris: opts.withStreamUris } : {}),
  });
}

const count = (http: FakeDeviceHttp, op: string): number => http.opsSeen().filter((o) => o === op).length;
const argsOf = (http: FakeDeviceHttp, op: string, ns: string, local: string): (string | null)[] =>
  http.seen
    .filter((s) => s.op === op)
    .map((s) => childText(s.bodyElement, ns, local))
    .sort();

describe("observeDevice on a reachable NVR", () => {
  it("asks only what the configured cameras need", async () => {
    const http = nvr();
    const obs = await observe(http);
    expect(obs.reach).toEqual({ status: "reachable" });
    expect(obs.deviceId).toBe("nvr1");
    // Once each
    for (const op of [
      "GetSystemDateAndTime",
      "GetServices",
      "GetDeviceInformation",
      "GetProfiles",
      "GetRecordings",
      "GetRecordingJobs",
      "CreatePullPointSubscription",
      "FindEvents",
      "Unsubscribe",
    ]) {
      expect(count(http, op), op).toBe(1);
    }
    // Only for the configured cameras' recordings and jobs (not channel 3's)
    expect(argsOf(http, "GetRecordingJobState", NS.trc, "JobToken")).toEqual(["Job_1", "Job_2"]);
    expect(argsOf(http, "GetRecordingInformation", NS.tse, "RecordingToken")).toEqual(["Rec_1", "Rec_2"]);
    expect(argsOf(http, "GetSchedules", NS.tsc, "Token")).toEqual(["Sched_A"]);
    // Not asked unless required / requested
    expect(count(http, "GetRules")).toBe(0);
    expect(count(http, "GetStreamUri")).toBe(0);
    expect(count(http, "GetSnapshotUri")).toBe(0);
    expect(http.opsSeen().at(-1) === "EndSearch" || http.opsSeen().includes("EndSearch")).toBe(true);
  });

  it("searches ONE FindEvents over all the recordings for the retention window on the device clock", async () => {
    const http = nvr();
    const obs = await observe(http);
    const find = http.seen.find((s) => s.op === "FindEvents")!.bodyElement;
    const deviceNow = Date.parse(childText(find, NS.tse, "EndPoint") ?? "");
    // The device clock (2 h ahead), not ours: within the few ms our fake clock advanced.
    expect(Math.abs(deviceNow - (NOW + DEVICE_AHEAD_MS))).toBeLessThan(5000);
    expect(Date.parse(childText(find, NS.tse, "StartPoint") ?? "")).toBe(deviceNow - 90 * 86_400_000);
    expect(
      childrenLoose(childLoose(find, NS.tse, "Scope"), NS.tt, "IncludedRecordings").map((e) => e.text),
    ).toEqual(["Rec_1", "Rec_2"]);
    expect(childText(childLoose(find, NS.tse, "SearchFilter"), NS.wsnt, "TopicExpression")).toBe(
      "tns1:RecordingHistory/Track/State|tns1:RecordingConfig/DeleteTrackData",
    );
    expect(childText(find, NS.tse, "IncludeStartState")).toBe("true");
    expect(Object.keys(obs.recordingHistory).sort()).toEqual(["Rec_1", "Rec_2"]);
    const h1 = obs.recordingHistory["Rec_1"];
    expect(h1?.status).toBe("ok");
    if (h1?.status === "ok") {
      expect(h1.value.trackStates).toEqual([
        { time: "2026-07-03T10:00:00.000Z", track: "VIDEO001", isDataPresent: true, startState: true },
      ]);
      expect(h1.value.from).toBe(new Date(deviceNow - 90 * 86_400_000).toISOString());
    }
    expect(obs.recordingHistory["Rec_2"]).toMatchObject({
      status: "ok",
      value: { trackStates: [], deletions: [] },
    });
  });

  it("fills every field from the answers", async () => {
    const obs = await observe(nvr());
    expect(obs.clock.status).toBe("ok");
    if (obs.clock.status === "ok") {
      expect(obs.clock.value.deviceUtc).toBe(new Date(NOW + DEVICE_AHEAD_MS).toISOString());
      expect(obs.clock.value.source).toBe("utc");
    }
    expect(obs.services).toMatchObject({
      status: "ok",
      value: {
        device: "http://198.51.100.4:8000/onvif/device_service",
        recording: "http://198.51.100.4:8000/onvif/recording",
      },
    });
    expect(obs.info).toMatchObject({ status: "ok", value: { model: "ENP1A14-IR/25X" } });
    expect(obs.profiles.status === "ok" && obs.profiles.value.map((p) => p.token)).toEqual([
      "Profile_1",
      "Profile_2",
      "Profile_3",
    ]);
    expect(
      obs.recordings.status === "ok" && obs.recordings.value.map((r) => r.maximumRetentionSeconds),
    ).toEqual([7776000, 7776000, 7776000]);
    expect(obs.recordingJobs.status === "ok" && obs.recordingJobs.value.length).toBe(3);
    expect(Object.keys(obs.jobStates).sort()).toEqual(["Job_1", "Job_2"]);
    expect(obs.jobStates["Job_2"]).toEqual({
      status: "ok",
      value: { recordingToken: "Rec_2", state: "Active", sources: [] },
    });
    expect(obs.schedules["Sched_A"]).toMatchObject({ status: "ok", value: { token: "Sched_A" } });
    expect(obs.recordingInfo["Rec_1"]).toMatchObject({
      status: "ok",
      value: { earliestRecording: "2026-06-01T00:00:00.000Z", status: "Recording" },
    });
    expect(obs.signalLoss).toEqual({
      status: "ok",
      value: { VideoSource_1: false, VideoSource_2: true, VideoSource_3: false },
    });
    expect(obs.analyticsRules).toEqual({});
    expect(Date.parse(obs.finishedAt)).toBeGreaterThan(Date.parse(obs.startedAt));
    expect(JSON.stringify(obs)).not.toContain(PASSWORD);
  });

  it("asks GetRules for the cameras' analytics configurations only when the policy requires motion detection", async () => {
    const http = nvr();
    const obs = await observe(http, { requireMotionDetection: true });
    expect(argsOf(http, "GetRules", NS.tan, "ConfigurationToken")).toEqual(["VA_1", "VA_2"]);
    expect(obs.analyticsRules["VA_1"]).toEqual({
      status: "ok",
      value: [{ name: "Motion_VA_1", type: "tt:CellMotionDetector", parameters: { ActiveCells: "zwA=" } }],
    });
  });

  it("adds stream and snapshot URIs of the cameras' profiles when asked", async () => {
    const http = nvr();
    const obs = await observe(http, { withStreamUris: true });
    expect(argsOf(http, "GetStreamUri", NS.trt, "ProfileToken")).toEqual(["Profile_1", "Profile_2"]);
    const profiles = obs.profiles.status === "ok" ? obs.profiles.value : [];
    expect(profiles.map((p) => [p.token, p.streamUri, p.snapshotUri])).toEqual([
      ["Profile_1", "rtsp://192.168.1.10/Profile_1?a=1&b=2", "http://192.168.1.10/snap/Profile_1.jpg"],
      ["Profile_2", "rtsp://192.168.1.10/Profile_2?a=1&b=2", "http://192.168.1.10/snap/Profile_2.jpg"],
      ["Profile_3", null, null],
    ]);
  });
});

describe("observeDevice on an NVR with many recordings", () => {
  const CHANNELS = [1, 2, 3, 4, 5, 6];
  const many = CHANNELS.map((n) => camera(`cam-${n}`, `Profile_${n}`));
  const searchResults = (tokens: readonly string[]): string =>
    envelope(
      `<tse:GetRecordingSearchResultsResponse><tse:ResultList><tt:SearchState>Completed</tt:SearchState>` +
        tokens
          .map((t) => `<tt:RecordingInformation>${recordingInformation(t)}</tt:RecordingInformation>`)
          .join("") +
        `</tse:ResultList></tse:GetRecordingSearchResultsResponse>`,
    );

  function bigNvr(overrides: Record<string, Route> = {}): FakeDeviceHttp {
    return nvr({
      GetProfiles: envelope(
        `<trt:GetProfilesResponse>${CHANNELS.map(profile).join("")}</trt:GetProfilesResponse>`,
      ),
      GetRecordings: envelope(
        `<trc:GetRecordingsResponse>${CHANNELS.map(recording).join("")}</trc:GetRecordingsResponse>`,
      ),
      GetRecordingJobs: envelope(
        `<trc:GetRecordingJobsResponse>${CHANNELS.map((n) => job(n)).join("")}</trc:GetRecordingJobsResponse>`,
      ),
      FindRecordings: envelope(
        `<tse:FindRecordingsResponse><tse:SearchToken>RS</tse:SearchToken></tse:FindRecordingsResponse>`,
      ),
      // A device may ignore the scope: recordings we did not ask about are not ours to report.
      GetRecordingSearchResults: searchResults(["Rec_9", ...CHANNELS.map((n) => `Rec_${n}`)]),
      ...overrides,
    });
  }

  async function observeMany(http: FakeDeviceHttp): Promise<DeviceObservation> {
    let t = NOW;
    const now = (): number => (t += 10);
    const session = createOnvifSession({
      device: testDevice({ onvif: `${BASE}/device_service` }),
      http,
      now,
    });
    return observeDevice({ session, cameras: many, policy: POLICY, now });
  }

  const tokens = CHANNELS.map((n) => `Rec_${n}`);

  it("reads every recording's information from ONE search, and ends it", async () => {
    const http = bigNvr();
    const obs = await observeMany(http);
    expect(count(http, "GetRecordingInformation")).toBe(0);
    expect(count(http, "FindRecordings")).toBe(1);
    const find = http.seen.find((s) => s.op === "FindRecordings")!.bodyElement;
    expect(
      childrenLoose(childLoose(find, NS.tse, "Scope"), NS.tt, "IncludedRecordings").map((e) => e.text),
    ).toEqual(tokens);
    const ended = http.seen
      .filter((s) => s.op === "EndSearch")
      .map((s) => childText(s.bodyElement, NS.tse, "SearchToken"));
    expect(ended).toContain("RS");
    expect(Object.keys(obs.recordingInfo)).toEqual(tokens);
    expect(obs.recordingInfo["Rec_4"]).toMatchObject({
      status: "ok",
      value: {
        recordingToken: "Rec_4",
        tracks: [{ token: "VIDEO001", dataFrom: "2026-06-04T00:00:00.000Z" }],
      },
    });
  });

  it("observes exactly what asking each recording would have", async () => {
    const searched = await observeMany(bigNvr());
    const oneByOne = await observeMany(
      bigNvr({ FindRecordings: response(fixture("axis/Fault_ActionNotSupported.xml"), 500) }),
    );
    expect(searched.recordingInfo).toEqual(oneByOne.recordingInfo);
  });

  it("asks GetRecordingInformation for the recordings the search left out", async () => {
    const http = bigNvr({
      GetRecordingSearchResults: searchResults(["Rec_1", "Rec_2", "Rec_4", "Rec_5", "Rec_6"]),
    });
    const obs = await observeMany(http);
    expect(argsOf(http, "GetRecordingInformation", NS.tse, "RecordingToken")).toEqual(["Rec_3"]);
    expect(obs.recordingInfo["Rec_3"]).toMatchObject({ status: "ok", value: { recordingToken: "Rec_3" } });
    expect(Object.keys(obs.recordingInfo)).toEqual(tokens);
  });

  it("asks each recording when the device cannot search, with each answer's own outcome", async () => {
    const http = bigNvr({
      FindRecordings: response(fixture("axis/Fault_ActionNotSupported.xml"), 500),
      GetRecordingInformation: (s) => {
        const t = childText(s.bodyElement, NS.tse, "RecordingToken") ?? "";
        return t === "Rec_2"
          ? response(fixture("hikvision-onvif/Fault_InvalidParameter.xml"), 400)
          : envelope(
              `<tse:GetRecordingInformationResponse><tse:RecordingInformation>${recordingInformation(t)}</tse:RecordingInformation></tse:GetRecordingInformationResponse>`,
            );
      },
    });
    const obs = await observeMany(http);
    expect(argsOf(http, "GetRecordingInformation", NS.tse, "RecordingToken")).toEqual(tokens);
    expect(obs.recordingInfo["Rec_2"]).toMatchObject({ status: "failed", error: { kind: "bad_argument" } });
    expect(obs.recordingInfo["Rec_6"]).toMatchObject({ status: "ok" });
  });

  it("falls back to asking each recording when the search never completes", async () => {
    const http = bigNvr({
      GetRecordingSearchResults: envelope(
        `<tse:GetRecordingSearchResultsResponse><tse:ResultList><tt:SearchState>Searching</tt:SearchState></tse:ResultList></tse:GetRecordingSearchResultsResponse>`,
      ),
    });
    const obs = await observeMany(http);
    expect(count(http, "GetRecordingSearchResults")).toBe(10);
    expect(
      http.seen.some((s) => s.op === "EndSearch" && childText(s.bodyElement, NS.tse, "SearchToken") === "RS"),
    ).toBe(true);
    expect(argsOf(http, "GetRecordingInformation", NS.tse, "RecordingToken")).toEqual(tokens);
    expect(Object.values(obs.recordingInfo).every((p) => p.status === "ok")).toBe(true);
  });
});

describe("observeDevice when things go wrong", () => {
  it("is unreachable (timeout) when the clock cannot be read, and asks nothing else", async () => {
    const http = nvr({ GetSystemDateAndTime: netError("timeout", "no answer within 5000 ms") });
    const obs = await observe(http);
    expect(obs.reach).toMatchObject({ status: "unreachable", error: { kind: "timeout" } });
    expect(obs.clock.status).toBe("failed");
    expect(obs.profiles).toEqual(obs.recordings);
    expect(obs.recordings).toMatchObject({ status: "failed", error: { kind: "timeout" } });
    expect(http.opsSeen()).toEqual(["GetSystemDateAndTime"]);
  });

  it("is unreachable with kind auth when the login fails", async () => {
    const na = response(faultXml("s:Sender", ["ter:NotAuthorized"], "Sender not Authorized"), 400);
    const http = nvr({
      GetDeviceInformation: na,
      GetProfiles: na,
      GetRecordings: na,
      GetRecordingJobs: na,
      CreatePullPointSubscription: na,
    });
    const obs = await observe(http);
    expect(obs.reach).toMatchObject({
      status: "unreachable",
      error: { kind: "auth", faultCode: "ter:NotAuthorized" },
    });
    expect(obs.clock.status).toBe("ok");
    expect(obs.services.status).toBe("ok");
    expect(JSON.stringify(obs)).not.toContain(PASSWORD);
  });

  it("is unreachable when GetServices and GetCapabilities both fail", async () => {
    const http = nvr({
      GetServices: response("<html/>", 500),
      GetCapabilities: netError("network", "reset"),
    });
    const obs = await observe(http);
    expect(obs.reach).toMatchObject({ status: "unreachable", error: { kind: "http" } });
    expect(obs.services.status).toBe("failed");
  });

  it("keeps the clock it read when the services calls fault, and names every call that failed", async () => {
    const fault = response(faultXml("s:Receiver", ["ter:Action"], "internal error"), 500);
    const http = nvr({ GetServices: fault, GetCapabilities: fault });
    const obs = await observe(http);
    expect(obs.clock).toMatchObject({ status: "ok", value: { source: "utc" } });
    expect(obs.clock.status === "ok" && obs.clock.value.deviceUtc).toBeTruthy();
    expect(obs.reach).toMatchObject({ status: "unreachable", error: { kind: "fault" } });
    const message = obs.reach.status === "unreachable" ? obs.reach.error.message : "";
    expect(message).toMatch(
      /^GetCapabilities at .*internal error; before it, GetServices at .*internal error/,
    );
    expect(obs.services).toMatchObject({ status: "failed", error: { message } });
  });

  it("refuses a 581 KB answer of nested namespace declarations as an invalid answer, keeping the clock", async () => {
    const bomb = response(namespaceBombAnswer());
    const http = nvr({ GetServices: bomb, GetCapabilities: bomb });
    const obs = await observe(http);
    expect(obs.clock.status).toBe("ok");
    expect(obs.reach).toMatchObject({ status: "unreachable", error: { kind: "malformed" } });
    const message = obs.reach.status === "unreachable" ? obs.reach.error.message : "";
    expect(message).toMatch(
      /GetCapabilities at .*more than 16384 namespace declarations; before it, GetServices/,
    );
  });

  it("keeps what other calls read when the login is refused", async () => {
    const http = nvr({
      GetDeviceInformation: response(
        faultXml("s:Sender", ["ter:NotAuthorized"], "Sender not Authorized"),
        400,
      ),
    });
    const obs = await observe(http);
    expect(obs.reach).toMatchObject({ status: "unreachable", error: { kind: "auth" } });
    expect(obs.profiles.status).toBe("ok");
    expect(obs.recordings.status).toBe("ok");
  });

  it("reports what a plain camera lacks as unsupported, never ok", async () => {
    const http = nvr({}, { [NS.trt]: `${BASE}/media` });
    const obs = await observe(http);
    expect(obs.reach.status).toBe("reachable");
    expect(obs.recordings.status).toBe("unsupported");
    expect(obs.recordingJobs.status).toBe("unsupported");
    expect(obs.signalLoss.status).toBe("unsupported");
    // cam-2 names its recording: asking about it yields unsupported, not a made-up answer.
    expect(obs.recordingInfo["Rec_2"]?.status).toBe("unsupported");
    expect(obs.recordingHistory["Rec_2"]?.status).toBe("unsupported");
    expect(Object.keys(obs.recordingInfo)).toEqual(["Rec_2"]);
    for (const op of [
      "GetRecordings",
      "GetRecordingJobs",
      "CreatePullPointSubscription",
      "GetRecordingInformation",
      "FindEvents",
    ]) {
      expect(http.opsSeen()).not.toContain(op);
    }
  });

  it("treats an ActionNotSupported answer as unsupported and other failures as failed", async () => {
    const http = nvr({
      GetRecordingJobs: response(fixture("axis/Fault_ActionNotSupported.xml"), 500),
      GetRecordingInformation: response(fixture("hikvision-onvif/Fault_InvalidParameter.xml"), 400),
    });
    const obs = await observe(http);
    expect(obs.recordingJobs.status).toBe("unsupported");
    expect(obs.recordingInfo["Rec_2"]).toMatchObject({
      status: "failed",
      error: { kind: "bad_argument", faultCode: "ter:InvalidArgVal" },
    });
    // Without jobs, cam-1's recording is still found through the recording's SourceId.
    expect(Object.keys(obs.recordingInfo).sort()).toEqual(["Rec_1", "Rec_2"]);
    expect(obs.jobStates).toEqual({});
  });

  it("fails the history of every recording when the event search fails, and still ends it", async () => {
    const http = nvr({ GetEventSearchResults: netError("timeout", "slow") });
    const obs = await observe(http);
    expect(obs.recordingHistory["Rec_1"]).toMatchObject({ status: "failed", error: { kind: "timeout" } });
    expect(obs.recordingHistory["Rec_2"]).toMatchObject({ status: "failed", error: { kind: "timeout" } });
    expect(http.opsSeen()).toContain("EndSearch");
  });

  it("does not call 'no SignalLoss messages' an all-clear", async () => {
    const obs = await observe(nvr({ PullMessages: pullResponse() }));
    expect(obs.signalLoss.status).toBe("unsupported");
  });

  it("never throws, whatever the device answers", async () => {
    const junk = response("<html>hello</html>", 200);
    const http = nvr({
      GetDeviceInformation: junk,
      GetProfiles: junk,
      GetRecordings: response("not even xml", 200),
      GetRecordingJobs: response(`<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>`, 200),
      CreatePullPointSubscription: junk,
    });
    const obs = await observe(http);
    expect(obs.reach.status).toBe("reachable");
    expect(obs.info).toMatchObject({ status: "failed", error: { kind: "malformed" } });
    expect(obs.recordings).toMatchObject({ status: "failed", error: { kind: "malformed" } });
    expect(obs.recordingJobs).toMatchObject({ status: "failed", error: { kind: "malformed" } });
    expect(obs.signalLoss.status).toBe("failed");
  });
});

describe("describeDevice", () => {
  it("lists services, info, every profile with its URIs, recordings and jobs", async () => {
    const http = nvr();
    const session = createOnvifSession({ device: testDevice(), http, now: () => NOW });
    const d = await describeDevice(session);
    expect(d.servicesSource).toBe("GetServices");
    expect(d.info.status).toBe("ok");
    expect(d.profiles.status === "ok" && d.profiles.value.map((p) => p.streamUri)).toEqual([
      "rtsp://192.168.1.10/Profile_1?a=1&b=2",
      "rtsp://192.168.1.10/Profile_2?a=1&b=2",
      "rtsp://192.168.1.10/Profile_3?a=1&b=2",
    ]);
    expect(d.recordings.status === "ok" && d.recordings.value.length).toBe(3);
    expect(d.recordingJobs.status === "ok" && d.recordingJobs.value.length).toBe(3);
    expect(count(http, "FindEvents")).toBe(0);
  });
});
