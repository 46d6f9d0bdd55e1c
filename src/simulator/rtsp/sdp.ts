import { PAYLOAD_TYPE, RTP_CLOCK } from "./rtp.ts";
import type { Clip } from "../video/library.ts";

/**
 * The session description DESCRIBE returns (RFC 4566), with the codec parameters a client needs
 * before the first keyframe: sprop-parameter-sets and profile-level-id for H.264 (RFC 6184
 * §8.1), sprop-vps/sps/pps for H.265 (RFC 7798 §7.1). One video track, control "trackID=1".
 */
export const TRACK_CONTROL = "trackID=1";

export function sessionDescription(
  clip: Clip,
  opts: { sessionId: string; host: string; name: string },
): string {
  const ps = clip.parameterSets;
  const b64 = (b: Buffer): string => b.toString("base64");
  const codec =
    clip.encoding === "H264"
      ? [
          `a=rtpmap:${PAYLOAD_TYPE} H264/${RTP_CLOCK}`,
          `a=fmtp:${PAYLOAD_TYPE} packetization-mode=1;profile-level-id=${ps.sps.subarray(1, 4).toString("hex").toUpperCase()};sprop-parameter-sets=${b64(ps.sps)},${b64(ps.pps)}`,
        ]
      : [
          `a=rtpmap:${PAYLOAD_TYPE} H265/${RTP_CLOCK}`,
          `a=fmtp:${PAYLOAD_TYPE} sprop-vps=${b64(ps.vps ?? Buffer.alloc(0))};sprop-sps=${b64(ps.sps)};sprop-pps=${b64(ps.pps)}`,
        ];
  const ip = /^\d+\.\d+\.\d+\.\d+$/.test(opts.host) ? opts.host : "0.0.0.0";
  return (
    [
      "v=0",
      `o=- ${opts.sessionId} 1 IN IP4 ${ip}`,
      `s=${opts.name.replace(/[\r\n]/g, " ")}`,
      "c=IN IP4 0.0.0.0",
      "t=0 0",
      "a=control:*",
      "a=range:npt=now-",
      `m=video 0 RTP/AVP ${PAYLOAD_TYPE}`,
      ...codec,
      `a=framerate:${clip.fps}`,
      `a=framesize:${PAYLOAD_TYPE} ${clip.width}-${clip.height}`,
      "a=recvonly",
      `a=control:${TRACK_CONTROL}`,
    ].join("\r\n") + "\r\n"
  );
}
