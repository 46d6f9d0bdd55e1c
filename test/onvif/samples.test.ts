import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { OnvifError } from "../../src/onvif/errors.ts";
import { NS } from "../../src/onvif/namespaces.ts";
import {
  parseDeviceInformation,
  parseServices,
  parseSystemDateAndTime,
  servicesToMap,
} from "../../src/onvif/ops/device.ts";
import { parseCreatePullPoint, parsePullMessages } from "../../src/onvif/ops/events.ts";
import { parseProfiles, parseProfiles2, parseStreamUri } from "../../src/onvif/ops/media.ts";
import {
  parseRecordingJobs,
  parseRecordingJobState,
  parseRecordings,
} from "../../src/onvif/ops/recording.ts";
import { toRecordingHistories } from "../../src/onvif/ops/recordingHistory.ts";
import {
  parseEventSearchResults,
  parseRecordingSearchResults,
  parseRecordingSummary,
  parseSearchToken,
} from "../../src/onvif/ops/search.ts";
import { interpretResponse } from "../../src/onvif/soap/response.ts";
import { parseXml } from "../../src/onvif/xml/parse.ts";
import { childLoose, type XmlElement } from "../../src/onvif/xml/tree.ts";
import { ONVIF_KIT } from "../helpers/paths.ts";
import { bodyOf, envelope, response, sample } from "./helpers/fakeDevice.ts";

/** Body of a sample; bare body elements are wrapped in an envelope first. */
const body = (name: string): XmlElement => {
  const xml = sample(name);
  return name.endsWith(".bare.xml") ? bodyOf(envelope(xml.replace(/^<\?xml[^>]*>\s*/, ""))) : bodyOf(xml);
};

/** A request sample: just check it is the element we would send. */
const request = (local: string, ns: string) => (name: string) => {
  const xml = sample(name);
  const root = parseXml(xml);
  const el = root.local === "Envelope" ? childLoose(root, NS.soap12, "Body")?.children[0] : root;
  expect(el?.local).toBe(local);
  expect(el?.ns).toBe(ns);
};

