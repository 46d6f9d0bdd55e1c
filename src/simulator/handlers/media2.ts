import type { ChannelRuntime } from "../channel.ts";
import type { SimDevice } from "../device.ts";
import { FaultAnswer, fault } from "../faults.ts";
import { childrenNamed, textAt } from "../soapRequest.ts";
import {
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
import { serviceCapabilities } from "./capabilities.ts";
import { analyticsConfig } from "./media.ts";
import type { ServiceDef } from "./types.ts";

function profile2(d: SimDevice, ch: ChannelRuntime, s: StreamDef, types: readonly string[]): string {
  const want = (t: string): boolean => types.includes("All") || types.includes(t);
  let conf = "";
  if (want("VideoSource")) {
    conf +=
      `<tr2:VideoSource token="${videoSourceConfigToken(ch.n)}">${el("tt:Name", `VideoSourceConfig_Channel${ch.n}`)}` +
      `${el("tt:UseCount", d.spec.streamsPerChannel)}${el("tt:SourceToken", videoSourceToken(ch.n))}` +
      `<tt:Bounds x="0" y="0" width="2560" height="1440"/></tr2:VideoSource>`;
  }
  if (want("VideoEncoder")) {
    const h265 = ch.spec.encoding === "H265";
    conf +=
      `<tr2:VideoEncoder token="${encoderToken(ch.n, s)}" GovLength="${s.fps * 2}" Profile="Main">` +
      `${el("tt:Name", `VideoEncoder_Channel${ch.n}_${s.label}`)}${el("tt:UseCount", 1)}${el("tt:Encoding", h265 ? "H265" : "H264")}` +
      `<tt:Resolution>${el("tt:Width", s.width)}${el("tt:Height", s.height)}</tt:Resolution>` +
      `<tt:RateControl ConstantBitRate="false">${el("tt:FrameRateLimit", s.fps)}${el("tt:BitrateLimit", s.kbps)}</tt:RateControl>` +
      `${el("tt:Quality", 4)}</tr2:VideoEncoder>`;
  }
  if (want("Analytics") && d.spec.analytics) conf += analyticsConfig(d, ch, "tr2:Analytics");
  return (
    `<tr2:Profiles token="${profileToken(ch.n, s)}" fixed="true">${el("tr2:Name", `${ch.name} ${s.label}`.slice(0, 64))}` +
    (conf ? `<tr2:Configurations>${conf}</tr2:Configurations>` : "") +
    `</tr2:Profiles>`
  );
}

function needProfile(d: SimDevice, token: string | null): NonNullable<ReturnType<typeof resolveProfile>> {
  const p = resolveProfile(d, token);
  if (!p)
    throw new FaultAnswer(
      fault.invalidArgVal("NoProfile", `The requested profile token ${token ?? ""} does not exist`),
    );
  return p;
}

const PROTOCOLS = ["RtspUnicast", "RtspMulticast", "RTSP", "RtspOverHttp"];

export const media2Service: ServiceDef = {
  key: "media2",
  namespaces: [NS.tr2],
  enabled: (d) => d.spec.media2,
  handlers: {
    GetServiceCapabilities: ({ device }) =>
      `<tr2:GetServiceCapabilitiesResponse>${serviceCapabilities(device, "media2")}</tr2:GetServiceCapabilitiesResponse>`,

    GetProfiles: ({ device, op }) => {
      const token = textAt(op, "Token");
      const types = childrenNamed(op, "Type").map((t) => t.text.trim());
      if (token !== null) {
        const { ch, stream } = needProfile(device, token);
        return `<tr2:GetProfilesResponse>${profile2(device, ch, stream, types)}</tr2:GetProfilesResponse>`;
      }
      const key = `profiles2:${types.join(",")}`;
      const body = device.channels
        .filter((c) => c.spec.online)
        .map((c) => {
          let xml = c.cache.get(key);
          if (xml === undefined) {
            xml = streamsOf(device)
              .map((s) => profile2(device, c, s, types))
              .join("");
            c.cache.set(key, xml);
          }
          return xml;
        })
        .join("");
      return `<tr2:GetProfilesResponse>${body}</tr2:GetProfilesResponse>`;
    },

    GetStreamUri: ({ device, op }) => {
      const protocol = textAt(op, "Protocol") ?? "";
      const { ch, stream } = needProfile(device, textAt(op, "ProfileToken"));
      if (!PROTOCOLS.includes(protocol)) {
        throw new FaultAnswer(
          fault.invalidArgVal("InvalidStreamSetup", `Protocol ${protocol} is not supported`),
        );
      }
      return `<tr2:GetStreamUriResponse>${el("tr2:Uri", streamUri(device, ch.n, stream))}</tr2:GetStreamUriResponse>`;
    },

    GetSnapshotUri: ({ device, op }) => {
      const { ch, stream } = needProfile(device, textAt(op, "ProfileToken"));
      return `<tr2:GetSnapshotUriResponse>${el("tr2:Uri", snapshotUri(device, ch.n, stream))}</tr2:GetSnapshotUriResponse>`;
    },
  },
};
