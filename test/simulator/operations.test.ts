import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateOnvif } from "../helpers/validateOnvif.ts";
import { parseScenario } from "../../src/simulator/scenario.ts";
import { startSimulator, type RunningSimulator } from "../../src/simulator/server.ts";
import { TestDevice, pick, pickAll, type HttpAnswer } from "./soapClient.ts";

/**
 * Drives every operation in normal and scenario states with hand-built requests, then
 * validates every answer (faults included) against the official schemas in one batch.
 */
const START = Date.parse("2026-03-02T03:00:00Z");
const DRIFT_S = 90;
const DAY = 86_400_000;
let t = START;
const now = (): number => t;

const scenario = parseScenario(
  {
    name: "operations",
    devices: [
      {
        id: "nvr",
        streamsPerChannel: 3,
        clockDriftSeconds: DRIFT_S,
        timezone: "CST-8",
        advertisedHost: "nvr.example.test",
        schedules: [{ token: "Night", name: "Night", standard: "BEGIN:VCALENDAR\r\nEND:VCALENDAR" }],
        channels: {
          count: 6,
          defaults: { scheduleToken: "Schedule_24x7" },
          overrides: {
            2: { online: false },
            3: {
              eventOnly: true,
              scheduleToken: "Schedule_Weekdays",
              gaps: [{ startAgeHours: 50, endAgeHours: 48 }],
              deletions: [{ ageDays: 10, dataStartAgeDays: 100, dataEndAgeDays: 95 }],
              maximumRetention: "P30D",
              motionRules: "noActiveCells",
            },
            4: {
              encoding: "H265",
              videoTrackError: "Incompatible Stream",
              motionRules: "off",
              tamperRule: false,
            },
            5: { stalledSinceSeconds: 3600, earliestDataAgeDays: "1970" },
            6: { jobMode: "Idle", signalLoss: true },
          },
        },
      },
      {
        id: "cam",
        profileG: false,
        analytics: false,
        events: false,
        media2: false,
        streamsPerChannel: 2,
        channels: { count: 1 },
      },
    ],
  },
  "operations.test",
);

let sim: RunningSimulator;
let nvr: TestDevice;
let cam: TestDevice;
const collected: { name: string; xml: string }[] = [];

const iso = (ms: number): string =>
  new Date(Math.floor(ms / 1000) * 1000).toISOString().replace(".000Z", "Z");
const deviceIso = (simMs: number): string => iso(simMs + DRIFT_S * 1000);

async function ok(name: string, d: TestDevice, path: string, body: string): Promise<string> {
  const r = await d.call(path, body);
  collected.push({ name, xml: r.body });
  expect(r.status, `${name}: ${r.body}`).toBe(200);
  expect(r.headers["content-type"]).toMatch(/^application\/soap\+xml/);
  return r.body;
}

async function faultOf(
  name: string,
  d: TestDevice,
  path: string,
  body: string,
  status: number,
): Promise<HttpAnswer> {
  const r = await d.call(path, body);
  collected.push({ name, xml: r.body });
  expect(r.status, `${name}: ${r.body}`).toBe(status);
  expect(r.body).toContain("<s:Fault>");
  return r;
}

const subcodes = (xml: string): string[] => pickAll(xml, "Value");

beforeAll(async () => {
  sim = await startSimulator(scenario, { now });
  const port = (id: string): number => sim.devices.find((d) => d.id === id)?.port ?? 0;
  nvr = new TestDevice(`http://127.0.0.1:${port("nvr")}`, "admin", "admin123");
  cam = new TestDevice(`http://127.0.0.1:${port("cam")}`, "admin", "admin123");
  await nvr.syncClock();
  await cam.syncClock();
});

afterAll(async () => {
  await sim.stop();
});

