import { describe, expect, it } from "vitest";
import { NS } from "../../src/onvif/namespaces.ts";
import { getRules } from "../../src/onvif/ops/analytics.ts";
import {
  getCapabilitiesRequest,
  getDeviceInformation,
  getServiceCapabilities,
} from "../../src/onvif/ops/device.ts";
import { getEventTopics } from "../../src/onvif/ops/events.ts";
import { getProfiles, getSnapshotUri, getStreamUri } from "../../src/onvif/ops/media.ts";
import {
  getRecordingConfiguration,
  getRecordingJobs,
  getRecordingJobState,
  getRecordings,
} from "../../src/onvif/ops/recording.ts";
import { getSchedule } from "../../src/onvif/ops/schedule.ts";
import {
  findEvents,
  findRecordings,
  getRecordingInformation,
  getRecordingSummary,
} from "../../src/onvif/ops/search.ts";
import { readSignalLoss } from "../../src/onvif/ops/signalLoss.ts";
import { createOnvifSession } from "../../src/onvif/session.ts";
import { validateOnvif } from "../helpers/validateOnvif.ts";
import { envelope, fakeHttp, servicesXml, systemDateAndTime, testDevice } from "./helpers/fakeDevice.ts";

const BASE = "http://203.0.113.7:8080/onvif";
const NOW = Date.UTC(2026, 9, 1, 8, 0, 0);

/** Answers just enough for every operation to send its requests (results are not checked here). */
const http = fakeHttp({
  GetSystemDateAndTime: (s, nth) =>
    // The first, unauthenticated request is refused so the authenticated form is sent too.
    nth === 0
      ? envelope(
          `<s:Fault><s:Code><s:Value>s:Sender</s:Value><s:Subcode><s:Value>ter:NotAuthorized</s:Value></s:Subcode></s:Code><s:Reason><s:Text xml:lang="en">no</s:Text></s:Reason></s:Fault>`,
        )
      : systemDateAndTime(NOW),
  GetServices: servicesXml({
    [NS.trt]: `${BASE}/media`,
    [NS.tr2]: `${BASE}/media2`,
    [NS.trc]: `${BASE}/recording`,
    [NS.tse]: `${BASE}/search`,
    [NS.tsc]: `${BASE}/schedule`,
    [NS.tan]: `${BASE}/analytics`,
    [NS.tev]: `${BASE}/events`,
  }),
  GetCapabilities: envelope(`<tds:GetCapabilitiesResponse><tds:Capabilities/></tds:GetCapabilitiesResponse>`),
  FindRecordings: envelope(
    `<tse:FindRecordingsResponse><tse:SearchToken>S1</tse:SearchToken></tse:FindRecordingsResponse>`,
  ),
  GetRecordingSearchResults: envelope(
    `<tse:GetRecordingSearchResultsResponse><tse:ResultList><tt:SearchState>Completed</tt:SearchState></tse:ResultList></tse:GetRecordingSearchResultsResponse>`,
  ),
  FindEvents: envelope(
    `<tse:FindEventsResponse><tse:SearchToken>S2</tse:SearchToken></tse:FindEventsResponse>`,
  ),
  GetEventSearchResults: envelope(
    `<tse:GetEventSearchResultsResponse><tse:ResultList><tt:SearchState>Completed</tt:SearchState></tse:ResultList></tse:GetEventSearchResultsResponse>`,
  ),
  EndSearch: envelope(
    `<tse:EndSearchResponse><tse:Endpoint>2026-10-01T08:00:00Z</tse:Endpoint></tse:EndSearchResponse>`,
  ),
  CreatePullPointSubscription: envelope(
    `<tev:CreatePullPointSubscriptionResponse><tev:SubscriptionReference><wsa:Address>${BASE}/subscription?id=7</wsa:Address>` +
      `<wsa:ReferenceParameters><ax:SubscriptionId xmlns:ax="http://www.axis.com/2009/event">7</ax:SubscriptionId></wsa:ReferenceParameters>` +
      `</tev:SubscriptionReference><wsnt:CurrentTime>2026-10-01T08:00:00Z</wsnt:CurrentTime><wsnt:TerminationTime>2026-10-01T08:01:00Z</wsnt:TerminationTime></tev:CreatePullPointSubscriptionResponse>`,
  ),
  PullMessages: envelope(
    `<tev:PullMessagesResponse><tev:CurrentTime>2026-10-01T08:00:01Z</tev:CurrentTime><tev:TerminationTime>2026-10-01T08:01:01Z</tev:TerminationTime></tev:PullMessagesResponse>`,
  ),
  Unsubscribe: envelope(`<wsnt:UnsubscribeResponse/>`),
});

