import type { ChannelRuntime } from "../channel.ts";
import type { SimDevice } from "../device.ts";
import { FaultAnswer, fault } from "../faults.ts";
import { textAt } from "../soapRequest.ts";
import {
  analyticsToken,
  encoderToken,
  profileToken,
  resolveProfile,
  snapshotUri,
  streamUri,
  streamsOf,
  videoSourceConfigToken,
  videoSourceToken,
  type StreamDef,
} from "../streams.ts";
import { NS, el } from "../xml.ts";
import { modulesXml, rulesXml } from "./analyticsRules.ts";
import { serviceCapabilities } from "./capabilities.ts";
import type { ServiceDef } from "./types.ts";

function sourceConfig(d: SimDevice, n: number, tag: string): string {
  return (
    `<${tag} token="${videoSourceConfigToken(n)}">${el("tt:Name", `VideoSourceConfig_Channel${n}`)}` +
    `${el("tt:UseCount", d.spec.streamsPerChannel)}${el("tt:SourceToken", videoSourceToken(n))}` +
    `<tt:Bounds x="0" y="0" width="2560" height="1440"/></${tag}>`
  );
}

function multicast(n: number, s: StreamDef): string {
  return (
    `<tt:Multicast><tt:Address><tt:Type>IPv4</tt:Type><tt:IPv4Address>0.0.0.0</tt:IPv4Address></tt:Address>` +
    `${el("tt:Port", 8600 + n * 4 + s.index)}${el("tt:TTL", 64)}${el("tt:AutoStart", false)}</tt:Multicast>`
  );
}

/** Media1 knows JPEG/MPEG4/H264 only: an H.265 stream has no VideoEncoderConfiguration (agsh/onvif#109). */
function encoderConfig1(ch: ChannelRuntime, s: StreamDef): string {
  if (ch.spec.encoding === "H265") return "";
  return (
    `<tt:VideoEncoderConfiguration token="${encoderToken(ch.n, s)}">${el("tt:Name", `VideoEncoder_Channel${ch.n}_${s.label}`)}` +
    `${el("tt:UseCount", 1)}${el("tt:Encoding", "H264")}` +
    `<tt:Resolution>${el("tt:Width", s.width)}${el("tt:Height", s.height)}</tt:Resolution>${el("tt:Quality", 4)}` +
    `<tt:RateControl>${el("tt:FrameRateLimit", s.fps)}${el("tt:EncodingInterval", 1)}${el("tt:BitrateLimit", s.kbps)}</tt:RateControl>` +
    `<tt:H264>${el("tt:GovLength", s.fps * 2)}${el("tt:H264Profile", "Main")}</tt:H264>` +
    `${multicast(ch.n, s)}${el("tt:SessionTimeout", "PT60S")}</tt:VideoEncoderConfiguration>`
  );
}

export function analyticsConfig(d: SimDevice, ch: ChannelRuntime, tag: string): string {
  return (
    `<${tag} token="${analyticsToken(ch.n)}">${el("tt:Name", `VideoAnalyticsConfig_Channel${ch.n}`)}` +
    `${el("tt:UseCount", d.spec.streamsPerChannel)}` +
    `<tt:AnalyticsEngineConfiguration>${modulesXml("tt:AnalyticsModule")}</tt:AnalyticsEngineConfiguration>` +
    `<tt:RuleEngineConfiguration>${rulesXml(ch, "tt:Rule")}</tt:RuleEngineConfiguration></${tag}>`
  );
}

function profile1(d: SimDevice, ch: ChannelRuntime, s: StreamDef): string {
  const analytics = d.spec.analytics ? analyticsConfig(d, ch, "tt:VideoAnalyticsConfiguration") : "";
  return (
    `<trt:Profiles token="${profileToken(ch.n, s)}" fixed="true">${el("tt:Name", `${ch.name} ${s.label}`.slice(0, 64))}` +
    `${sourceConfig(d, ch.n, "tt:VideoSourceConfiguration")}${encoderConfig1(ch, s)}${analytics}</trt:Profiles>`
  );
}

