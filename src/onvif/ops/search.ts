import type { RecordingInformation } from "../../domain/observation.ts";
import { OnvifError } from "../errors.ts";
import { CONCRETE_SET_DIALECT, NS } from "../namespaces.ts";
import { requireResponse } from "../soap/response.ts";
import { formatXsdDateTime, parseRecordingTime } from "../time/dateTime.ts";
import { parseDurationSeconds } from "../time/duration.ts";
import type { OnvifSession } from "../types.ts";
import { childLoose, childrenLoose, childText, textOf, type XmlElement } from "../xml/tree.ts";
import { escapeText, textElement } from "../xml/write.ts";
import { parseEventMessage, type EventMessage } from "./eventMessage.ts";
import { trackType } from "./recording.ts";

const action = (op: string): string => `${NS.tse}/${op}`;

/** How long the device keeps an idle search alive between our result requests (spec minimum 10 s). */
const KEEP_ALIVE = "PT10S";

export interface RecordingSummary {
  /** null when absent, invalid, or a 1970 placeholder. */
  readonly dataFrom: string | null;
  readonly dataUntil: string | null;
  readonly numberRecordings: number | null;
}

export function parseRecordingSummary(body: XmlElement): RecordingSummary {
  const r = requireResponse(body, NS.tse, "GetRecordingSummaryResponse");
  const s = childLoose(r, NS.tse, "Summary");
  if (!s) throw new OnvifError({ kind: "malformed", message: "GetRecordingSummaryResponse has no Summary" });
  const n = childText(s, NS.tt, "NumberRecordings");
  return {
    dataFrom: parseRecordingTime(childText(s, NS.tt, "DataFrom")),
    dataUntil: parseRecordingTime(childText(s, NS.tt, "DataUntil")),
    numberRecordings: n !== null && /^\d+$/.test(n) ? Number(n) : null,
  };
}

export async function getRecordingSummary(session: OnvifSession): Promise<RecordingSummary> {
  const body = await session.call({
    service: "search",
    action: action("GetRecordingSummary"),
    body: "<tse:GetRecordingSummary/>",
  });
  return parseRecordingSummary(body);
}

/** A tt:RecordingInformation element (GetRecordingInformation, GetRecordingSearchResults). */
export function readRecordingInformation(ri: XmlElement): RecordingInformation {
  return {
    recordingToken: childText(ri, NS.tt, "RecordingToken") ?? "",
    earliestRecording: parseRecordingTime(childText(ri, NS.tt, "EarliestRecording")),
    latestRecording: parseRecordingTime(childText(ri, NS.tt, "LatestRecording")),
    status: childText(ri, NS.tt, "RecordingStatus") ?? "Unknown",
    tracks: childrenLoose(ri, NS.tt, "Track").flatMap((t) => {
      const token = childText(t, NS.tt, "TrackToken");
      if (!token) return [];
      return [
        {
          token,
          type: trackType(childText(t, NS.tt, "TrackType")),
          dataFrom: parseRecordingTime(childText(t, NS.tt, "DataFrom")),
          dataTo: parseRecordingTime(childText(t, NS.tt, "DataTo")),
        },
      ];
    }),
  };
}

export function parseRecordingInformation(body: XmlElement): RecordingInformation {
  const r = requireResponse(body, NS.tse, "GetRecordingInformationResponse");
  const ri = childLoose(r, NS.tse, "RecordingInformation");
  if (!ri) throw new OnvifError({ kind: "malformed", message: "answer has no RecordingInformation" });
  return readRecordingInformation(ri);
}

export async function getRecordingInformation(
  session: OnvifSession,
  token: string,
): Promise<RecordingInformation> {
  const body = await session.call({
    service: "search",
    action: action("GetRecordingInformation"),
    body: `<tse:GetRecordingInformation>${textElement("tse:RecordingToken", token)}</tse:GetRecordingInformation>`,
  });
  return parseRecordingInformation(body);
}

