import { describe, expect, it } from "vitest";
import { OnvifError } from "../../../src/onvif/errors.ts";
import { NS } from "../../../src/onvif/namespaces.ts";
import { toRecordingHistories } from "../../../src/onvif/ops/recordingHistory.ts";
import {
  DEFAULT_SEARCH_LIMITS,
  findEvents,
  findRecordings,
  type EventSearchResult,
} from "../../../src/onvif/ops/search.ts";
import { createOnvifSession } from "../../../src/onvif/session.ts";
import { childLoose, childrenLoose, childText } from "../../../src/onvif/xml/tree.ts";
import {
  envelope,
  fakeHttp,
  netError,
  servicesXml,
  systemDateAndTime,
  testDevice,
  type Route,
} from "../helpers/fakeDevice.ts";

const NOW = Date.UTC(2026, 9, 1, 8, 0, 0);

function session(routes: Record<string, Route>) {
  const http = fakeHttp({
    GetSystemDateAndTime: systemDateAndTime(NOW),
    GetServices: servicesXml({ [NS.tse]: "http://203.0.113.7:8080/onvif/search" }),
    EndSearch: envelope(
      `<tse:EndSearchResponse><tse:Endpoint>2026-10-01T08:00:00Z</tse:Endpoint></tse:EndSearchResponse>`,
    ),
    ...routes,
  });
  return { http, s: createOnvifSession({ device: testDevice(), http, now: () => NOW }) };
}

const recordingPage = (state: string, tokens: string[]): string =>
  envelope(
    `<tse:GetRecordingSearchResultsResponse><tse:ResultList><tt:SearchState>${state}</tt:SearchState>${tokens
      .map(
        (t) =>
          `<tt:RecordingInformation><tt:RecordingToken>${t}</tt:RecordingToken><tt:Source><tt:SourceId>x</tt:SourceId><tt:Name>n</tt:Name><tt:Location/><tt:Description/><tt:Address>x</tt:Address></tt:Source>` +
          `<tt:EarliestRecording>1970-01-01T00:00:00Z</tt:EarliestRecording><tt:Content/><tt:Track><tt:TrackToken>VIDEO001</tt:TrackToken><tt:TrackType>Video</tt:TrackType><tt:Description/>` +
          `<tt:DataFrom>2026-07-01T00:00:00</tt:DataFrom><tt:DataTo>2026-10-01T07:59:00.5Z</tt:DataTo></tt:Track><tt:RecordingStatus>Recording</tt:RecordingStatus></tt:RecordingInformation>`,
      )
      .join("")}</tse:ResultList></tse:GetRecordingSearchResultsResponse>`,
  );

const FIND_RECORDINGS = envelope(
  `<tse:FindRecordingsResponse><tse:SearchToken>RS1</tse:SearchToken></tse:FindRecordingsResponse>`,
);
const FIND_EVENTS = envelope(
  `<tse:FindEventsResponse><tse:SearchToken>ES1</tse:SearchToken></tse:FindEventsResponse>`,
);

