import type { ChannelRuntime } from "../channel.ts";
import type { SearchSession, SimDevice } from "../device.ts";
import { FaultAnswer, fault } from "../faults.ts";
import {
  channelHistory,
  stateAt,
  HISTORY_TOPICS,
  HISTORY_TRACKS,
  type HistoryEvent,
  type HistoryTopic,
} from "../history.ts";
import { child, childrenNamed, textAt, type XNode } from "../soapRequest.ts";
import { recordingToken, videoSourceToken, mainProfileToken, channelOfToken } from "../streams.ts";
import { EPOCH_PLACEHOLDER, parseDurationMs } from "../time.ts";
import { CONCRETE_SET, NS, el } from "../xml.ts";
import { serviceCapabilities } from "./capabilities.ts";
import { TRACKS, sourceInfo } from "./recording.ts";
import type { ServiceDef } from "./types.ts";

/** Results handed out per GetXxxSearchResults call at most, whatever MaxResults asks. */
export const PAGE_CAP = 100;
const MIN_KEEPALIVE_MS = 1000;

function dataFromIso(d: SimDevice, ch: ChannelRuntime): string {
  return ch.earliestMs === null ? EPOCH_PLACEHOLDER : d.deviceIso(ch.earliestMs);
}

/** tt:RecordingInformation content (without the wrapper) for GetRecordingInformation and FindRecordings. */
function recordingInformation(d: SimDevice, ch: ChannelRuntime, tag: string): string {
  const from = dataFromIso(d, ch);
  const to = d.deviceIso(ch.dataToMs(d.now()));
  const tracks = TRACKS.map(
    (t) =>
      `<tt:Track>${el("tt:TrackToken", t.token)}${el("tt:TrackType", t.type)}${el("tt:Description", t.description)}` +
      `${el("tt:DataFrom", from)}${el("tt:DataTo", to)}</tt:Track>`,
  ).join("");
  const status = ch.frozenAtMs !== null && ch.frozenCause === "stopped" ? "Stopped" : "Recording";
  return (
    `<${tag}>${el("tt:RecordingToken", recordingToken(ch.n))}${sourceInfo(ch)}` +
    `${el("tt:EarliestRecording", from)}${el("tt:LatestRecording", to)}${el("tt:Content", `Channel ${ch.n}`)}` +
    `${tracks}${el("tt:RecordingStatus", status)}</${tag}>`
  );
}

/** The recordings a tt:SearchScope names (none named: all of them). */
function scoped(d: SimDevice, scope: XNode | null): ChannelRuntime[] {
  const recs = childrenNamed(scope, "IncludedRecordings").map((x) => x.text.trim());
  const sources = childrenNamed(scope, "IncludedSources").map((x) => textAt(x, "Token") ?? x.text.trim());
  return d.channels.filter((c) => {
    if (!c.spec.recording) return false;
    if (recs.length > 0 && !recs.includes(recordingToken(c.n))) return false;
    if (
      sources.length > 0 &&
      !sources.includes(videoSourceToken(c.n)) &&
      !sources.includes(mainProfileToken(c.n))
    )
      return false;
    return true;
  });
}

/** Which history topics a ConcreteSet topic expression selects ("a|b", "X//." for a subtree). */
export function topicsSelected(filter: XNode | null): Set<HistoryTopic> {
  const expr = child(filter, "TopicExpression");
  if (!expr || expr.text.trim() === "") return new Set(HISTORY_TOPICS);
  const out = new Set<HistoryTopic>();
  for (const raw of expr.text.split("|")) {
    let t = raw.trim();
    const colon = t.indexOf(":");
    if (colon > 0) {
      const prefix = t.slice(0, colon);
      const ns = expr.scope[prefix];
      if (ns !== undefined && ns !== NS.tns1) continue;
      t = t.slice(colon + 1);
    }
    const subtree = t.endsWith("//.") ? t.slice(0, -3) : t.endsWith("/*") ? t.slice(0, -2) : null;
    for (const topic of HISTORY_TOPICS) {
      if (subtree !== null ? topic === subtree || topic.startsWith(`${subtree}/`) : topic === t)
        out.add(topic);
    }
  }
  return out;
}

function needSearch(d: SimDevice, op: XNode, kind: SearchSession["kind"]): SearchSession {
  d.expire();
  const token = textAt(op, "SearchToken") ?? "";
  const s = d.searches.get(token);
  if (!s || s.kind !== kind)
    throw new FaultAnswer(fault.invalidArgVal("InvalidToken", `The search token ${token} is invalid`));
  s.lastUsedMs = d.now();
  return s;
}

function keepAlive(op: XNode): number {
  const ms = parseDurationMs(textAt(op, "KeepAliveTime"));
  if (ms === null) throw new FaultAnswer(fault.invalidArgVal(null, "KeepAliveTime is not an xs:duration"));
  return Math.max(ms, MIN_KEEPALIVE_MS);
}

