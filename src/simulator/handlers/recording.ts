import type { ChannelRuntime } from "../channel.ts";
import type { SimDevice } from "../device.ts";
import { FaultAnswer, fault } from "../faults.ts";
import { textAt } from "../soapRequest.ts";
import { channelOfToken, jobToken, mainProfileToken, recordingToken, videoSourceToken } from "../streams.ts";
import { NS, el } from "../xml.ts";
import { serviceCapabilities } from "./capabilities.ts";
import type { ServiceDef } from "./types.ts";

export const TRACKS = [
  { token: "VIDEO001", type: "Video", description: "Video track", tag: "video" },
  { token: "AUDIO001", type: "Audio", description: "Audio track", tag: "audio" },
  { token: "META001", type: "Metadata", description: "Metadata track", tag: "metadata" },
] as const;

/** tt:RecordingSourceInformation of a channel's recording (shared with the search service). */
export function sourceInfo(ch: ChannelRuntime): string {
  let xml = ch.cache.get("sourceInfo");
  if (xml === undefined) {
    xml =
      `<tt:Source>${el("tt:SourceId", videoSourceToken(ch.n))}${el("tt:Name", ch.name)}${el("tt:Location", "")}` +
      `${el("tt:Description", `Channel ${ch.n} recording`)}${el("tt:Address", `http://192.168.1.${(100 + ch.n) % 255}/onvif/device_service`)}</tt:Source>`;
    ch.cache.set("sourceInfo", xml);
  }
  return xml;
}

function recordingConfiguration(ch: ChannelRuntime, tag: string): string {
  return `<${tag}>${sourceInfo(ch)}${el("tt:Content", `Channel ${ch.n}`)}${el("tt:MaximumRetentionTime", ch.spec.maximumRetention)}</${tag}>`;
}

function recordingItem(ch: ChannelRuntime): string {
  let xml = ch.cache.get("recordingItem");
  if (xml === undefined) {
    const tracks = TRACKS.map(
      (t) =>
        `<tt:Track>${el("tt:TrackToken", t.token)}<tt:Configuration>${el("tt:TrackType", t.type)}` +
        `${el("tt:Description", t.description)}</tt:Configuration></tt:Track>`,
    ).join("");
    xml =
      `<trc:RecordingItem>${el("tt:RecordingToken", recordingToken(ch.n))}` +
      `${recordingConfiguration(ch, "tt:Configuration")}<tt:Tracks>${tracks}</tt:Tracks></trc:RecordingItem>`;
    ch.cache.set("recordingItem", xml);
  }
  return xml;
}

function jobConfiguration(ch: ChannelRuntime, tag: string): string {
  const s = ch.spec;
  const schedule = s.scheduleToken !== null ? ` ScheduleToken="${s.scheduleToken}"` : "";
  const filter = s.eventOnly
    ? `<tt:EventFilter><tt:Filter>${el("tt:Topic", "tns1:RuleEngine/CellMotionDetector/Motion")}</tt:Filter>` +
      `<tt:Filter>${el("tt:Topic", "tns1:VideoSource/MotionAlarm")}</tt:Filter>` +
      `${el("tt:Before", "PT5S")}${el("tt:After", "PT30S")}</tt:EventFilter>`
    : "";
  const tracks = TRACKS.map(
    (t) => `<tt:Tracks>${el("tt:SourceTag", t.tag)}${el("tt:Destination", t.token)}</tt:Tracks>`,
  ).join("");
  return (
    `<${tag}${schedule}>${el("tt:RecordingToken", recordingToken(ch.n))}${el("tt:Mode", s.jobMode)}${el("tt:Priority", 1)}` +
    `<tt:Source><tt:SourceToken Type="http://www.onvif.org/ver10/schema/Profile">${el("tt:Token", mainProfileToken(ch.n))}</tt:SourceToken>` +
    `${tracks}</tt:Source>${filter}</${tag}>`
  );
}

function needRecording(d: SimDevice, token: string | null): ChannelRuntime {
  const ch = channelOfToken(d, token, "RecordingToken");
  if (!ch)
    throw new FaultAnswer(
      fault.invalidArgVal(
        "NoRecording",
        `The RecordingToken ${token ?? ""} does not reference an existing recording`,
      ),
    );
  return ch;
}

function needJob(d: SimDevice, token: string | null): ChannelRuntime {
  const ch = channelOfToken(d, token, "RecordingJob");
  if (!ch)
    throw new FaultAnswer(
      fault.invalidArgVal("NoRecordingJob", `The JobToken ${token ?? ""} does not reference an existing job`),
    );
  return ch;
}

const recorded = (d: SimDevice): ChannelRuntime[] => d.channels.filter((c) => c.spec.recording);

export const recordingService: ServiceDef = {
  key: "recording",
  namespaces: [NS.trc],
  enabled: (d) => d.spec.profileG,
  handlers: {
    GetServiceCapabilities: ({ device }) =>
      `<trc:GetServiceCapabilitiesResponse>${serviceCapabilities(device, "recording")}</trc:GetServiceCapabilitiesResponse>`,

    GetRecordings: ({ device }) =>
      `<trc:GetRecordingsResponse>${recorded(device).map(recordingItem).join("")}</trc:GetRecordingsResponse>`,

    GetRecordingConfiguration: ({ device, op }) => {
      const ch = needRecording(device, textAt(op, "RecordingToken"));
      return `<trc:GetRecordingConfigurationResponse>${recordingConfiguration(ch, "trc:RecordingConfiguration")}</trc:GetRecordingConfigurationResponse>`;
    },

    GetRecordingJobs: ({ device }) =>
      `<trc:GetRecordingJobsResponse>${recorded(device)
        .map(
          (c) =>
            `<trc:JobItem>${el("tt:JobToken", jobToken(c.n))}${jobConfiguration(c, "tt:JobConfiguration")}</trc:JobItem>`,
        )
        .join("")}</trc:GetRecordingJobsResponse>`,

    GetRecordingJobConfiguration: ({ device, op }) => {
      const ch = needJob(device, textAt(op, "JobToken"));
      return `<trc:GetRecordingJobConfigurationResponse>${jobConfiguration(ch, "trc:JobConfiguration")}</trc:GetRecordingJobConfigurationResponse>`;
    },

    GetRecordingJobState: ({ device, op }) => {
      const ch = needJob(device, textAt(op, "JobToken"));
      const js = ch.jobState();
      const track = (tag: string, dest: string, t: { state: string; error: string | null }): string =>
        `<tt:Track>${el("tt:SourceTag", tag)}${el("tt:Destination", dest)}${t.error !== null ? el("tt:Error", t.error) : ""}${el("tt:State", t.state)}</tt:Track>`;
      const meta = js.state === "Idle" || js.state === "Error" ? js.state : "Active";
      return (
        `<trc:GetRecordingJobStateResponse><trc:State>${el("tt:RecordingToken", recordingToken(ch.n))}${el("tt:State", js.state)}` +
        `<tt:Sources><tt:SourceToken Type="http://www.onvif.org/ver10/schema/Profile">${el("tt:Token", mainProfileToken(ch.n))}</tt:SourceToken>` +
        `${el("tt:State", js.state)}<tt:Tracks>${track("video", "VIDEO001", js.video)}${track("audio", "AUDIO001", js.audio)}` +
        `${track("metadata", "META001", { state: meta, error: meta === "Error" ? "Recording failed" : null })}</tt:Tracks></tt:Sources>` +
        `</trc:State></trc:GetRecordingJobStateResponse>`
      );
    },
  },
};