describe("FindRecordings", () => {
  it("pages until Completed, collects every page and ends the search", async () => {
    const pages = [
      recordingPage("Searching", ["R1"]),
      recordingPage("Searching", []),
      recordingPage("Completed", ["R2"]),
    ];
    const { http, s } = session({
      FindRecordings: FIND_RECORDINGS,
      GetRecordingSearchResults: (_s, nth) => pages[nth] ?? recordingPage("Completed", []),
    });
    const infos = await findRecordings(s, ["R1", "R2"]);
    expect(infos.map((i) => i.recordingToken)).toEqual(["R1", "R2"]);
    expect(infos[0]?.earliestRecording).toBeNull(); // 1970 placeholder
    expect(infos[0]?.tracks[0]).toEqual({
      token: "VIDEO001",
      type: "Video",
      dataFrom: "2026-07-01T00:00:00.000Z", // no zone: UTC
      dataTo: "2026-10-01T07:59:00.500Z",
    });
    expect(http.opsSeen().slice(2)).toEqual([
      "FindRecordings",
      "GetRecordingSearchResults",
      "GetRecordingSearchResults",
      "GetRecordingSearchResults",
      "EndSearch",
    ]);
    const find = http.seen[2]!.bodyElement;
    expect(
      childrenLoose(childLoose(find, NS.tse, "Scope"), NS.tt, "IncludedRecordings").map((e) => e.text),
    ).toEqual(["R1", "R2"]);
    expect(childText(http.seen.at(-1)!.bodyElement, NS.tse, "SearchToken")).toBe("RS1");
    // A result request may wait WaitTime (PT1S) on the device before answering.
    const page = http.seen[3]!;
    expect(childText(page.bodyElement, NS.tse, "WaitTime")).toBe("PT1S");
    expect(page.req.deadlineMs).toBe((1 + 5) * 1000);
  });

  it("gives up after the page limit and still ends the search", async () => {
    const { http, s } = session({
      FindRecordings: FIND_RECORDINGS,
      GetRecordingSearchResults: recordingPage("Searching", []),
    });
    const err = await findRecordings(s, [], {
      ...DEFAULT_SEARCH_LIMITS,
      maxPages: 4,
      maxResultsPerPage: 10,
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OnvifError);
    expect((err as OnvifError).message).toContain("not completed after 4");
    expect(http.opsSeen().filter((o) => o === "GetRecordingSearchResults")).toHaveLength(4);
    expect(http.opsSeen().at(-1)).toBe("EndSearch");
  });

  it("reads at most maxTotalBytes of result pages in all, and still ends the search", async () => {
    const page = recordingPage("Searching", ["R1", "R2", "R3"]);
    const size = Buffer.byteLength(page);
    const { http, s } = session({ FindRecordings: FIND_RECORDINGS, GetRecordingSearchResults: page });
    const limits = { ...DEFAULT_SEARCH_LIMITS, maxTotalBytes: Math.floor(2.5 * size) };
    const err = await findRecordings(s, [], limits).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OnvifError);
    expect((err as OnvifError).kind).toBe("too_large");
    const pages = http.seen.filter((x) => x.op === "GetRecordingSearchResults");
    // The third page may use only what the first two left; nothing is asked after that.
    expect(pages.map((p) => p.req.maxBytes)).toEqual([
      limits.maxTotalBytes,
      limits.maxTotalBytes - size,
      limits.maxTotalBytes - 2 * size,
    ]);
    expect(http.opsSeen().at(-1)).toBe("EndSearch");
  });

  it("ends the search when a result request fails, and reports that failure", async () => {
    const { http, s } = session({
      FindRecordings: FIND_RECORDINGS,
      GetRecordingSearchResults: netError("timeout", "no answer"),
      EndSearch: netError("network", "reset"), // EndSearch failing does not mask the real error
    });
    const err = await findRecordings(s).catch((e: unknown) => e);
    expect((err as OnvifError).kind).toBe("timeout");
    expect(http.opsSeen().at(-1)).toBe("EndSearch");
  });

  it("treats SearchState Unknown as a lost search", async () => {
    const { http, s } = session({
      FindRecordings: FIND_RECORDINGS,
      GetRecordingSearchResults: recordingPage("Unknown", []),
    });
    const err = await findRecordings(s).catch((e: unknown) => e);
    expect((err as OnvifError).message).toContain("SearchState Unknown");
    expect(http.opsSeen().at(-1)).toBe("EndSearch");
  });
});

const eventResult = (opts: {
  rec: string;
  track?: string;
  time: string;
  topic: string;
  data: Record<string, string>;
  start?: boolean;
  prefix?: string;
}): string => {
  const p = opts.prefix ?? "tns1";
  const bind = p === "tns1" ? "" : ` xmlns:${p}="${NS.tns1}"`;
  return (
    `<tt:Result><tt:RecordingToken>${opts.rec}</tt:RecordingToken>${opts.track ? `<tt:TrackToken>${opts.track}</tt:TrackToken>` : ""}<tt:Time>${opts.time}</tt:Time>` +
    `<tt:Event><wsnt:Topic${bind} Dialect="http://www.onvif.org/ver10/tev/topicExpression/ConcreteSet">${p}:${opts.topic}</wsnt:Topic><wsnt:Message><tt:Message UtcTime="${opts.time}">` +
    `<tt:Source><tt:SimpleItem Name="RecordingToken" Value="${opts.rec}"/>${opts.track ? `<tt:SimpleItem Name="Track" Value="${opts.track}"/>` : ""}</tt:Source>` +
    `<tt:Data>${Object.entries(opts.data)
      .map(([k, v]) => `<tt:SimpleItem Name="${k}" Value="${v}"/>`)
      .join(
        "",
      )}</tt:Data></tt:Message></wsnt:Message></tt:Event><tt:StartStateEvent>${opts.start ? "true" : "false"}</tt:StartStateEvent></tt:Result>`
  );
};

const eventsPage = (state: string, results: string[]): string =>
  envelope(
    `<tse:GetEventSearchResultsResponse><tse:ResultList><tt:SearchState>${state}</tt:SearchState>${results.join("")}</tse:ResultList></tse:GetEventSearchResultsResponse>`,
  );

