import type { PictureWindow } from "../domain/picture.ts";
import type { GrayFrame } from "./frames.ts";

/**
 * Measurements over one window of sampled frames. Numbers only: compliance/ decides what
 * counts as black or frozen. Frames are the probe's small grey frames (area-downscaled, so
 * sensor noise is averaged down, but a live scene still moves them by a few tenths of a level).
 */

/** A pixel at or below this (full range) counts as black: ~ ffmpeg blackframe's default of 32 on limited-range luma. */
export const BLACK_PIXEL_MAX = 20;
/** A frame is black when at least this share of its pixels is black (blackframe's default 98 %). */
export const BLACK_FRAME_SHARE = 0.98;

/**
 * A pixel of the probe frame that moved by at least this many levels changed for real: coding
 * noise and sensor noise, averaged down by the downscale, stay within 4 levels in every stream
 * measured (test/media/frozen.gst.test.ts).
 */
export const STRONG_CHANGE_LEVELS = 10;
/**
 * Where the earlier frame's local gradient is at most this many levels, the picture is flat:
 * an encoder re-coding a still picture changes it at edges and texture (ringing, requantised
 * detail), sensor noise changes it everywhere, flat walls included.
 */
export const FLAT_GRADIENT_LEVELS = 4;
/** With less of the picture flat than this, the noise figure is taken over the whole picture. */
const MIN_FLAT_SHARE = 1 / 8;
/** A local change covers at least this many probe pixels (a clock's seconds digit: ~10) ... */
export const LOCAL_CHANGE_MIN_PIXELS = 4;
/** ... and at most this share of the picture. */
export const LOCAL_CHANGE_MAX_SHARE = 0.5;

export interface Sample {
  /** Stream timestamp, seconds. */
  readonly pts: number;
  readonly frame: GrayFrame;
}

/**
 * `leadIn`: the sample just before the window (the previous window's last). The pair it makes
 * with the window's first frame counts for this window, so no change between two windows goes
 * unseen (a clock ticking once a second would otherwise lose one tick in four at the boundary).
 * Frame counts, luma, black and detail are the window's own frames.
 */
export function measureWindow(samples: readonly Sample[], leadIn?: Sample): PictureWindow {
  const first = samples[0];
  const last = samples[samples.length - 1];
  if (!first || !last) throw new RangeError("a window needs at least one frame");

  let lumaSum = 0;
  let pixels = 0;
  let blackFrames = 0;
  let detailSum = 0;
  for (const { frame } of samples) {
    const { sum, black } = lumaAndBlack(frame.data);
    lumaSum += sum;
    pixels += frame.data.length;
    if (black >= BLACK_FRAME_SHARE * frame.data.length) blackFrames++;
    detailSum += detailOf(frame);
  }

  const diffs: number[] = [];
  const noise: number[] = [];
  let localChanges = 0;
  let maxChangedShare = 0;
  const paired = leadIn ? [leadIn, ...samples] : samples;
  for (let i = 1; i < paired.length; i++) {
    const d = compareFrames(paired[i - 1]!.frame, paired[i]!.frame);
    diffs.push(d.mean);
    noise.push(d.beyondOneLevel);
    const share = d.strong / d.pixels;
    maxChangedShare = Math.max(maxChangedShare, share);
    if (d.strong >= LOCAL_CHANGE_MIN_PIXELS && share <= LOCAL_CHANGE_MAX_SHARE) localChanges++;
  }

  return {
    frames: samples.length,
    ptsAdvanceMs: Math.round((last.pts - first.pts) * 1000),
    meanLuma: round3(lumaSum / pixels),
    blackFrameRatio: round3(blackFrames / samples.length),
    maxFrameDiff: round3(diffs.length ? Math.max(...diffs) : 0),
    meanFrameDiff: round3(diffs.length ? diffs.reduce((a, b) => a + b, 0) / diffs.length : 0),
    medianFrameDiff: round3(median(diffs)),
    detail: round3(detailSum / samples.length),
    noiseFrameDiff: round3(median(noise)),
    localChanges,
    maxChangedShare: round3(maxChangedShare),
  };
}

interface FrameComparison {
  readonly pixels: number;
  /** Mean absolute difference, 0..255. */
  readonly mean: number;
  /** Mean difference beyond one grey level (max(0, |d| - 1)) over the flat parts of the picture. */
  readonly beyondOneLevel: number;
  /** Pixels that moved by STRONG_CHANGE_LEVELS or more. */
  readonly strong: number;
}

/**
 * The per-pair figures of a window: one pass over every pixel, one over the inner pixels for
 * the flat parts (kept apart so neither loop branches on the border; these run for every frame
 * pair of every probe, in a fresh process, often before the JIT has optimised them).
 */
function compareFrames(a: GrayFrame, b: GrayFrame): FrameComparison {
  if (a.data.length !== b.data.length) throw new RangeError("frames differ in size");
  const { width: w, height: h } = a;
  const pa = a.data;
  const pb = b.data;
  const n = pa.length;
  let sum = 0;
  let strong = 0;
  let beyondAll = 0;
  for (let i = 0; i < n; i++) {
    const d = Math.abs(pa[i]! - pb[i]!);
    sum += d;
    if (d > 1) beyondAll += d - 1;
    if (d >= STRONG_CHANGE_LEVELS) strong++;
  }
  let beyondFlat = 0;
  let flat = 0;
  for (let y = 1; y < h - 1; y++) {
    for (let i = y * w + 1, end = y * w + w - 1; i < end; i++) {
      if (Math.abs(pa[i + 1]! - pa[i - 1]!) > FLAT_GRADIENT_LEVELS) continue;
      if (Math.abs(pa[i + w]! - pa[i - w]!) > FLAT_GRADIENT_LEVELS) continue;
      flat++;
      const d = Math.abs(pa[i]! - pb[i]!);
      if (d > 1) beyondFlat += d - 1;
    }
  }
  const beyondOneLevel = flat >= n * MIN_FLAT_SHARE ? beyondFlat / flat : beyondAll / n;
  return { pixels: n, mean: sum / n, beyondOneLevel, strong };
}

function lumaAndBlack(data: Uint8Array): { sum: number; black: number } {
  let sum = 0;
  let black = 0;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    sum += v;
    if (v <= BLACK_PIXEL_MAX) black++;
  }
  return { sum, black };
}

/** Mean of (|dx| + |dy|) / 2 over the frame: ~0 for a flat frame, tens for a detailed room. */
export function detailOf(frame: GrayFrame): number {
  const { width: w, height: h, data } = frame;
  if (w < 2 || h < 2) return 0;
  let sum = 0;
  for (let y = 0; y < h - 1; y++) {
    const row = y * w;
    for (let x = 0; x < w - 1; x++) {
      const v = data[row + x]!;
      sum += Math.abs(data[row + x + 1]! - v) + Math.abs(data[row + w + x]! - v);
    }
  }
  return sum / (2 * (w - 1) * (h - 1));
}

function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

const round3 = (x: number): number => Math.round(x * 1000) / 1000;
