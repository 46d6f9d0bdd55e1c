import { describe, expect, it } from "vitest";
import {
  interleavedRtp,
  interleavedSenderReport,
  packetizeAccessUnit,
  packetizeH264,
  packetizeH265,
  type RtpState,
} from "../../../src/simulator/rtsp/rtp.ts";

const nal = (header: number[], size: number): Buffer =>
  Buffer.concat([
    Buffer.from(header),
    Buffer.from(Array.from({ length: size - header.length }, (_, i) => i & 0xff)),
  ]);

/** Reassembles FU-A fragments the way RFC 6184 §5.8 says a receiver does. */
function reassembleH264(packets: Buffer[]): Buffer {
  const first = packets[0]!;
  const header = (first[0]! & 0xe0) | (first[1]! & 0x1f);
  return Buffer.concat([Buffer.from([header]), ...packets.map((p) => p.subarray(2))]);
}

/** Reassembles H.265 FUs (RFC 7798 §4.4.3). */
function reassembleH265(packets: Buffer[]): Buffer {
  const first = packets[0]!;
  const type = first[2]! & 0x3f;
  const h0 = (first[0]! & 0x81) | (type << 1);
  return Buffer.concat([Buffer.from([h0, first[1]!]), ...packets.map((p) => p.subarray(3))]);
}

describe("packetizeH264 (RFC 6184)", () => {
  it("sends a NAL unit that fits as a single NAL unit packet", () => {
    const n = nal([0x41], 1400);
    expect(packetizeH264(n)).toEqual([n]);
  });

  it("cuts a large one into FU-A fragments with S and E bits and the original NRI and type", () => {
    const n = nal([0x65], 5000);
    const packets = packetizeH264(n, 1400);
    expect(packets.length).toBe(Math.ceil(4999 / 1398));
    expect(packets.every((p) => p.length <= 1400)).toBe(true);
    expect(packets.map((p) => p[0])).toEqual(packets.map(() => 0x60 | 28));
    expect(packets.map((p) => p[1]! & 0xc0)).toEqual([0x80, ...packets.slice(2).map(() => 0), 0x40]);
    expect(packets.every((p) => (p[1]! & 0x1f) === 5)).toBe(true);
    expect(reassembleH264(packets).equals(n)).toBe(true);
  });
});

describe("packetizeH265 (RFC 7798)", () => {
  it("cuts a large NAL unit into FUs (type 49) that reassemble to it", () => {
    const n = nal([19 << 1, 0x01], 4000);
    const packets = packetizeH265(n, 1000);
    expect(packets.every((p) => p.length <= 1000 && ((p[0]! >> 1) & 0x3f) === 49 && p[1] === 0x01)).toBe(
      true,
    );
    expect(packets[0]![2]! & 0xc0).toBe(0x80);
    expect(packets.at(-1)![2]! & 0xc0).toBe(0x40);
    expect(reassembleH265(packets).equals(n)).toBe(true);
    expect(packetizeH265(nal([1 << 1, 1], 900), 1000)).toHaveLength(1);
  });
});

describe("interleavedRtp", () => {
  it("frames each packet with '$', channel and length; marker only on the access unit's last; seq wraps", () => {
    const payloads = packetizeAccessUnit(
      { nalus: [nal([0x67], 10), nal([0x65], 3000)], keyframe: true },
      "H264",
    );
    const state: RtpState = { ssrc: 0xdeadbeef, seq: 0xfffe, packets: 0, octets: 0 };
    const out = interleavedRtp(payloads, state, 2 ** 32 + 5, 2);
    const seen: { seq: number; marker: boolean; ts: number; len: number }[] = [];
    let o = 0;
    while (o < out.length) {
      expect(out[o]).toBe(0x24);
      expect(out[o + 1]).toBe(2);
      const len = out.readUInt16BE(o + 2);
      const rtp = out.subarray(o + 4, o + 4 + len);
      expect(rtp[0]).toBe(0x80);
      expect(rtp[1]! & 0x7f).toBe(96);
      expect(rtp.readUInt32BE(8)).toBe(0xdeadbeef);
      seen.push({ seq: rtp.readUInt16BE(2), marker: (rtp[1]! & 0x80) !== 0, ts: rtp.readUInt32BE(4), len });
      o += 4 + len;
    }
    expect(seen.map((s) => s.seq)).toEqual([0xfffe, 0xffff, 0, 1]);
    expect(seen.map((s) => s.marker)).toEqual([false, false, false, true]);
    expect(new Set(seen.map((s) => s.ts))).toEqual(new Set([5]));
    expect(state.seq).toBe(2);
    expect(state.packets).toBe(4);
    expect(state.octets).toBe(payloads.reduce((n, p) => n + p.length, 0));
  });
});

describe("interleavedSenderReport", () => {
  it("is an RTCP SR followed by SDES CNAME, sized in 32-bit words, on the RTCP channel", () => {
    const state: RtpState = { ssrc: 7, seq: 0, packets: 10, octets: 12345 };
    const wall = Date.UTC(2026, 0, 1, 0, 0, 0, 500);
    const b = interleavedSenderReport(state, 90000, wall, "nvr-ch1@127.0.0.1", 1);
    expect([b[0], b[1]]).toEqual([0x24, 1]);
    expect(b.readUInt16BE(2)).toBe(b.length - 4);
    const sr = b.subarray(4);
    expect([sr[0], sr[1], sr.readUInt16BE(2)]).toEqual([0x80, 200, 6]);
    expect(sr.readUInt32BE(8)).toBe(wall / 1000 - 0.5 + 2_208_988_800);
    expect(sr.readUInt32BE(12)).toBe(2 ** 31);
    expect([sr.readUInt32BE(16), sr.readUInt32BE(20), sr.readUInt32BE(24)]).toEqual([90000, 10, 12345]);
    const sdes = sr.subarray(28);
    expect([sdes[0], sdes[1]]).toEqual([0x81, 202]);
    expect((sdes.readUInt16BE(2) + 1) * 4).toBe(sdes.length);
    expect(sdes.subarray(10, 10 + sdes[9]!).toString()).toBe("nvr-ch1@127.0.0.1");
  });
});