describe("device service", () => {
  it("GetSystemDateAndTime gives the drifted UTC clock and local time from the POSIX TZ", async () => {
    const xml = await ok("GetSystemDateAndTime", nvr, "/onvif/device_service", "<tds:GetSystemDateAndTime/>");
    const utc = /<tt:UTCDateTime>([\s\S]*?)<\/tt:UTCDateTime>/.exec(xml)?.[1] ?? "";
    const local = /<tt:LocalDateTime>([\s\S]*?)<\/tt:LocalDateTime>/.exec(xml)?.[1] ?? "";
    expect(pick(utc, "Hour")).toBe("3");
    expect(pick(utc, "Minute")).toBe("1");
    expect(pick(utc, "Second")).toBe("30");
    expect(pick(local, "Hour")).toBe("11");
    expect(pick(xml, "TZ")).toBe("CST-8");
  });

  it("GetServices lists Profile G services with advertised XAddrs, and none on a camera without them", async () => {
    const xml = await ok(
      "GetServices caps",
      nvr,
      "/onvif/device_service",
      "<tds:GetServices><tds:IncludeCapability>true</tds:IncludeCapability></tds:GetServices>",
    );
    const namespaces = pickAll(xml, "Namespace");
    expect(namespaces).toContain("http://www.onvif.org/ver10/recording/wsdl");
    expect(namespaces).toContain("http://www.onvif.org/ver10/search/wsdl");
    expect(namespaces).toContain("http://www.onvif.org/ver10/schedule/wsdl");
    expect(pickAll(xml, "XAddr").every((x) => x.startsWith(`http://nvr.example.test:`))).toBe(true);
    expect(xml).toContain("<trc:Capabilities");
    const plain = await ok(
      "GetServices no caps",
      cam,
      "/onvif/device_service",
      "<tds:GetServices><tds:IncludeCapability>false</tds:IncludeCapability></tds:GetServices>",
    );
    expect(plain).not.toContain("Capabilities");
    const camNs = pickAll(plain, "Namespace");
    expect(camNs).not.toContain("http://www.onvif.org/ver10/recording/wsdl");
    expect(camNs).not.toContain("http://www.onvif.org/ver10/search/wsdl");
    expect(camNs).not.toContain("http://www.onvif.org/ver20/analytics/wsdl");
  });

  it("GetCapabilities puts Recording/Search under Extension, and faults for a missing service", async () => {
    const xml = await ok(
      "GetCapabilities All",
      nvr,
      "/onvif/device_service",
      "<tds:GetCapabilities><tds:Category>All</tds:Category></tds:GetCapabilities>",
    );
    expect(xml).toMatch(/<tt:Extension>.*<tt:Recording>.*<tt:Search>/);
    const media = await ok(
      "GetCapabilities Media",
      cam,
      "/onvif/device_service",
      "<tds:GetCapabilities><tds:Category>Media</tds:Category></tds:GetCapabilities>",
    );
    expect(media).toContain("<tt:Media>");
    expect(media).not.toContain("<tt:Device>");
    const r = await faultOf(
      "GetCapabilities Analytics on cam",
      cam,
      "/onvif/device_service",
      "<tds:GetCapabilities><tds:Category>Analytics</tds:Category></tds:GetCapabilities>",
      500,
    );
    expect(subcodes(r.body)).toContain("ter:ActionNotSupported");
  });

  it("answers GetDeviceInformation, GetServiceCapabilities and GetScopes", async () => {
    const info = await ok(
      "GetDeviceInformation",
      nvr,
      "/onvif/device_service",
      "<tds:GetDeviceInformation/>",
    );
    expect(pick(info, "Manufacturer")).toBe("Simulated");
    await ok("tds GetServiceCapabilities", nvr, "/onvif/device_service", "<tds:GetServiceCapabilities/>");
    const scopes = await ok("GetScopes", nvr, "/onvif/device_service", "<tds:GetScopes/>");
    expect(scopes).toContain("onvif://www.onvif.org/Profile/G");
  });

  it("answers an unknown operation with ter:ActionNotSupported (Receiver, HTTP 500)", async () => {
    const r = await faultOf(
      "unknown operation",
      nvr,
      "/onvif/device_service",
      "<tds:GetStorageConfigurations/>",
      500,
    );
    expect(subcodes(r.body)).toEqual(["s:Receiver", "ter:ActionNotSupported"]);
    const wrongPath = await faultOf(
      "operation on the wrong service",
      nvr,
      "/onvif/media",
      "<trc:GetRecordings/>",
      500,
    );
    expect(subcodes(wrongPath.body)).toContain("ter:ActionNotSupported");
  });
});

