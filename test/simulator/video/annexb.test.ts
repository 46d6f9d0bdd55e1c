import { describe, expect, it } from "vitest";
import { AnnexBError, parseElementaryStream, splitNalUnits } from "../../../src/simulator/video/annexb.ts";
import { splitJpegs } from "../../../src/simulator/video/jpeg.ts";

const sc4 = [0, 0, 0, 1];
const sc3 = [0, 0, 1];
const stream = (...parts: number[][]): Buffer => Buffer.from(parts.flat());

// H.264 NAL headers: 0x09 AUD, 0x67 SPS, 0x68 PPS, 0x06 SEI, 0x65 IDR, 0x41 non-IDR; 0x80 after the
// header = first_mb_in_slice 0 (a new picture), 0x40 = a later slice of the same picture.
const AUD = [0x09, 0xf0];
const SPS = [0x67, 0x4d, 0x40, 0x1e, 0xaa];
const PPS = [0x68, 0xee, 0x3c, 0x80];
const SEI = [0x06, 0x05, 0x01, 0x02];
const idr = (n: number): number[] => [0x65, 0x88, n, 0x11];
const p = (n: number, first = true): number[] => [0x41, first ? 0x9a : 0x40, n, 0x22];

describe("splitNalUnits", () => {
  it("cuts at 3- and 4-byte start codes and trims the zero byte of a 4-byte one", () => {
    const nals = splitNalUnits(stream(sc4, SPS, sc3, PPS, sc4, idr(1)));
    expect(nals.map((n) => [...n])).toEqual([SPS, PPS, idr(1)]);
  });

  it("keeps 00 00 03 (emulation prevention) inside a NAL unit and ignores bytes before the first start code", () => {
    const nals = splitNalUnits(stream([0xaa, 0xbb], sc3, [0x65, 0x00, 0x00, 0x03, 0x01, 0x7f]));
    expect(nals.map((n) => [...n])).toEqual([[0x65, 0x00, 0x00, 0x03, 0x01, 0x7f]]);
  });

  it("finds nothing in data without start codes", () => {
    expect(splitNalUnits(Buffer.from([1, 2, 3, 4, 5, 0, 0, 2]))).toEqual([]);
  });
});

describe("parseElementaryStream (H.264)", () => {
  it("groups pictures by AUD and first slice, drops AUDs, flags IDRs and keeps the first SPS/PPS", () => {
    const es = parseElementaryStream(
      stream(sc4, AUD, sc4, SPS, sc4, PPS, sc4, SEI, sc4, idr(1), sc4, AUD, sc4, p(2), sc3, p(3)),
      "H264",
    );
    expect(es.accessUnits.map((a) => a.nalus.map((n) => [...n]))).toEqual([
      [SPS, PPS, SEI, idr(1)],
      [p(2)],
      [p(3)],
    ]);
    expect(es.accessUnits.map((a) => a.keyframe)).toEqual([true, false, false]);
    expect([...es.parameterSets.sps]).toEqual(SPS);
    expect([...es.parameterSets.pps]).toEqual(PPS);
    expect(es.parameterSets.vps).toBeNull();
  });

  it("keeps the slices of one picture together", () => {
    const es = parseElementaryStream(
      stream(sc4, SPS, sc4, PPS, sc4, idr(1), sc4, p(2), sc4, p(3, false)),
      "H264",
    );
    expect(es.accessUnits.map((a) => a.nalus.length)).toEqual([3, 2]);
  });

  it("rejects a stream that does not start with a keyframe or has no parameter sets", () => {
    expect(() => parseElementaryStream(stream(sc4, SPS, sc4, PPS, sc4, p(1)), "H264")).toThrow(AnnexBError);
    expect(() => parseElementaryStream(stream(sc4, idr(1)), "H264")).toThrow(/parameter sets/);
    expect(() => parseElementaryStream(Buffer.alloc(10), "H264")).toThrow(/no pictures/);
  });
});

describe("parseElementaryStream (H.265)", () => {
  // two-byte headers: type << 1; 35 AUD, 32 VPS, 33 SPS, 34 PPS, 19 IDR_W_RADL, 1 TRAIL_R
  const h = (type: number, ...rest: number[]): number[] => [type << 1, 0x01, ...rest];
  it("groups pictures, flags IRAP pictures and finds VPS/SPS/PPS", () => {
    const es = parseElementaryStream(
      stream(
        sc4,
        h(35, 0x50),
        sc4,
        h(32, 0x0c),
        sc4,
        h(33, 0x01),
        sc4,
        h(34, 0xc1),
        sc4,
        h(19, 0xaf, 1),
        sc4,
        h(35, 0x50),
        sc4,
        h(1, 0xd0, 2),
        sc4,
        h(1, 0x90, 3),
      ),
      "H265",
    );
    expect(es.accessUnits.map((a) => a.nalus.length)).toEqual([4, 1, 1]);
    expect(es.accessUnits.map((a) => a.keyframe)).toEqual([true, false, false]);
    expect([...(es.parameterSets.vps ?? [])]).toEqual(h(32, 0x0c));
  });
});

describe("splitJpegs", () => {
  const jpeg = (fill: number): number[] => [
    0xff,
    0xd8, // SOI
    0xff,
    0xdb,
    0x00,
    0x05,
    0xff,
    0xd9,
    0x01, // a segment whose payload holds FF D9
    0xff,
    0xda,
    0x00,
    0x02, // SOS
    fill,
    0xff,
    0x00,
    0xff,
    0xd3,
    fill, // entropy data with stuffing and a restart marker
    0xff,
    0xd9, // EOI
  ];
  it("splits concatenated pictures at their real end, not at FF D9 inside segments", () => {
    const out = splitJpegs(Buffer.from([...jpeg(1), ...jpeg(2)]));
    expect(out.map((b) => [...b])).toEqual([jpeg(1), jpeg(2)]);
  });

  it("drops a truncated last picture", () => {
    const whole = jpeg(1);
    expect(splitJpegs(Buffer.from([...whole, ...whole.slice(0, 12)]))).toHaveLength(1);
  });
});
