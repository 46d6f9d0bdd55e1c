/**
 * The Transport header of SETUP (RFC 2326 §12.39). The simulated cameras stream only
 * interleaved over the RTSP connection (RTP/AVP/TCP), as many do behind NAT; a request for UDP or
 * multicast alone gets 461 Unsupported Transport, which makes clients such as ffmpeg fall back to TCP.
 */

export type TransportChoice =
  | { readonly ok: true; readonly rtpChannel: number; readonly rtcpChannel: number }
  | { readonly ok: false; readonly why: string };

export function chooseTransport(header: string | undefined): TransportChoice {
  if (header === undefined || header.trim() === "") return { ok: false, why: "no Transport header" };
  for (const spec of header.split(",")) {
    const [protocol = "", ...params] = spec.split(";").map((p) => p.trim());
    if (protocol.toUpperCase() !== "RTP/AVP/TCP") continue;
    if (params.some((p) => p.toLowerCase() === "multicast")) continue;
    const interleaved = params.find((p) => /^interleaved=/i.test(p));
    if (interleaved === undefined) return { ok: true, rtpChannel: 0, rtcpChannel: 1 };
    const m = /^interleaved=(\d{1,3})(?:-(\d{1,3}))?$/i.exec(interleaved);
    if (!m) continue;
    const rtp = Number(m[1]);
    const rtcp = m[2] === undefined ? rtp + 1 : Number(m[2]);
    if (rtp > 255 || rtcp > 255 || rtp === rtcp) continue;
    return { ok: true, rtpChannel: rtp, rtcpChannel: rtcp };
  }
  return { ok: false, why: "only RTP/AVP/TCP (interleaved) is supported" };
}