describe("media services", () => {
  it("GetProfiles leaves out the offline channel and H.265 encoders in Media1", async () => {
    const xml = await ok("trt GetProfiles", nvr, "/onvif/media", "<trt:GetProfiles/>");
    const tokens = [...xml.matchAll(/<trt:Profiles token="([^"]+)"/g)].map((m) => m[1]);
    expect(tokens).toHaveLength(15);
    expect(tokens.slice(0, 3)).toEqual(["ProfileToken_1", "ProfileToken_1_sub", "ProfileToken_1_third"]);
    expect(tokens.some((x) => x?.startsWith("ProfileToken_2"))).toBe(false);
    const ch4 = /<trt:Profiles token="ProfileToken_4" [\s\S]*?<\/trt:Profiles>/.exec(xml)?.[0] ?? "";
    expect(ch4).toContain("<tt:SourceToken>VideoSource_4</tt:SourceToken>");
    expect(ch4).not.toContain("VideoEncoderConfiguration");
    expect(xml).toContain('<tt:VideoAnalyticsConfiguration token="VideoAnalytics_1">');
    const one = await ok(
      "trt GetProfile",
      nvr,
      "/onvif/media",
      "<trt:GetProfile><trt:ProfileToken>ProfileToken_1_sub</trt:ProfileToken></trt:GetProfile>",
    );
    expect(one).toContain('<trt:Profile token="ProfileToken_1_sub"');
  });

  it("GetStreamUri and GetSnapshotUri follow the channel/stream numbering; an offline profile is ter:NoProfile", async () => {
    const req = (token: string): string =>
      `<trt:GetStreamUri><trt:StreamSetup><tt:Stream>RTP-Unicast</tt:Stream><tt:Transport><tt:Protocol>RTSP</tt:Protocol></tt:Transport></trt:StreamSetup><trt:ProfileToken>${token}</trt:ProfileToken></trt:GetStreamUri>`;
    const main = await ok("trt GetStreamUri", nvr, "/onvif/media", req("ProfileToken_1"));
    const rtsp = sim.devices.find((d) => d.id === "nvr")?.rtspPort ?? 0;
    expect(rtsp).toBeGreaterThan(0);
    expect(pick(main, "Uri")).toBe(`rtsp://nvr.example.test:${rtsp}/Streaming/Channels/101`);
    const sub = await ok("trt GetStreamUri sub", nvr, "/onvif/media", req("ProfileToken_3_sub"));
    expect(pick(sub, "Uri")).toBe(`rtsp://nvr.example.test:${rtsp}/Streaming/Channels/302`);
    const off = await faultOf("trt GetStreamUri offline", nvr, "/onvif/media", req("ProfileToken_2"), 400);
    expect(subcodes(off.body)).toEqual(["s:Sender", "ter:InvalidArgVal", "ter:NoProfile"]);
    const snap = await ok(
      "trt GetSnapshotUri",
      nvr,
      "/onvif/media",
      "<trt:GetSnapshotUri><trt:ProfileToken>ProfileToken_1</trt:ProfileToken></trt:GetSnapshotUri>",
    );
    expect(pick(snap, "Uri")).toMatch(/^http:\/\/nvr\.example\.test:\d+\/onvif\/snapshot\/101$/);
  });

  it("lists only online video sources, in Media1 and DeviceIO", async () => {
    const vs = await ok("trt GetVideoSources", nvr, "/onvif/media", "<trt:GetVideoSources/>");
    const tokens = [...vs.matchAll(/<trt:VideoSources token="([^"]+)"/g)].map((m) => m[1]);
    expect(tokens).toEqual([
      "VideoSource_1",
      "VideoSource_3",
      "VideoSource_4",
      "VideoSource_5",
      "VideoSource_6",
    ]);
    const io = await ok("tmd GetVideoSources", nvr, "/onvif/deviceio", "<tmd:GetVideoSources/>");
    expect(pickAll(io, "Token")).toEqual(tokens);
    await ok("tmd GetServiceCapabilities", nvr, "/onvif/deviceio", "<tmd:GetServiceCapabilities/>");
    await ok("trt GetVideoSourceConfigurations", nvr, "/onvif/media", "<trt:GetVideoSourceConfigurations/>");
    await ok(
      "trt GetVideoAnalyticsConfigurations",
      nvr,
      "/onvif/media",
      "<trt:GetVideoAnalyticsConfigurations/>",
    );
    await ok("trt GetServiceCapabilities", nvr, "/onvif/media", "<trt:GetServiceCapabilities/>");
  });

  it("Media2 gives configurations by type, H.265 included, and is absent on the camera", async () => {
    const all = await ok(
      "tr2 GetProfiles All",
      nvr,
      "/onvif/media2",
      "<tr2:GetProfiles><tr2:Type>All</tr2:Type></tr2:GetProfiles>",
    );
    expect(all).toContain("<tt:Encoding>H265</tt:Encoding>");
    expect(all).toContain("<tr2:Analytics ");
    const names = await ok("tr2 GetProfiles names", nvr, "/onvif/media2", "<tr2:GetProfiles/>");
    expect(names).not.toContain("<tr2:VideoEncoder");
    const one = await ok(
      "tr2 GetProfiles token",
      nvr,
      "/onvif/media2",
      "<tr2:GetProfiles><tr2:Token>ProfileToken_3_third</tr2:Token><tr2:Type>VideoEncoder</tr2:Type></tr2:GetProfiles>",
    );
    expect(one).toContain("<tt:Width>1280</tt:Width>");
    const uri = await ok(
      "tr2 GetStreamUri",
      nvr,
      "/onvif/media2",
      "<tr2:GetStreamUri><tr2:Protocol>RtspUnicast</tr2:Protocol><tr2:ProfileToken>ProfileToken_4</tr2:ProfileToken></tr2:GetStreamUri>",
    );
    const rtsp = sim.devices.find((d) => d.id === "nvr")?.rtspPort ?? 0;
    expect(pick(uri, "Uri")).toBe(`rtsp://nvr.example.test:${rtsp}/Streaming/Channels/401`);
    await ok(
      "tr2 GetSnapshotUri",
      nvr,
      "/onvif/media2",
      "<tr2:GetSnapshotUri><tr2:ProfileToken>ProfileToken_1</tr2:ProfileToken></tr2:GetSnapshotUri>",
    );
    await ok("tr2 GetServiceCapabilities", nvr, "/onvif/media2", "<tr2:GetServiceCapabilities/>");
    const absent = await faultOf("tr2 on cam", cam, "/onvif/media2", "<tr2:GetProfiles/>", 500);
    expect(subcodes(absent.body)).toContain("ter:ActionNotSupported");
  });
});