export interface SearchLimits {
  /** Result requests before giving up on a search that never completes. */
  readonly maxPages: number;
  readonly maxResultsPerPage: number;
  /** How long the device may hold each result request waiting for results. */
  readonly waitTime: string;
  /**
   * Bytes of all result answers of one search together (each is also capped by the session's
   * answer limit): 200 pages of 8 MiB would otherwise be 1.6 GB to read and parse. 100 results
   * of a real device take 30–80 KB, so 16 MiB is ~200 full pages.
   */
  readonly maxTotalBytes: number;
}

export const DEFAULT_SEARCH_LIMITS: SearchLimits = {
  maxPages: 200,
  maxResultsPerPage: 100,
  waitTime: "PT1S",
  maxTotalBytes: 16 * 1024 * 1024,
};

interface Page<T> {
  readonly state: string | null;
  readonly items: readonly T[];
}

/**
 * The Find… / Get…SearchResults / EndSearch protocol: page until SearchState is Completed,
 * at most `maxPages` times and `maxTotalBytes` of answers, and always end the search (also
 * after an error) so the device frees it instead of waiting for the keep-alive to lapse.
 */
async function runSearch<T>(
  session: OnvifSession,
  token: string,
  limits: SearchLimits,
  op: "GetRecordingSearchResults" | "GetEventSearchResults",
  read: (body: XmlElement) => Page<T>,
): Promise<T[]> {
  const out: T[] = [];
  const budget = { remaining: limits.maxTotalBytes };
  try {
    for (let i = 0; i < limits.maxPages; i++) {
      const p = read(
        await session.call({
          service: "search",
          action: action(op),
          body: resultsRequest(op, token, limits),
          deadlineMs: pageDeadlineMs(session, limits),
          budget,
        }),
      );
      out.push(...p.items);
      if (p.state === "Completed") return out;
      if (p.state === "Unknown") {
        throw new OnvifError({ kind: "fault", message: "the device lost the search (SearchState Unknown)" });
      }
    }
    throw new OnvifError({
      kind: "fault",
      message: `search not completed after ${limits.maxPages} result pages`,
      retryable: true,
    });
  } finally {
    await endSearch(session, token);
  }
}

/** Ends a search; its failure does not change the outcome of the search itself. */
export async function endSearch(session: OnvifSession, token: string): Promise<void> {
  try {
    await session.call({
      service: "search",
      action: action("EndSearch"),
      body: `<tse:EndSearch>${textElement("tse:SearchToken", token)}</tse:EndSearch>`,
    });
  } catch {
    // Completed searches may already be gone on the device; the keep-alive ends the rest.
  }
}

/** The SearchToken of a FindRecordingsResponse / FindEventsResponse. */
export function parseSearchToken(
  body: XmlElement,
  local: "FindRecordingsResponse" | "FindEventsResponse",
): string {
  const r = requireResponse(body, NS.tse, local);
  const t = textOf(childLoose(r, NS.tse, "SearchToken"));
  if (!t) throw new OnvifError({ kind: "malformed", message: `${local} has no SearchToken` });
  return t;
}

/** A result request may be held for WaitTime before the device answers; the deadline allows for it. */
function pageDeadlineMs(session: OnvifSession, limits: SearchLimits): number {
  const wait = parseDurationSeconds(limits.waitTime) ?? 0;
  return (wait + Math.max(1, session.device.timeoutSeconds)) * 1000;
}

function resultsRequest(op: string, token: string, limits: SearchLimits): string {
  return (
    `<tse:${op}>${textElement("tse:SearchToken", token)}` +
    `<tse:MaxResults>${limits.maxResultsPerPage}</tse:MaxResults>` +
    `<tse:WaitTime>${limits.waitTime}</tse:WaitTime></tse:${op}>`
  );
}

function scope(recordingTokens: readonly string[]): string {
  return `<tse:Scope>${recordingTokens.map((t) => textElement("tt:IncludedRecordings", t)).join("")}</tse:Scope>`;
}