function start(
  d: SimDevice,
  kind: SearchSession["kind"],
  results: string[],
  op: XNode,
  endPoint: string,
): SearchSession {
  const s = d.newSearch(kind, results, keepAlive(op), endPoint);
  if (!s) throw new FaultAnswer(fault.receiverAction("ResourceProblem", "Too many concurrent searches"));
  return s;
}

function page(s: SearchSession, op: XNode): { state: "Searching" | "Completed"; items: readonly string[] } {
  const asked = Number(textAt(op, "MaxResults") ?? PAGE_CAP);
  const size = Math.max(1, Math.min(PAGE_CAP, Number.isFinite(asked) ? asked : PAGE_CAP));
  const items = s.results.slice(s.next, s.next + size);
  s.next += items.length;
  return { state: s.next >= s.results.length ? "Completed" : "Searching", items };
}

function resultXml(
  d: SimDevice,
  ch: ChannelRuntime,
  e: HistoryEvent,
  startState: boolean,
  atMs?: number,
): string {
  const time = d.deviceIso(atMs ?? e.atMs);
  const rec = recordingToken(ch.n);
  const item = (name: string, value: string | boolean): string =>
    `<tt:SimpleItem Name="${name}" Value="${value}"/>`;
  let track = "";
  let source = item("RecordingToken", rec);
  let data: string;
  switch (e.topic) {
    case "RecordingHistory/Track/State":
      track = e.track;
      source += item("Track", e.track);
      data = item("IsDataPresent", e.value);
      break;
    case "RecordingHistory/Recording/State":
      data = item("IsRecording", e.value);
      break;
    case "RecordingConfig/DeleteTrackData":
      track = e.track;
      source += item("TrackToken", e.track);
      data = item("StartTime", d.deviceIso(e.dataStartMs)) + item("EndTime", d.deviceIso(e.dataEndMs));
      break;
  }
  return (
    `<tt:Result>${el("tt:RecordingToken", rec)}${el("tt:TrackToken", track)}${el("tt:Time", time)}` +
    `<tt:Event><wsnt:Topic Dialect="${CONCRETE_SET}">tns1:${e.topic}</wsnt:Topic><wsnt:Message>` +
    `<tt:Message UtcTime="${time}" PropertyOperation="${startState ? "Initialized" : "Changed"}">` +
    `<tt:Source>${source}</tt:Source><tt:Data>${data}</tt:Data></tt:Message></wsnt:Message></tt:Event>` +
    `${el("tt:StartStateEvent", startState)}</tt:Result>`
  );
}

function findEvents(d: SimDevice, op: XNode): string[] {
  const startText = textAt(op, "StartPoint");
  const startDev = startText ? Date.parse(startText) : NaN;
  if (Number.isNaN(startDev))
    throw new FaultAnswer(fault.invalidArgVal(null, "StartPoint is not an xs:dateTime"));
  const endText = textAt(op, "EndPoint");
  const endDev = endText ? Date.parse(endText) : d.deviceNow();
  if (Number.isNaN(endDev))
    throw new FaultAnswer(fault.invalidArgVal(null, "EndPoint is not an xs:dateTime"));
  const startMs = d.toSim(startDev);
  const endMs = d.toSim(endDev);
  const backwards = endMs < startMs;
  const [lo, hi] = backwards ? [endMs, startMs] : [startMs, endMs];
  const topics = topicsSelected(child(op, "SearchFilter"));
  const includeStart = textAt(op, "IncludeStartState") === "true";
  const maxMatches = Number(textAt(op, "MaxMatches") ?? Infinity);
  const now = d.now();
  const found: { atMs: number; order: number; first: boolean; xml: string }[] = [];
  let order = 0;
  for (const ch of scoped(d, child(op, "Scope"))) {
    if (includeStart) {
      const st = stateAt(ch, startMs, now);
      if (topics.has("RecordingHistory/Recording/State")) {
        const e: HistoryEvent = {
          topic: "RecordingHistory/Recording/State",
          atMs: startMs,
          value: st.recording,
        };
        found.push({ atMs: startMs, order: order++, first: true, xml: resultXml(d, ch, e, true) });
      }
      if (topics.has("RecordingHistory/Track/State")) {
        for (const track of HISTORY_TRACKS) {
          const e: HistoryEvent = {
            topic: "RecordingHistory/Track/State",
            atMs: startMs,
            track,
            value: st.dataPresent,
          };
          found.push({ atMs: startMs, order: order++, first: true, xml: resultXml(d, ch, e, true) });
        }
      }
    }
    for (const e of channelHistory(ch, now)) {
      if (!topics.has(e.topic) || e.atMs < lo || e.atMs > hi) continue;
      found.push({ atMs: e.atMs, order: order++, first: false, xml: resultXml(d, ch, e, false) });
    }
  }
  // Start-state events come first in either direction; then time order (reversed for backward searches).
  found.sort((a, b) => {
    if (a.first !== b.first) return a.first ? -1 : 1;
    return (backwards ? b.atMs - a.atMs : a.atMs - b.atMs) || a.order - b.order;
  });
  const limited = Number.isFinite(maxMatches) && maxMatches >= 0 ? found.slice(0, maxMatches) : found;
  return limited.map((f) => f.xml);
}