describe("recording service", () => {
  it("GetRecordings lists every recording with its retention and three tracks", async () => {
    const xml = await ok("trc GetRecordings", nvr, "/onvif/recording", "<trc:GetRecordings/>");
    expect(pickAll(xml, "RecordingToken")).toEqual([1, 2, 3, 4, 5, 6].map((n) => `RecordingToken_${n}`));
    expect(pickAll(xml, "MaximumRetentionTime")[2]).toBe("P30D");
    expect(pickAll(xml, "TrackToken").slice(0, 3)).toEqual(["VIDEO001", "AUDIO001", "META001"]);
    const one = await ok(
      "trc GetRecordingConfiguration",
      nvr,
      "/onvif/recording",
      "<trc:GetRecordingConfiguration><trc:RecordingToken>RecordingToken_3</trc:RecordingToken></trc:GetRecordingConfiguration>",
    );
    expect(pick(one, "MaximumRetentionTime")).toBe("P30D");
    const bad = await faultOf(
      "trc GetRecordingConfiguration unknown",
      nvr,
      "/onvif/recording",
      "<trc:GetRecordingConfiguration><trc:RecordingToken>nope</trc:RecordingToken></trc:GetRecordingConfiguration>",
      400,
    );
    expect(subcodes(bad.body)).toEqual(["s:Sender", "ter:InvalidArgVal", "ter:NoRecording"]);
  });

  it("GetRecordingJobs shows schedule tokens, event filters and modes", async () => {
    const xml = await ok("trc GetRecordingJobs", nvr, "/onvif/recording", "<trc:GetRecordingJobs/>");
    const job = (n: number): string =>
      new RegExp(`<tt:JobToken>RecordingJob_${n}</tt:JobToken>[\\s\\S]*?</trc:JobItem>`).exec(xml)?.[0] ?? "";
    expect(job(1)).toContain('ScheduleToken="Schedule_24x7"');
    expect(job(1)).toContain("<tt:Token>ProfileToken_1</tt:Token>");
    expect(job(1)).not.toContain("EventFilter");
    expect(job(3)).toContain('ScheduleToken="Schedule_Weekdays"');
    expect(job(3)).toContain("<tt:EventFilter>");
    expect(job(6)).toContain("<tt:Mode>Idle</tt:Mode>");
    const one = await ok(
      "trc GetRecordingJobConfiguration",
      nvr,
      "/onvif/recording",
      "<trc:GetRecordingJobConfiguration><trc:JobToken>RecordingJob_3</trc:JobToken></trc:GetRecordingJobConfiguration>",
    );
    expect(one).toContain("<tt:EventFilter>");
    await ok("trc GetServiceCapabilities", nvr, "/onvif/recording", "<trc:GetServiceCapabilities/>");
  });

  it("GetRecordingJobState reports the real state per track", async () => {
    const state = async (n: number): Promise<string> =>
      ok(
        `trc GetRecordingJobState ${n}`,
        nvr,
        "/onvif/recording",
        `<trc:GetRecordingJobState><trc:JobToken>RecordingJob_${n}</trc:JobToken></trc:GetRecordingJobState>`,
      );
    expect(pick(await state(1), "State")).toBe("Active");
    const offline = await state(2);
    expect(pick(offline, "State")).toBe("Error");
    const partial = await state(4);
    expect(pick(partial, "State")).toBe("PartiallyActive");
    expect(partial).toMatch(
      /<tt:Destination>VIDEO001<\/tt:Destination><tt:Error>Incompatible Stream<\/tt:Error><tt:State>Error<\/tt:State>/,
    );
    expect(pick(await state(6), "State")).toBe("Idle");
    const bad = await faultOf(
      "trc GetRecordingJobState unknown",
      nvr,
      "/onvif/recording",
      "<trc:GetRecordingJobState><trc:JobToken>RecordingJob_9</trc:JobToken></trc:GetRecordingJobState>",
      400,
    );
    expect(subcodes(bad.body)).toContain("ter:NoRecordingJob");
  });

  it("without Profile G the recording and search services answer ter:ActionNotSupported", async () => {
    const r = await faultOf("trc on cam", cam, "/onvif/recording", "<trc:GetRecordings/>", 500);
    expect(subcodes(r.body)).toEqual(["s:Receiver", "ter:ActionNotSupported"]);
    await faultOf("tse on cam", cam, "/onvif/search", "<tse:GetRecordingSummary/>", 500);
  });
});