const EXPECTED: Record<string, (name: string) => void> = {
  "01-GetSystemDateAndTime.xml": request("GetSystemDateAndTime", NS.tds),
  "02-GetSystemDateAndTimeResponse.xml": (n) => {
    const sdt = parseSystemDateAndTime(body(n));
    expect(sdt).toEqual({
      utcMs: Date.UTC(2025, 2, 14, 9, 41, 7),
      source: "utc",
      timezone: "CET-1CEST,M3.5.0,M10.5.0/3",
      dateTimeType: "NTP",
      daylightSavings: false,
    });
  },
  "03-GetDeviceInformation.bare.xml": request("GetDeviceInformation", NS.tds),
  "04-GetDeviceInformationResponse.xml": (n) => {
    expect(parseDeviceInformation(body(n))).toEqual({
      manufacturer: "Example Systems",
      model: "SIM-NVR-16",
      firmwareVersion: "1.4.2",
      serialNumber: "NVR0000451",
      hardwareId: "sim-x86_64",
    });
  },
  "05-GetServices.xml": request("GetServices", NS.tds),
  "06-GetServicesResponse.xml": (n) => {
    const listed = parseServices(body(n));
    expect(listed.map((s) => s.version)).toEqual(["24.12", "24.12", "24.12", "24.12", "24.12"]);
    expect(servicesToMap(listed, "http://192.0.2.10/onvif/device_service")).toEqual({
      device: "http://192.0.2.10/onvif/device_service",
      media: "http://192.0.2.10/onvif/media_service",
      recording: "http://192.0.2.10/onvif/recording_service",
      search: "http://192.0.2.10/onvif/search_service",
      events: "http://192.0.2.10/onvif/event_service",
    });
  },
  "07-GetProfiles.bare.xml": request("GetProfiles", NS.trt),
  "08-GetProfilesResponse.xml": (n) => {
    expect(parseProfiles(body(n))).toEqual([
      {
        token: "Profile_1",
        name: "MainStream",
        videoSourceToken: "VideoSource_1",
        encoding: "H264",
        width: 1920,
        height: 1080,
        analyticsToken: null,
        streamUri: null,
        snapshotUri: null,
      },
      {
        token: "Profile_2",
        name: "SubStream",
        videoSourceToken: null,
        encoding: null,
        width: null,
        height: null,
        analyticsToken: null,
        streamUri: null,
        snapshotUri: null,
      },
    ]);
  },
  "09-GetStreamUri.xml": request("GetStreamUri", NS.trt),
  "10-GetStreamUriResponse.xml": (n) => {
    expect(parseStreamUri(body(n), "media")).toBe("rtsp://192.0.2.10:554/Streaming/Channels/101");
  },
  "11-GetRecordings.bare.xml": request("GetRecordings", NS.trc),
  "12-GetRecordingsResponse.xml": (n) => {
    expect(parseRecordings(body(n))).toEqual([
      {
        token: "Recording_1",
        sourceId: "http://192.0.2.21/onvif/device_service",
        sourceName: "Entrance camera",
        maximumRetentionSeconds: 30 * 86400,
        tracks: [
          { token: "VIDEO001", type: "Video" },
          { token: "META001", type: "Metadata" },
        ],
      },
    ]);
  },
  "13-GetRecordingJobs.xml": request("GetRecordingJobs", NS.trc),
  "14-GetRecordingJobsResponse.xml": (n) => {
    expect(parseRecordingJobs(body(n))).toEqual([
      {
        token: "RecordingJob_1",
        recordingToken: "Recording_1",
        mode: "Active",
        scheduleToken: null,
        eventTriggered: false,
        sourceTokens: ["Profile_1"],
      },
    ]);
  },
  "15-GetRecordingJobState.xml": request("GetRecordingJobState", NS.trc),
  "16-GetRecordingJobStateResponse.xml": (n) => {
    expect(parseRecordingJobState(body(n))).toEqual({
      recordingToken: "Recording_1",
      state: "Active",
      sources: [
        {
          sourceToken: "Profile_1",
          state: "Active",
          tracks: [{ sourceTag: "video", destination: "VIDEO001", state: "Active", error: null }],
        },
      ],
    });
  },
  "17-GetRecordingSummary.bare.xml": request("GetRecordingSummary", NS.tse),
  "18-GetRecordingSummaryResponse.xml": (n) => {
    expect(parseRecordingSummary(body(n))).toEqual({
      dataFrom: "2025-03-01T00:00:00.000Z",
      dataUntil: "2025-03-14T09:41:07.000Z",
      numberRecordings: 2,
    });
  },
  "19-FindRecordings.xml": request("FindRecordings", NS.tse),
  "20-FindRecordingsResponse.xml": (n) => {
    expect(parseSearchToken(body(n), "FindRecordingsResponse")).toBe("RecordingSearch_7");
  },
  "21-GetRecordingSearchResults.xml": request("GetRecordingSearchResults", NS.tse),
  "22-GetRecordingSearchResultsResponse.xml": (n) => {
    expect(parseRecordingSearchResults(body(n))).toEqual({
      state: "Completed",
      items: [
        {
          recordingToken: "Recording_1",
          earliestRecording: "2025-03-01T00:00:00.000Z",
          latestRecording: "2025-03-14T09:41:07.000Z",
          status: "Recording",
          tracks: [
            {
              token: "VIDEO001",
              type: "Video",
              dataFrom: "2025-03-01T00:00:00.000Z",
              dataTo: "2025-03-14T09:41:07.000Z",
            },
          ],
        },
      ],
    });
  },
  "23-FindEvents.xml": request("FindEvents", NS.tse),
  "24-FindEventsResponse.bare.xml": (n) => {
    expect(parseSearchToken(body(n), "FindEventsResponse")).toBe("EventSearch_3");
  },
  "25-GetEventSearchResults.xml": request("GetEventSearchResults", NS.tse),
  "26-GetEventSearchResultsResponse.xml": (n) => {
    const page = parseEventSearchResults(body(n));
    expect(page.state).toBe("Completed");
    expect(page.items).toEqual([
      {
        recordingToken: "Recording_1",
        trackToken: "VIDEO001",
        time: "2025-03-14T08:15:00.000Z",
        startState: false,
        event: {
          topic: "tns1:RecordingHistory/Track/State",
          utcTime: "2025-03-14T08:15:00Z",
          propertyOperation: "Changed",
          source: { RecordingToken: "Recording_1", Track: "VIDEO001" },
          data: { IsDataPresent: "true" },
        },
      },
    ]);
    const h = toRecordingHistories(
      page.items,
      ["Recording_1"],
      "2025-03-14T00:00:00.000Z",
      "2025-03-14T12:00:00.000Z",
    );
    expect(h["Recording_1"]?.trackStates).toEqual([
      { time: "2025-03-14T08:15:00.000Z", track: "VIDEO001", isDataPresent: true, startState: false },
    ]);
  },
  "27-CreatePullPointSubscription.xml": request("CreatePullPointSubscription", NS.tev),
  "28-CreatePullPointSubscriptionResponse.xml": (n) => {
    const sub = parseCreatePullPoint(body(n), (u) => u);
    expect(sub.address).toBe("http://192.0.2.10/onvif/subscription?id=42");
    expect(sub.referenceParameters).toEqual([]);
    expect(sub.terminationTime).toBe("2025-03-14T09:42:07Z");
  },
  "29-PullMessages.xml": request("PullMessages", NS.tev),
  "30-PullMessagesResponse.xml": (n) => {
    const msgs = parsePullMessages(body(n));
    expect(msgs.map((m) => [m.topic, m.propertyOperation])).toEqual([
      ["tns1:RecordingConfig/JobState", "Changed"],
      ["tns1:RuleEngine/CellMotionDetector/Motion", "Initialized"],
    ]);
    expect(msgs[0]?.source).toEqual({ RecordingJobToken: "RecordingJob_1" });
    expect(msgs[1]?.data).toEqual({ IsMotion: "false" });
  },
  "31-Fault-InvalidArgVal.xml": (n) => {
    let err: unknown;
    try {
      interpretResponse(response(sample(n), 400), "test");
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(OnvifError);
    expect((err as OnvifError).kind).toBe("bad_argument");
  },
  "32-media2-GetProfiles.xml": request("GetProfiles", NS.tr2),
  "33-media2-GetProfilesResponse.xml": (n) => {
    expect(parseProfiles2(body(n))).toEqual([
      {
        token: "Profile_1",
        name: "MainStream",
        videoSourceToken: "VideoSource_1",
        encoding: "H264",
        width: 1920,
        height: 1080,
        analyticsToken: null,
        streamUri: null,
        snapshotUri: null,
      },
    ]);
  },
};

const files = readdirSync(join(ONVIF_KIT, "samples/valid"))
  .filter((f) => f.endsWith(".xml"))
  .sort();

describe("ONVIF kit samples", () => {
  it("every sample has expectations", () => {
    expect(files.length).toBe(33);
    expect(files.filter((f) => !(f in EXPECTED))).toEqual([]);
  });
  for (const f of files) {
    it(f, () => EXPECTED[f]?.(f));
  }
});