/** All Media1 profiles of one channel, cached until the channel or device changes. */
function channelProfiles1(d: SimDevice, ch: ChannelRuntime): string {
  let xml = ch.cache.get("profiles1");
  if (xml === undefined) {
    xml = streamsOf(d)
      .map((s) => profile1(d, ch, s))
      .join("");
    ch.cache.set("profiles1", xml);
  }
  return xml;
}

function needProfile(d: SimDevice, token: string | null): ReturnType<typeof resolveProfile> & object {
  const p = resolveProfile(d, token);
  if (!p)
    throw new FaultAnswer(
      fault.invalidArgVal("NoProfile", `The requested profile token ${token ?? ""} does not exist`),
    );
  return p;
}

function mediaUri(tag: string, uri: string): string {
  return `<${tag}>${el("tt:Uri", uri)}${el("tt:InvalidAfterConnect", false)}${el("tt:InvalidAfterReboot", false)}${el("tt:Timeout", "PT60S")}</${tag}>`;
}

const online = (d: SimDevice): ChannelRuntime[] => d.channels.filter((c) => c.spec.online);

export const mediaService: ServiceDef = {
  key: "media",
  namespaces: [NS.trt],
  enabled: () => true,
  handlers: {
    GetServiceCapabilities: ({ device }) =>
      `<trt:GetServiceCapabilitiesResponse>${serviceCapabilities(device, "media")}</trt:GetServiceCapabilitiesResponse>`,

    GetProfiles: ({ device }) =>
      `<trt:GetProfilesResponse>${online(device)
        .map((c) => channelProfiles1(device, c))
        .join("")}</trt:GetProfilesResponse>`,

    GetProfile: ({ device, op }) => {
      const { ch, stream } = needProfile(device, textAt(op, "ProfileToken"));
      return `<trt:GetProfileResponse>${profile1(device, ch, stream)
        .replace(/^<trt:Profiles /, "<trt:Profile ")
        .replace(/<\/trt:Profiles>$/, "</trt:Profile>")}</trt:GetProfileResponse>`;
    },

    GetStreamUri: ({ device, op }) => {
      const { ch, stream } = needProfile(device, textAt(op, "ProfileToken"));
      const protocol = textAt(op, "StreamSetup", "Transport", "Protocol");
      if (protocol !== null && !["RTSP", "TCP", "UDP", "HTTP"].includes(protocol)) {
        throw new FaultAnswer(
          fault.invalidArgVal("InvalidStreamSetup", `Transport protocol ${protocol} is not supported`),
        );
      }
      return `<trt:GetStreamUriResponse>${mediaUri("trt:MediaUri", streamUri(device, ch.n, stream))}</trt:GetStreamUriResponse>`;
    },

    GetSnapshotUri: ({ device, op }) => {
      const { ch, stream } = needProfile(device, textAt(op, "ProfileToken"));
      return `<trt:GetSnapshotUriResponse>${mediaUri("trt:MediaUri", snapshotUri(device, ch.n, stream))}</trt:GetSnapshotUriResponse>`;
    },

    GetVideoSources: ({ device }) =>
      `<trt:GetVideoSourcesResponse>${online(device)
        .map(
          (c) =>
            `<trt:VideoSources token="${videoSourceToken(c.n)}">${el("tt:Framerate", 25)}` +
            `<tt:Resolution>${el("tt:Width", 2560)}${el("tt:Height", 1440)}</tt:Resolution></trt:VideoSources>`,
        )
        .join("")}</trt:GetVideoSourcesResponse>`,

    GetVideoSourceConfigurations: ({ device }) =>
      `<trt:GetVideoSourceConfigurationsResponse>${online(device)
        .map((c) => sourceConfig(device, c.n, "trt:Configurations"))
        .join("")}</trt:GetVideoSourceConfigurationsResponse>`,

    GetVideoAnalyticsConfigurations: ({ device }) => {
      if (!device.spec.analytics) return `<trt:GetVideoAnalyticsConfigurationsResponse/>`;
      return `<trt:GetVideoAnalyticsConfigurationsResponse>${online(device)
        .map((c) => analyticsConfig(device, c, "trt:Configurations"))
        .join("")}</trt:GetVideoAnalyticsConfigurationsResponse>`;
    },
  },
};