describe("search service", () => {
  it("GetRecordingSummary shows the 1970 placeholder when one recording has it", async () => {
    const xml = await ok("tse GetRecordingSummary", nvr, "/onvif/search", "<tse:GetRecordingSummary/>");
    expect(pick(xml, "DataFrom")).toBe("1970-01-01T00:00:00Z");
    expect(pick(xml, "DataUntil")).toBe(deviceIso(START));
    expect(pick(xml, "NumberRecordings")).toBe("6");
  });

  it("GetRecordingInformation gives per-track data range, stalled and placeholder data included", async () => {
    const info = async (n: number): Promise<string> =>
      ok(
        `tse GetRecordingInformation ${n}`,
        nvr,
        "/onvif/search",
        `<tse:GetRecordingInformation><tse:RecordingToken>RecordingToken_${n}</tse:RecordingToken></tse:GetRecordingInformation>`,
      );
    const one = await info(1);
    expect(pick(one, "DataFrom")).toBe(deviceIso(START - 120 * DAY));
    expect(pick(one, "DataTo")).toBe(deviceIso(START));
    expect(pick(one, "RecordingStatus")).toBe("Recording");
    const stalled = await info(5);
    expect(pick(stalled, "DataFrom")).toBe("1970-01-01T00:00:00Z");
    expect(pick(stalled, "DataTo")).toBe(deviceIso(START - 3600_000));
    expect(pick(stalled, "RecordingStatus")).toBe("Recording");
    const idle = await info(6);
    expect(pick(idle, "RecordingStatus")).toBe("Stopped");
    const bad = await faultOf(
      "tse GetRecordingInformation unknown",
      nvr,
      "/onvif/search",
      "<tse:GetRecordingInformation><tse:RecordingToken>x</tse:RecordingToken></tse:GetRecordingInformation>",
      400,
    );
    expect(subcodes(bad.body)).toContain("ter:NoRecording");
  });

  it("FindRecordings pages by MaxResults: Searching, then Completed; EndSearch ends the token", async () => {
    const find = await ok(
      "tse FindRecordings",
      nvr,
      "/onvif/search",
      "<tse:FindRecordings><tse:Scope/><tse:KeepAliveTime>PT10S</tse:KeepAliveTime></tse:FindRecordings>",
    );
    const token = pick(find, "SearchToken") ?? "";
    const results = (max: number): Promise<string> =>
      ok(
        "tse GetRecordingSearchResults",
        nvr,
        "/onvif/search",
        `<tse:GetRecordingSearchResults><tse:SearchToken>${token}</tse:SearchToken><tse:MaxResults>${max}</tse:MaxResults><tse:WaitTime>PT1S</tse:WaitTime></tse:GetRecordingSearchResults>`,
      );
    const first = await results(4);
    expect(pick(first, "SearchState")).toBe("Searching");
    expect(first.match(/<tt:RecordingInformation>/g)).toHaveLength(4);
    const second = await results(4);
    expect(pick(second, "SearchState")).toBe("Completed");
    expect(second.match(/<tt:RecordingInformation>/g)).toHaveLength(2);
    const state = await ok(
      "tse GetSearchState",
      nvr,
      "/onvif/search",
      `<tse:GetSearchState><tse:SearchToken>${token}</tse:SearchToken></tse:GetSearchState>`,
    );
    expect(pick(state, "State")).toBe("Completed");
    await ok(
      "tse EndSearch",
      nvr,
      "/onvif/search",
      `<tse:EndSearch><tse:SearchToken>${token}</tse:SearchToken></tse:EndSearch>`,
    );
    const gone = await faultOf(
      "tse GetRecordingSearchResults ended",
      nvr,
      "/onvif/search",
      `<tse:GetRecordingSearchResults><tse:SearchToken>${token}</tse:SearchToken></tse:GetRecordingSearchResults>`,
      400,
    );
    expect(subcodes(gone.body)).toEqual(["s:Sender", "ter:InvalidArgVal", "ter:InvalidToken"]);
  });

  it("FindEvents reports start state, gaps and deletions, paged, and the token expires after KeepAliveTime", async () => {
    const start = deviceIso(START - 110 * DAY);
    const find = await ok(
      "tse FindEvents",
      nvr,
      "/onvif/search",
      `<tse:FindEvents><tse:StartPoint>${start}</tse:StartPoint><tse:EndPoint>${deviceIso(START)}</tse:EndPoint>` +
        `<tse:Scope><tt:IncludedRecordings>RecordingToken_3</tt:IncludedRecordings></tse:Scope>` +
        `<tse:SearchFilter><wsnt:TopicExpression Dialect="http://www.onvif.org/ver10/tev/topicExpression/ConcreteSet">tns1:RecordingHistory/Track/State|tns1:RecordingConfig/DeleteTrackData</wsnt:TopicExpression></tse:SearchFilter>` +
        `<tse:IncludeStartState>true</tse:IncludeStartState><tse:KeepAliveTime>PT10S</tse:KeepAliveTime></tse:FindEvents>`,
    );
    const token = pick(find, "SearchToken") ?? "";
    const page = (): Promise<string> =>
      ok(
        "tse GetEventSearchResults",
        nvr,
        "/onvif/search",
        `<tse:GetEventSearchResults><tse:SearchToken>${token}</tse:SearchToken><tse:MaxResults>3</tse:MaxResults></tse:GetEventSearchResults>`,
      );
    const pages: string[] = [];
    for (let i = 0; i < 10; i++) {
      const p = await page();
      pages.push(p);
      if (pick(p, "SearchState") === "Completed") break;
    }
    expect(pages.slice(0, -1).every((p) => pick(p, "SearchState") === "Searching")).toBe(true);
    const all = pages.join("");
    // 2 start-state events (video, audio), 1 deletion, gap start and end for 2 tracks.
    expect(all.match(/<tt:Result>/g)).toHaveLength(7);
    expect(all).toMatch(
      new RegExp(
        `<tt:Time>${start}</tt:Time>.*?PropertyOperation="Initialized".*?IsDataPresent" Value="true".*?<tt:StartStateEvent>true`,
      ),
    );
    expect(all).toContain(`<tt:Time>${deviceIso(START - 10 * DAY)}</tt:Time>`);
    expect(all).toContain(`<tt:SimpleItem Name="StartTime" Value="${deviceIso(START - 100 * DAY)}"/>`);
    expect(all).toMatch(
      new RegExp(`<tt:Time>${deviceIso(START - 50 * 3600_000)}</tt:Time>.*?IsDataPresent" Value="false"`),
    );
    expect(all).not.toContain("RecordingHistory/Recording/State");
    t += 11_000;
    const expired = await faultOf(
      "tse GetEventSearchResults expired",
      nvr,
      "/onvif/search",
      `<tse:GetEventSearchResults><tse:SearchToken>${token}</tse:SearchToken></tse:GetEventSearchResults>`,
      400,
    );
    t = START;
    expect(subcodes(expired.body)).toContain("ter:InvalidToken");
    await ok("tse GetServiceCapabilities", nvr, "/onvif/search", "<tse:GetServiceCapabilities/>");
  });

  it("FindEvents backwards without a filter returns newest first and includes Recording/State", async () => {
    const find = await ok(
      "tse FindEvents backwards",
      nvr,
      "/onvif/search",
      `<tse:FindEvents><tse:StartPoint>${deviceIso(START)}</tse:StartPoint><tse:EndPoint>${deviceIso(START - 200 * DAY)}</tse:EndPoint>` +
        `<tse:Scope><tt:IncludedRecordings>RecordingToken_6</tt:IncludedRecordings></tse:Scope><tse:SearchFilter/>` +
        `<tse:IncludeStartState>false</tse:IncludeStartState><tse:KeepAliveTime>PT10S</tse:KeepAliveTime></tse:FindEvents>`,
    );
    const token = pick(find, "SearchToken") ?? "";
    const xml = await ok(
      "tse GetEventSearchResults backwards",
      nvr,
      "/onvif/search",
      `<tse:GetEventSearchResults><tse:SearchToken>${token}</tse:SearchToken></tse:GetEventSearchResults>`,
    );
    const times = pickAll(xml, "Time");
    expect(times.length).toBeGreaterThan(0);
    expect([...times].sort().reverse()).toEqual(times);
    expect(xml).toContain("tns1:RecordingHistory/Recording/State");
    // Channel 6's job is Idle: its data stopped when the simulator started.
    expect(times[0]).toBe(deviceIso(START));
  });
});

