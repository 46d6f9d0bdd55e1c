import type { ChannelRuntime } from "./channel.ts";
import type { SimDevice } from "./device.ts";

/** The streams a channel offers: main, sub, third, in that order (streamsPerChannel cuts the list). */
export interface StreamDef {
  readonly suffix: "" | "_sub" | "_third";
  readonly label: "MainStream" | "SubStream" | "ThirdStream";
  readonly index: 1 | 2 | 3;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
  readonly kbps: number;
}

const STREAMS: readonly StreamDef[] = [
  { suffix: "", label: "MainStream", index: 1, width: 2560, height: 1440, fps: 25, kbps: 4096 },
  { suffix: "_sub", label: "SubStream", index: 2, width: 640, height: 360, fps: 15, kbps: 512 },
  { suffix: "_third", label: "ThirdStream", index: 3, width: 1280, height: 720, fps: 15, kbps: 1024 },
];

export function streamsOf(d: SimDevice): readonly StreamDef[] {
  return STREAMS.slice(0, d.spec.streamsPerChannel);
}

export const profileToken = (n: number, s: StreamDef): string => `ProfileToken_${n}${s.suffix}`;
/** The main stream's profile: what recording jobs record from. */
export const mainProfileToken = (n: number): string => `ProfileToken_${n}`;
export const videoSourceToken = (n: number): string => `VideoSource_${n}`;
export const videoSourceConfigToken = (n: number): string => `VideoSourceConfig_${n}`;
export const encoderToken = (n: number, s: StreamDef): string => `VideoEncoder_${n}_${s.index}`;
export const analyticsToken = (n: number): string => `VideoAnalytics_${n}`;
export const recordingToken = (n: number): string => `RecordingToken_${n}`;
export const jobToken = (n: number): string => `RecordingJob_${n}`;

/** Finds the channel and stream a profile token names; offline channels have no profiles. */
export function resolveProfile(
  d: SimDevice,
  token: string | null,
): { ch: ChannelRuntime; stream: StreamDef } | null {
  const m = token ? /^ProfileToken_(\d+)(_sub|_third)?$/.exec(token) : null;
  if (!m) return null;
  const ch = d.channel(Number(m[1]));
  const stream = streamsOf(d).find((s) => s.suffix === (m[2] ?? ""));
  if (!ch || !stream || !ch.spec.online) return null;
  return { ch, stream };
}

/** rtsp://host:port/Streaming/Channels/101 style (channel × 100 + stream), as Hikvision NVRs do. */
export function streamUri(d: SimDevice, n: number, s: StreamDef): string {
  return `rtsp://${d.advertisedHostName()}:${d.rtspPort}/Streaming/Channels/${n * 100 + s.index}`;
}

export function snapshotUri(d: SimDevice, n: number, s: StreamDef): string {
  return `${d.baseUrl()}/onvif/snapshot/${n * 100 + s.index}`;
}

/**
 * The channel and stream a URI number names (101 = channel 1, main stream), offline channels
 * included (the caller decides what an offline channel answers).
 */
export function streamOfNumber(d: SimDevice, id: number): { ch: ChannelRuntime; stream: StreamDef } | null {
  const ch = d.channel(Math.floor(id / 100));
  const stream = streamsOf(d).find((s) => s.index === id % 100);
  return ch && stream ? { ch, stream } : null;
}

/** Recording/channel number from a recording or job token. */
export function channelOfToken(
  d: SimDevice,
  token: string | null,
  kind: "RecordingToken" | "RecordingJob",
): ChannelRuntime | null {
  const m = token ? new RegExp(`^${kind}_(\\d+)$`).exec(token) : null;
  const ch = m ? d.channel(Number(m[1])) : null;
  return ch && ch.spec.recording ? ch : null;
}
