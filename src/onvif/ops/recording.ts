import type {
  RecordingConfig,
  RecordingJob,
  RecordingJobState,
  TrackType,
} from "../../domain/observation.ts";
import { OnvifError } from "../errors.ts";
import { NS } from "../namespaces.ts";
import { requireResponse, responseElement } from "../soap/response.ts";
import { parseDurationSeconds } from "../time/duration.ts";
import type { OnvifSession } from "../types.ts";
import { attr, childLoose, childrenLoose, childText, type XmlElement } from "../xml/tree.ts";
import { escapeText } from "../xml/write.ts";

const action = (op: string): string => `${NS.trc}/${op}`;

const TRACK_TYPES: ReadonlySet<string> = new Set<TrackType>(["Video", "Audio", "Metadata", "Extended"]);

/** Unknown track types count as "Extended", which is what the schema calls everything else. */
export function trackType(t: string | null): TrackType {
  return t !== null && TRACK_TYPES.has(t) ? (t as TrackType) : "Extended";
}

/** The part of a tt:RecordingConfiguration the rules use. */
function readConfiguration(conf: XmlElement | null): Omit<RecordingConfig, "token" | "tracks"> {
  const source = childLoose(conf, NS.tt, "Source");
  const retention = childText(conf, NS.tt, "MaximumRetentionTime");
  return {
    sourceId: childText(source, NS.tt, "SourceId") ?? "",
    sourceName: childText(source, NS.tt, "Name") ?? "",
    maximumRetentionSeconds: retention ? parseDurationSeconds(retention) : null,
  };
}

export function parseRecordings(body: XmlElement): RecordingConfig[] {
  const r = responseElement(body, NS.trc, "GetRecordingsResponse");
  // An empty Body means "no recordings" on some firmware (agsh/onvif#292).
  if (!r) return [];
  return childrenLoose(r, NS.trc, "RecordingItem").flatMap((item) => {
    const token = childText(item, NS.tt, "RecordingToken");
    if (!token) return [];
    const tracks = childrenLoose(childLoose(item, NS.tt, "Tracks"), NS.tt, "Track").flatMap((t) => {
      const tt = childText(t, NS.tt, "TrackToken");
      if (!tt) return [];
      return [
        { token: tt, type: trackType(childText(childLoose(t, NS.tt, "Configuration"), NS.tt, "TrackType")) },
      ];
    });
    return [{ token, ...readConfiguration(childLoose(item, NS.tt, "Configuration")), tracks }];
  });
}

export async function getRecordings(session: OnvifSession): Promise<RecordingConfig[]> {
  const body = await session.call({
    service: "recording",
    action: action("GetRecordings"),
    body: "<trc:GetRecordings/>",
  });
  return parseRecordings(body);
}

/** One recording's configuration (no tracks: GetRecordingConfiguration does not list them). */
export type RecordingConfiguration = Omit<RecordingConfig, "tracks">;

export function parseRecordingConfiguration(body: XmlElement, token: string): RecordingConfiguration {
  const r = requireResponse(body, NS.trc, "GetRecordingConfigurationResponse");
  const conf = childLoose(r, NS.trc, "RecordingConfiguration");
  if (!conf) throw new OnvifError({ kind: "malformed", message: "answer has no RecordingConfiguration" });
  return { token, ...readConfiguration(conf) };
}

export async function getRecordingConfiguration(
  session: OnvifSession,
  token: string,
): Promise<RecordingConfiguration> {
  const body = await session.call({
    service: "recording",
    action: action("GetRecordingConfiguration"),
    body: `<trc:GetRecordingConfiguration><trc:RecordingToken>${escapeText(token)}</trc:RecordingToken></trc:GetRecordingConfiguration>`,
  });
  return parseRecordingConfiguration(body, token);
}

export function parseRecordingJobs(body: XmlElement): RecordingJob[] {
  const r = responseElement(body, NS.trc, "GetRecordingJobsResponse");
  if (!r) return [];
  return childrenLoose(r, NS.trc, "JobItem").flatMap((item) => {
    const token = childText(item, NS.tt, "JobToken");
    const conf = childLoose(item, NS.tt, "JobConfiguration");
    const recordingToken = childText(conf, NS.tt, "RecordingToken");
    if (!token || !conf || !recordingToken) return [];
    const sourceTokens = childrenLoose(conf, NS.tt, "Source").flatMap((s) => {
      const t = childText(childLoose(s, NS.tt, "SourceToken"), NS.tt, "Token");
      return t ? [t] : [];
    });
    return [
      {
        token,
        recordingToken,
        mode: childText(conf, NS.tt, "Mode") ?? "",
        scheduleToken: attr(conf, "ScheduleToken") || null,
        eventTriggered: childLoose(conf, NS.tt, "EventFilter") !== null,
        sourceTokens,
      },
    ];
  });
}

export async function getRecordingJobs(session: OnvifSession): Promise<RecordingJob[]> {
  const body = await session.call({
    service: "recording",
    action: action("GetRecordingJobs"),
    body: "<trc:GetRecordingJobs/>",
  });
  return parseRecordingJobs(body);
}

export function parseRecordingJobState(body: XmlElement): RecordingJobState {
  const r = requireResponse(body, NS.trc, "GetRecordingJobStateResponse");
  const st = childLoose(r, NS.trc, "State");
  if (!st) throw new OnvifError({ kind: "malformed", message: "GetRecordingJobStateResponse has no State" });
  return {
    recordingToken: childText(st, NS.tt, "RecordingToken") ?? "",
    state: childText(st, NS.tt, "State") ?? "",
    sources: childrenLoose(st, NS.tt, "Sources").map((s) => ({
      sourceToken: childText(childLoose(s, NS.tt, "SourceToken"), NS.tt, "Token") ?? "",
      state: childText(s, NS.tt, "State") ?? "",
      tracks: childrenLoose(childLoose(s, NS.tt, "Tracks"), NS.tt, "Track").map((t) => ({
        sourceTag: childText(t, NS.tt, "SourceTag") ?? "",
        destination: childText(t, NS.tt, "Destination") ?? "",
        state: childText(t, NS.tt, "State") ?? "",
        error: childText(t, NS.tt, "Error") || null,
      })),
    })),
  };
}

export async function getRecordingJobState(
  session: OnvifSession,
  jobToken: string,
): Promise<RecordingJobState> {
  const body = await session.call({
    service: "recording",
    action: action("GetRecordingJobState"),
    body: `<trc:GetRecordingJobState><trc:JobToken>${escapeText(jobToken)}</trc:JobToken></trc:GetRecordingJobState>`,
  });
  return parseRecordingJobState(body);
}