describe("schedule service", () => {
  it("GetSchedules gives the iCalendar texts; an unknown token is ter:NotFound", async () => {
    const xml = await ok(
      "tsc GetSchedules",
      nvr,
      "/onvif/schedule",
      "<tsc:GetSchedules><tsc:Token>Schedule_24x7</tsc:Token><tsc:Token>Schedule_Weekdays</tsc:Token></tsc:GetSchedules>",
    );
    const standards = pickAll(xml, "Standard");
    expect(standards[0]).toContain("RRULE:FREQ=DAILY");
    expect(standards[0]).toContain("DTEND:19700102T000000");
    expect(standards[1]).toContain("BYDAY=MO,TU,WE,TH,FR");
    const bad = await faultOf(
      "tsc GetSchedules unknown",
      nvr,
      "/onvif/schedule",
      "<tsc:GetSchedules><tsc:Token>nope</tsc:Token></tsc:GetSchedules>",
      400,
    );
    expect(subcodes(bad.body)).toContain("ter:NotFound");
    await ok(
      "tsc GetScheduleInfo",
      nvr,
      "/onvif/schedule",
      "<tsc:GetScheduleInfo><tsc:Token>Night</tsc:Token></tsc:GetScheduleInfo>",
    );
    const list = await ok("tsc GetScheduleList", nvr, "/onvif/schedule", "<tsc:GetScheduleList/>");
    expect(list.match(/<tsc:Schedule /g)).toHaveLength(3);
    // 2026-03-02 is a Monday; 03:01 UTC is 11:01 in CST-8, inside 07:00-19:00.
    const state = await ok(
      "tsc GetScheduleState",
      nvr,
      "/onvif/schedule",
      "<tsc:GetScheduleState><tsc:Token>Schedule_Weekdays</tsc:Token></tsc:GetScheduleState>",
    );
    expect(pick(state, "Active")).toBe("true");
    await ok("tsc GetServiceCapabilities", nvr, "/onvif/schedule", "<tsc:GetServiceCapabilities/>");
  });
});