describe("FindEvents", () => {
  it("sends the window, the recordings and both topics, and pages to completion", async () => {
    const { http, s } = session({
      FindEvents: FIND_EVENTS,
      GetEventSearchResults: (_s, nth) =>
        nth === 0
          ? eventsPage("Searching", [
              eventResult({
                rec: "R1",
                track: "VIDEO001",
                time: "2026-07-03T08:00:00Z",
                topic: "RecordingHistory/Track/State",
                data: { IsDataPresent: "true" },
                start: true,
              }),
            ])
          : eventsPage("Completed", [
              eventResult({
                rec: "R2",
                time: "2026-08-01T00:00:00Z",
                topic: "RecordingConfig/DeleteTrackData",
                data: { StartTime: "2026-07-03T08:00:00Z", EndTime: "2026-07-20T00:00:00Z" },
              }),
            ]),
    });
    const from = NOW - 90 * 86_400_000;
    const results = await findEvents(s, {
      fromMs: from,
      toMs: NOW,
      recordingTokens: ["R1", "R2"],
      topics: ["tns1:RecordingHistory/Track/State", "tns1:RecordingConfig/DeleteTrackData"],
      includeStartState: true,
    });
    expect(results).toHaveLength(2);
    const req = http.seen[2]!.bodyElement;
    expect(req.local).toBe("FindEvents");
    expect(childText(req, NS.tse, "StartPoint")).toBe("2026-07-03T08:00:00Z");
    expect(childText(req, NS.tse, "EndPoint")).toBe("2026-10-01T08:00:00Z");
    expect(childText(req, NS.tse, "IncludeStartState")).toBe("true");
    expect(childText(childLoose(req, NS.tse, "SearchFilter"), NS.wsnt, "TopicExpression")).toBe(
      "tns1:RecordingHistory/Track/State|tns1:RecordingConfig/DeleteTrackData",
    );
    expect(http.opsSeen().at(-1)).toBe("EndSearch");
  });
});

describe("toRecordingHistories", () => {
  const r = (
    over: Partial<EventSearchResult> & { topic: string; data?: Record<string, string> },
  ): EventSearchResult => ({
    recordingToken: over.recordingToken ?? "R1",
    trackToken: over.trackToken === undefined ? "VIDEO001" : over.trackToken,
    time: over.time === undefined ? "2026-09-01T00:00:00.000Z" : over.time,
    startState: over.startState ?? false,
    event: {
      topic: over.topic,
      utcTime: null,
      propertyOperation: "Changed",
      source: {},
      data: over.data ?? {},
    },
  });

  it("splits per recording, sorts oldest first, drops unplaceable events and other recordings", () => {
    const h = toRecordingHistories(
      [
        r({
          topic: "tns1:RecordingHistory/Track/State",
          time: "2026-09-02T00:00:00.000Z",
          data: { IsDataPresent: "false" },
        }),
        r({
          topic: "tns1:RecordingHistory/Track/State",
          time: "2026-09-01T00:00:00.000Z",
          data: { IsDataPresent: "true" },
          startState: true,
        }),
        r({ topic: "tns1:RecordingHistory/Track/State", time: null, data: { IsDataPresent: "false" } }),
        r({ topic: "tns1:RecordingHistory/Track/State", data: { IsDataPresent: "maybe" } }),
        r({
          topic: "tns1:RecordingHistory/Track/State",
          recordingToken: "R9",
          data: { IsDataPresent: "false" },
        }),
        r({
          topic: "ns5:RecordingConfig/DeleteTrackData",
          recordingToken: "R2",
          trackToken: null,
          data: { StartTime: "1970-01-01T00:00:00Z", EndTime: "2026-08-01T00:00:00Z" },
        }),
        r({ topic: "tns1:RecordingHistory/Recording/State", data: { IsRecording: "false" } }),
      ],
      ["R1", "R2"],
      "2026-07-03T08:00:00.000Z",
      "2026-10-01T08:00:00.000Z",
    );
    expect(Object.keys(h).sort()).toEqual(["R1", "R2"]);
    expect(h["R1"]).toEqual({
      from: "2026-07-03T08:00:00.000Z",
      to: "2026-10-01T08:00:00.000Z",
      trackStates: [
        { time: "2026-09-01T00:00:00.000Z", track: "VIDEO001", isDataPresent: true, startState: true },
        { time: "2026-09-02T00:00:00.000Z", track: "VIDEO001", isDataPresent: false, startState: false },
      ],
      deletions: [],
    });
    expect(h["R2"]?.deletions).toEqual([
      { time: "2026-09-01T00:00:00.000Z", track: "", startTime: null, endTime: "2026-08-01T00:00:00.000Z" },
    ]);
  });
});