export const searchService: ServiceDef = {
  key: "search",
  namespaces: [NS.tse],
  enabled: (d) => d.spec.profileG,
  handlers: {
    GetServiceCapabilities: ({ device }) =>
      `<tse:GetServiceCapabilitiesResponse>${serviceCapabilities(device, "search")}</tse:GetServiceCapabilitiesResponse>`,

    GetRecordingSummary: ({ device }) => {
      const recs = device.channels.filter((c) => c.spec.recording);
      const now = device.now();
      if (recs.length === 0) {
        return `<tse:GetRecordingSummaryResponse><tse:Summary>${el("tt:DataFrom", EPOCH_PLACEHOLDER)}${el("tt:DataUntil", EPOCH_PLACEHOLDER)}${el("tt:NumberRecordings", 0)}</tse:Summary></tse:GetRecordingSummaryResponse>`;
      }
      const placeholder = recs.some((c) => c.earliestMs === null);
      const from = placeholder
        ? EPOCH_PLACEHOLDER
        : device.deviceIso(Math.min(...recs.map((c) => c.earliestMs ?? now)));
      const until = device.deviceIso(Math.max(...recs.map((c) => c.dataToMs(now))));
      return (
        `<tse:GetRecordingSummaryResponse><tse:Summary>${el("tt:DataFrom", from)}${el("tt:DataUntil", until)}` +
        `${el("tt:NumberRecordings", recs.length)}</tse:Summary></tse:GetRecordingSummaryResponse>`
      );
    },

    GetRecordingInformation: ({ device, op }) => {
      const token = textAt(op, "RecordingToken");
      const ch = channelOfToken(device, token, "RecordingToken");
      if (!ch)
        throw new FaultAnswer(
          fault.invalidArgVal(
            "NoRecording",
            `The RecordingToken ${token ?? ""} does not reference an existing recording`,
          ),
        );
      return `<tse:GetRecordingInformationResponse>${recordingInformation(device, ch, "tse:RecordingInformation")}</tse:GetRecordingInformationResponse>`;
    },

    FindRecordings: ({ device, op }) => {
      const maxMatches = Number(textAt(op, "MaxMatches") ?? Infinity);
      let chans = scoped(device, child(op, "Scope"));
      if (Number.isFinite(maxMatches) && maxMatches >= 0) chans = chans.slice(0, maxMatches);
      const results = chans.map((c) => recordingInformation(device, c, "tt:RecordingInformation"));
      const s = start(device, "recordings", results, op, device.deviceIso(device.now()));
      return `<tse:FindRecordingsResponse>${el("tse:SearchToken", s.token)}</tse:FindRecordingsResponse>`;
    },

    GetRecordingSearchResults: ({ device, op }) => {
      const { state, items } = page(needSearch(device, op, "recordings"), op);
      return `<tse:GetRecordingSearchResultsResponse><tse:ResultList>${el("tt:SearchState", state)}${items.join("")}</tse:ResultList></tse:GetRecordingSearchResultsResponse>`;
    },

    FindEvents: ({ device, op }) => {
      const results = findEvents(device, op);
      const end = textAt(op, "EndPoint") ?? device.deviceIso(device.now());
      const s = start(device, "events", results, op, end);
      return `<tse:FindEventsResponse>${el("tse:SearchToken", s.token)}</tse:FindEventsResponse>`;
    },

    GetEventSearchResults: ({ device, op }) => {
      const { state, items } = page(needSearch(device, op, "events"), op);
      return `<tse:GetEventSearchResultsResponse><tse:ResultList>${el("tt:SearchState", state)}${items.join("")}</tse:ResultList></tse:GetEventSearchResultsResponse>`;
    },

    GetSearchState: ({ device, op }) => {
      device.expire();
      const token = textAt(op, "SearchToken") ?? "";
      const s = device.searches.get(token);
      if (!s)
        throw new FaultAnswer(fault.invalidArgVal("InvalidToken", `The search token ${token} is invalid`));
      return `<tse:GetSearchStateResponse>${el("tse:State", s.next >= s.results.length ? "Completed" : "Searching")}</tse:GetSearchStateResponse>`;
    },

    EndSearch: ({ device, op }) => {
      device.expire();
      const token = textAt(op, "SearchToken") ?? "";
      const s = device.searches.get(token);
      if (!s)
        throw new FaultAnswer(fault.invalidArgVal("InvalidToken", `The search token ${token} is invalid`));
      device.searches.delete(token);
      return `<tse:EndSearchResponse>${el("tse:Endpoint", s.endPoint)}</tse:EndSearchResponse>`;
    },
  },
};