describe("analytics service", () => {
  const rules = (token: string): string =>
    `<tan:GetRules><tan:ConfigurationToken>${token}</tan:ConfigurationToken></tan:GetRules>`;

  it("GetRules gives cell motion (PackBits cells) and tampering rules per channel setting", async () => {
    const on = await ok("tan GetRules on", nvr, "/onvif/analytics", rules("VideoAnalytics_1"));
    expect(on).toContain('Type="tt:CellMotionDetector"');
    expect(on).toContain('<tt:SimpleItem Name="ActiveCells" Value="0P8A8A=="/>');
    expect(on).toContain('Type="tt:TamperingDetection"');
    const none = await ok("tan GetRules noActiveCells", nvr, "/onvif/analytics", rules("VideoAnalytics_3"));
    expect(none).toContain('<tt:SimpleItem Name="ActiveCells" Value="zwA="/>');
    const off = await ok("tan GetRules off", nvr, "/onvif/analytics", rules("VideoAnalytics_4"));
    expect(off).not.toContain("<tan:Rule");
    const offline = await faultOf(
      "tan GetRules offline",
      nvr,
      "/onvif/analytics",
      rules("VideoAnalytics_2"),
      400,
    );
    expect(subcodes(offline.body)).toContain("ter:NoConfig");
    await ok(
      "tan GetAnalyticsModules",
      nvr,
      "/onvif/analytics",
      "<tan:GetAnalyticsModules><tan:ConfigurationToken>VideoAnalytics_1</tan:ConfigurationToken></tan:GetAnalyticsModules>",
    );
    await ok("tan GetServiceCapabilities", nvr, "/onvif/analytics", "<tan:GetServiceCapabilities/>");
    await faultOf("tan on cam", cam, "/onvif/analytics", rules("VideoAnalytics_1"), 500);
  });
});

