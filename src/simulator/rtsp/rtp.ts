import type { VideoEncoding } from "../scenario.ts";
import type { AccessUnit } from "../video/annexb.ts";

/**
 * RTP payloads for H.264 (RFC 6184) and H.265 (RFC 7798), and the RTP/RTCP framing a camera
 * puts around them when it streams over the RTSP connection (RFC 2326 §10.12 interleaving).
 * Payloads are cut once per clip; each client only adds its own header.
 */

export const RTP_CLOCK = 90_000;
export const PAYLOAD_TYPE = 96;
/** Payload bytes per packet: what fits a 1500-byte Ethernet frame, as cameras size them even over TCP. */
export const MAX_PAYLOAD = 1400;

/** RFC 6184: a single NAL unit packet when it fits, else FU-A fragments (type 28). */
export function packetizeH264(nal: Buffer, maxPayload = MAX_PAYLOAD): Buffer[] {
  if (nal.length <= maxPayload) return [nal];
  const header = nal[0]!;
  const indicator = (header & 0xe0) | 28;
  const type = header & 0x1f;
  const out: Buffer[] = [];
  const chunk = maxPayload - 2;
  for (let at = 1; at < nal.length; at += chunk) {
    const end = Math.min(at + chunk, nal.length);
    const fu = (at === 1 ? 0x80 : 0) | (end === nal.length ? 0x40 : 0) | type;
    out.push(Buffer.concat([Buffer.from([indicator, fu]), nal.subarray(at, end)]));
  }
  return out;
}

/** RFC 7798: a single NAL unit packet when it fits, else fragmentation units (type 49). */
export function packetizeH265(nal: Buffer, maxPayload = MAX_PAYLOAD): Buffer[] {
  if (nal.length <= maxPayload) return [nal];
  const type = (nal[0]! >> 1) & 0x3f;
  // PayloadHdr keeps F, LayerId and TID of the NAL unit header, with Type = 49
  const h0 = (nal[0]! & 0x81) | (49 << 1);
  const h1 = nal[1]!;
  const out: Buffer[] = [];
  const chunk = maxPayload - 3;
  for (let at = 2; at < nal.length; at += chunk) {
    const end = Math.min(at + chunk, nal.length);
    const fu = (at === 2 ? 0x80 : 0) | (end === nal.length ? 0x40 : 0) | type;
    out.push(Buffer.concat([Buffer.from([h0, h1, fu]), nal.subarray(at, end)]));
  }
  return out;
}

/** Every payload of an access unit, in order; the last one carries the marker bit. */
export function packetizeAccessUnit(
  au: AccessUnit,
  encoding: VideoEncoding,
  maxPayload = MAX_PAYLOAD,
): Buffer[] {
  const cut = encoding === "H264" ? packetizeH264 : packetizeH265;
  return au.nalus.flatMap((n) => cut(n, maxPayload));
}

/** Per-client RTP state: its own SSRC, sequence numbers and timestamp origin (RFC 3550 §5.1). */
export interface RtpState {
  readonly ssrc: number;
  seq: number;
  packets: number;
  octets: number;
}

/**
 * One access unit as interleaved RTP packets ('$', channel, length, packet), ready for a single
 * socket write. Advances the sequence number and the sender's counts.
 */
export function interleavedRtp(
  payloads: readonly Buffer[],
  state: RtpState,
  timestamp: number,
  channel: number,
): Buffer {
  let total = 0;
  for (const p of payloads) total += 16 + p.length;
  const out = Buffer.allocUnsafe(total);
  let o = 0;
  payloads.forEach((p, i) => {
    out[o] = 0x24;
    out[o + 1] = channel;
    out.writeUInt16BE(12 + p.length, o + 2);
    out[o + 4] = 0x80; // V=2, no padding, no extension, no CSRC
    out[o + 5] = (i === payloads.length - 1 ? 0x80 : 0) | PAYLOAD_TYPE;
    out.writeUInt16BE(state.seq, o + 6);
    out.writeUInt32BE(timestamp >>> 0, o + 8);
    out.writeUInt32BE(state.ssrc >>> 0, o + 12);
    p.copy(out, o + 16);
    o += 16 + p.length;
    state.seq = (state.seq + 1) & 0xffff;
    state.packets++;
    state.octets += p.length;
  });
  return out;
}

const NTP_EPOCH_OFFSET_S = 2_208_988_800;

/**
 * An RTCP compound packet (sender report + SDES CNAME, RFC 3550 §6.4.1/§6.5), interleaved on
 * `channel`. `wallclockMs` is the camera's own clock, which is what cameras put there.
 */
export function interleavedSenderReport(
  state: RtpState,
  timestamp: number,
  wallclockMs: number,
  cname: string,
  channel: number,
): Buffer {
  const sr = Buffer.alloc(28);
  sr[0] = 0x80;
  sr[1] = 200;
  sr.writeUInt16BE(6, 2);
  sr.writeUInt32BE(state.ssrc >>> 0, 4);
  const seconds = Math.floor(wallclockMs / 1000);
  sr.writeUInt32BE((seconds + NTP_EPOCH_OFFSET_S) >>> 0, 8);
  sr.writeUInt32BE(Math.floor(((wallclockMs % 1000) / 1000) * 2 ** 32) >>> 0, 12);
  sr.writeUInt32BE(timestamp >>> 0, 16);
  sr.writeUInt32BE(state.packets >>> 0, 20);
  sr.writeUInt32BE(state.octets >>> 0, 24);
  const name = Buffer.from(cname.slice(0, 255), "utf8");
  // SSRC, item (type, length, text), END, padded to a 32-bit boundary
  const itemLen = 4 + 2 + name.length + 1;
  const sdesLen = 4 + Math.ceil(itemLen / 4) * 4;
  const sdes = Buffer.alloc(sdesLen);
  sdes[0] = 0x81;
  sdes[1] = 202;
  sdes.writeUInt16BE(sdesLen / 4 - 1, 2);
  sdes.writeUInt32BE(state.ssrc >>> 0, 4);
  sdes[8] = 1;
  sdes[9] = name.length;
  name.copy(sdes, 10);
  const rtcp = Buffer.concat([sr, sdes]);
  const frame = Buffer.allocUnsafe(4);
  frame[0] = 0x24;
  frame[1] = channel;
  frame.writeUInt16BE(rtcp.length, 2);
  return Buffer.concat([frame, rtcp]);
}