async function sendEverything(): Promise<void> {
  const session = createOnvifSession({ device: testDevice(), http, now: () => NOW });
  await session.syncClock();
  const ignore = (p: Promise<unknown>): Promise<unknown> => p.catch(() => undefined);
  await ignore(session.call(getCapabilitiesRequest));
  await Promise.all([
    ignore(getDeviceInformation(session)),
    ignore(getServiceCapabilities(session, "recording", NS.trc, "trc")),
    ignore(getProfiles(session, "media")),
    ignore(getProfiles(session, "media2")),
    ignore(getStreamUri(session, "Profile_1", "media")),
    ignore(getStreamUri(session, "Profile_1", "media2")),
    ignore(getSnapshotUri(session, "Profile_1", "media")),
    ignore(getSnapshotUri(session, "Profile_1", "media2")),
    ignore(getRecordings(session)),
    ignore(getRecordingConfiguration(session, "Recording_1")),
    ignore(getRecordingJobs(session)),
    ignore(getRecordingJobState(session, "Job_1")),
    ignore(getRecordingSummary(session)),
    ignore(getRecordingInformation(session, "Recording_1")),
    ignore(findRecordings(session, ["Recording_1"])),
    ignore(
      findEvents(session, {
        fromMs: NOW - 90 * 86_400_000,
        toMs: NOW,
        recordingTokens: ["Recording_1", "Recording_2"],
        topics: ["tns1:RecordingHistory/Track/State", "tns1:RecordingConfig/DeleteTrackData"],
        includeStartState: true,
      }),
    ),
    ignore(getSchedule(session, "Sched_24x7")),
    ignore(getRules(session, "VideoAnalytics_1")),
    ignore(readSignalLoss(session)),
    ignore(getEventTopics(session)),
  ]);
}

describe("client requests against the ONVIF schemas", () => {
  it("every request the ops send validates (body element and envelope)", async () => {
    await sendEverything();
    const ops = new Set(http.opsSeen());
    const expected = [
      "GetSystemDateAndTime",
      "GetServices",
      "GetCapabilities",
      "GetDeviceInformation",
      "GetServiceCapabilities",
      "GetProfiles",
      "GetStreamUri",
      "GetSnapshotUri",
      "GetRecordings",
      "GetRecordingConfiguration",
      "GetRecordingJobs",
      "GetRecordingJobState",
      "GetRecordingSummary",
      "GetRecordingInformation",
      "FindRecordings",
      "GetRecordingSearchResults",
      "FindEvents",
      "GetEventSearchResults",
      "EndSearch",
      "GetSchedules",
      "GetRules",
      "CreatePullPointSubscription",
      "PullMessages",
      "Unsubscribe",
      "GetEventProperties",
    ];
    expect([...ops].sort()).toEqual([...expected].sort());
    // One of each distinct body (Media1/Media2 forms and both GetSystemDateAndTime forms included).
    const distinct = new Map<string, string>();
    for (const s of http.seen) distinct.set(`${s.action}|${s.header ? "h" : ""}`, s.xml);
    const messages = [...distinct.values()];
    const results = validateOnvif(messages);
    const failures = results.map((r, i) => ({ ...r, xml: messages[i] })).filter((r) => !r.ok);
    expect(failures.map((f) => `${f.output}\n${f.xml}`)).toEqual([]);
    expect(results.length).toBeGreaterThanOrEqual(expected.length + 4);
  });
});