describe("events service", () => {
  const pull = (timeout = "PT0S"): string =>
    `<tev:PullMessages><tev:Timeout>${timeout}</tev:Timeout><tev:MessageLimit>100</tev:MessageLimit></tev:PullMessages>`;

  it("a pull point first gives SignalLoss Initialized per online video source, then changes", async () => {
    await ok("tev GetServiceCapabilities", nvr, "/onvif/events", "<tev:GetServiceCapabilities/>");
    await ok("tev GetEventProperties", nvr, "/onvif/events", "<tev:GetEventProperties/>");
    const created = await ok(
      "tev CreatePullPointSubscription",
      nvr,
      "/onvif/events",
      `<tev:CreatePullPointSubscription><tev:Filter><wsnt:TopicExpression Dialect="http://www.onvif.org/ver10/tev/topicExpression/ConcreteSet">tns1:VideoSource//.</wsnt:TopicExpression></tev:Filter><tev:InitialTerminationTime>PT120S</tev:InitialTerminationTime></tev:CreatePullPointSubscription>`,
    );
    const address = pick(created, "Address") ?? "";
    expect(address).toMatch(/^http:\/\/nvr\.example\.test:\d+\/onvif\/subscription\/\d+$/);
    expect(pick(created, "TerminationTime")).toBe(deviceIso(START + 120_000));
    const path = new URL(address).pathname;
    const first = await ok("tev PullMessages initial", nvr, path, pull());
    expect(first.match(/PropertyOperation="Initialized"/g)).toHaveLength(5);
    expect(first).toContain(
      '<tt:SimpleItem Name="Source" Value="VideoSource_6"/></tt:Source><tt:Data><tt:SimpleItem Name="State" Value="true"/>',
    );
    expect(first).not.toContain("VideoSource_2");
    const empty = await ok("tev PullMessages empty", nvr, path, pull());
    expect(empty).not.toContain("NotificationMessage");

    const waiting = nvr.call(path, pull("PT30S"));
    await new Promise((r) => setTimeout(r, 50));
    sim.device("nvr").setChannel(1, { signalLoss: true });
    const changed = await waiting;
    collected.push({ name: "tev PullMessages changed", xml: changed.body });
    expect(changed.body).toMatch(
      /PropertyOperation="Changed".*Value="VideoSource_1".*Name="State" Value="true"/,
    );
    sim.device("nvr").setChannel(1, { signalLoss: false });

    await ok("tev SetSynchronizationPoint", nvr, path, "<tev:SetSynchronizationPoint/>");
    const resync = await ok("tev PullMessages resync", nvr, path, pull());
    expect(resync.match(/PropertyOperation="Initialized"/g)?.length).toBeGreaterThanOrEqual(5);
    await ok(
      "wsnt Renew",
      nvr,
      path,
      "<wsnt:Renew><wsnt:TerminationTime>PT60S</wsnt:TerminationTime></wsnt:Renew>",
    );
    await ok("wsnt Unsubscribe", nvr, path, "<wsnt:Unsubscribe/>");
    const gone = await faultOf("tev PullMessages after Unsubscribe", nvr, path, pull(), 400);
    expect(subcodes(gone.body)).toContain("ter:InvalidArgVal");
    await faultOf("tev on cam", cam, "/onvif/events", "<tev:CreatePullPointSubscription/>", 500);
  });

  it("a subscription expires at its termination time", async () => {
    const created = await ok(
      "tev CreatePullPointSubscription short",
      nvr,
      "/onvif/events",
      "<tev:CreatePullPointSubscription><tev:InitialTerminationTime>PT10S</tev:InitialTerminationTime></tev:CreatePullPointSubscription>",
    );
    const path = new URL(pick(created, "Address") ?? "").pathname;
    t += 11_000;
    await faultOf("tev PullMessages expired", nvr, path, pull(), 400);
    t = START;
  });
});

describe("request counting", () => {
  it("counts SOAP requests per operation", () => {
    const st = sim.device("nvr").state();
    expect(st.requests.byOperation["GetRecordingJobState"]).toBe(5);
    expect(st.requests.total).toBeGreaterThan(40);
    expect(JSON.stringify(st)).not.toContain("admin123");
  });
});

describe("schema validation", () => {
  it("every answer above, faults included, validates against the ONVIF schemas", () => {
    expect(collected.length).toBeGreaterThan(80);
    const results = validateOnvif(collected.map((c) => c.xml));
    const failures = results
      .map((r, i) => ({ ...r, name: collected[i]?.name ?? "" }))
      .filter((r) => !r.ok)
      .map((r) => `${r.name}\n${r.output}`);
    expect(failures).toEqual([]);
  });
});