export function parseRecordingSearchResults(body: XmlElement): Page<RecordingInformation> {
  const r = requireResponse(body, NS.tse, "GetRecordingSearchResultsResponse");
  const list = childLoose(r, NS.tse, "ResultList");
  return {
    state: childText(list, NS.tt, "SearchState"),
    items: childrenLoose(list, NS.tt, "RecordingInformation").map(readRecordingInformation),
  };
}

/** FindRecordings over the given recordings (all when empty) and every result page. */
export async function findRecordings(
  session: OnvifSession,
  recordingTokens: readonly string[] = [],
  limits: SearchLimits = DEFAULT_SEARCH_LIMITS,
): Promise<RecordingInformation[]> {
  const started = await session.call({
    service: "search",
    action: action("FindRecordings"),
    body: `<tse:FindRecordings>${scope(recordingTokens)}<tse:KeepAliveTime>${KEEP_ALIVE}</tse:KeepAliveTime></tse:FindRecordings>`,
  });
  const token = parseSearchToken(started, "FindRecordingsResponse");
  return runSearch(session, token, limits, "GetRecordingSearchResults", parseRecordingSearchResults);
}

/** One tt:FindEventResult. */
export interface EventSearchResult {
  readonly recordingToken: string;
  readonly trackToken: string | null;
  /** ISO UTC; null when the device gave an unusable time. */
  readonly time: string | null;
  readonly startState: boolean;
  readonly event: EventMessage;
}

export function parseEventSearchResults(body: XmlElement): Page<EventSearchResult> {
  const r = requireResponse(body, NS.tse, "GetEventSearchResultsResponse");
  const list = childLoose(r, NS.tse, "ResultList");
  return {
    state: childText(list, NS.tt, "SearchState"),
    items: childrenLoose(list, NS.tt, "Result").map((res) => {
      const ev = childLoose(res, NS.tt, "Event");
      const event: EventMessage = ev
        ? parseEventMessage(ev)
        : { topic: null, utcTime: null, propertyOperation: null, source: {}, data: {} };
      const track = childText(res, NS.tt, "TrackToken");
      return {
        recordingToken: childText(res, NS.tt, "RecordingToken") ?? event.source["RecordingToken"] ?? "",
        trackToken: track || null,
        time: parseRecordingTime(childText(res, NS.tt, "Time") ?? event.utcTime),
        startState: childText(res, NS.tt, "StartStateEvent") === "true",
        event,
      };
    }),
  };
}

export interface FindEventsQuery {
  readonly fromMs: number;
  readonly toMs: number;
  readonly recordingTokens: readonly string[];
  /** Topic expressions, joined with "|" into one ConcreteSet expression. */
  readonly topics: readonly string[];
  readonly includeStartState: boolean;
}

export function findEventsBody(q: FindEventsQuery): string {
  return (
    "<tse:FindEvents>" +
    `<tse:StartPoint>${formatXsdDateTime(q.fromMs)}</tse:StartPoint>` +
    `<tse:EndPoint>${formatXsdDateTime(q.toMs)}</tse:EndPoint>` +
    scope(q.recordingTokens) +
    `<tse:SearchFilter><wsnt:TopicExpression Dialect="${CONCRETE_SET_DIALECT}">${escapeText(q.topics.join("|"))}</wsnt:TopicExpression></tse:SearchFilter>` +
    `<tse:IncludeStartState>${q.includeStartState}</tse:IncludeStartState>` +
    `<tse:KeepAliveTime>${KEEP_ALIVE}</tse:KeepAliveTime>` +
    "</tse:FindEvents>"
  );
}

/** FindEvents and every result page; EndSearch always. */
export async function findEvents(
  session: OnvifSession,
  q: FindEventsQuery,
  limits: SearchLimits = DEFAULT_SEARCH_LIMITS,
): Promise<EventSearchResult[]> {
  const started = await session.call({
    service: "search",
    action: action("FindEvents"),
    body: findEventsBody(q),
  });
  const token = parseSearchToken(started, "FindEventsResponse");
  return runSearch(session, token, limits, "GetEventSearchResults", parseEventSearchResults);
}
