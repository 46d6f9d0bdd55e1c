import type { VideoEncoding } from "../scenario.ts";

/**
 * Annex-B elementary streams (H.264 Annex B, H.265 Annex B) cut into NAL units and grouped into
 * access units (one picture each), as a camera's encoder hands them to its RTP packetiser.
 */

export interface AccessUnit {
  /** NAL units without start codes, in decoding order (access unit delimiters left out). */
  readonly nalus: readonly Buffer[];
  /** An IDR (H.264) or IRAP (H.265) picture: decoding can start here. */
  readonly keyframe: boolean;
}

export interface ParameterSets {
  readonly vps: Buffer | null;
  readonly sps: Buffer;
  readonly pps: Buffer;
}

export interface ElementaryStream {
  readonly accessUnits: readonly AccessUnit[];
  readonly parameterSets: ParameterSets;
}

export class AnnexBError extends Error {
  override readonly name = "AnnexBError";
}

/** The NAL units between start codes (00 00 01, or 00 00 00 01), trailing zero bytes trimmed. */
export function splitNalUnits(data: Buffer): Buffer[] {
  const starts: { at: number; len: number }[] = [];
  for (let i = 0; i + 2 < data.length; i++) {
    if (data[i + 2]! > 1) {
      i += 2; // no start code can begin at i, i+1 or i+2
      continue;
    }
    if (data[i] === 0 && data[i + 1] === 0 && data[i + 2] === 1) {
      starts.push({ at: i + 3, len: 3 });
      i += 2;
    }
  }
  const out: Buffer[] = [];
  for (let k = 0; k < starts.length; k++) {
    const begin = starts[k]!.at;
    let end = k + 1 < starts.length ? starts[k + 1]!.at - 3 : data.length;
    while (end > begin && data[end - 1] === 0) end--;
    if (end > begin) out.push(data.subarray(begin, end));
  }
  return out;
}

interface NalKind {
  /** Ends the access unit before it, if one is open (AUD, parameter sets, prefix SEI). */
  readonly startsUnit: boolean;
  readonly vcl: boolean;
  /** A VCL NAL that begins a new picture (first slice). */
  readonly firstSlice: boolean;
  readonly keyframe: boolean;
  readonly delimiter: boolean;
  readonly param: "vps" | "sps" | "pps" | null;
}

function classifyH264(nal: Buffer): NalKind {
  const type = nal[0]! & 0x1f;
  const vcl = type >= 1 && type <= 5;
  return {
    // 6 SEI, 7 SPS, 8 PPS, 9 AUD, 14..18 (prefix/reserved) precede the picture they belong to
    startsUnit: type === 6 || type === 7 || type === 8 || type === 9 || (type >= 14 && type <= 18),
    vcl,
    // first_mb_in_slice is ue(v) and 0 encodes as a single 1 bit
    firstSlice: vcl && nal.length > 1 && (nal[1]! & 0x80) !== 0,
    keyframe: type === 5,
    delimiter: type === 9,
    param: type === 7 ? "sps" : type === 8 ? "pps" : null,
  };
}

function classifyH265(nal: Buffer): NalKind {
  const type = (nal[0]! >> 1) & 0x3f;
  const vcl = type <= 31;
  return {
    // 32 VPS, 33 SPS, 34 PPS, 35 AUD, 39 prefix SEI, 41..44 reserved, 48..55 unspecified
    startsUnit:
      (type >= 32 && type <= 35) || type === 39 || (type >= 41 && type <= 44) || (type >= 48 && type <= 55),
    vcl,
    // first_slice_segment_in_pic_flag: the first bit after the two-byte header
    firstSlice: vcl && nal.length > 2 && (nal[2]! & 0x80) !== 0,
    keyframe: type >= 16 && type <= 23,
    delimiter: type === 35,
    param: type === 32 ? "vps" : type === 33 ? "sps" : type === 34 ? "pps" : null,
  };
}

/** Groups a whole elementary stream into access units and finds its first parameter sets. */
export function parseElementaryStream(data: Buffer, encoding: VideoEncoding): ElementaryStream {
  const classify = encoding === "H264" ? classifyH264 : classifyH265;
  const units: AccessUnit[] = [];
  let current: Buffer[] = [];
  let hasVcl = false;
  let keyframe = false;
  const params: { vps: Buffer | null; sps: Buffer | null; pps: Buffer | null } = {
    vps: null,
    sps: null,
    pps: null,
  };
  const flush = (): void => {
    if (hasVcl) units.push({ nalus: current, keyframe });
    else if (current.length > 0 && units.length > 0) {
      // trailing non-VCL units (end of stream, filler) stay with the last picture
      const last = units[units.length - 1]!;
      units[units.length - 1] = { ...last, nalus: [...last.nalus, ...current] };
    }
    current = [];
    hasVcl = false;
    keyframe = false;
  };
  for (const nal of splitNalUnits(data)) {
    const k = classify(nal);
    if (hasVcl && (k.startsUnit || k.firstSlice)) flush();
    if (k.param !== null && params[k.param] === null) params[k.param] = nal;
    if (k.delimiter) continue;
    current.push(nal);
    if (k.vcl) {
      hasVcl = true;
      keyframe ||= k.keyframe;
    }
  }
  flush();
  if (units.length === 0) throw new AnnexBError("no pictures in the stream");
  if (!units[0]!.keyframe) throw new AnnexBError("the stream does not start with a keyframe");
  if (params.sps === null || params.pps === null || (encoding === "H265" && params.vps === null)) {
    throw new AnnexBError("the stream has no parameter sets");
  }
  return { accessUnits: units, parameterSets: { vps: params.vps, sps: params.sps, pps: params.pps } };
}
