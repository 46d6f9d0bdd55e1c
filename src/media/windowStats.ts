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

export interface Sample {
  /** Stream timestamp, seconds. */
  readonly pts: number;
  readonly frame: GrayFrame;
}

export function measureWindow(samples: readonly Sample[]): PictureWindow {
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
  for (let i = 1; i < samples.length; i++) diffs.push(meanAbsDiff(samples[i - 1]!.frame, samples[i]!.frame));

  return {
    frames: samples.length,
    ptsAdvanceMs: Math.round((last.pts - first.pts) * 1000),
    meanLuma: round3(lumaSum / pixels),
    blackFrameRatio: round3(blackFrames / samples.length),
    maxFrameDiff: round3(diffs.length ? Math.max(...diffs) : 0),
    meanFrameDiff: round3(diffs.length ? diffs.reduce((a, b) => a + b, 0) / diffs.length : 0),
    medianFrameDiff: round3(median(diffs)),
    detail: round3(detailSum / samples.length),
  };
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

/** Mean absolute difference between two same-sized frames, 0..255. */
export function meanAbsDiff(a: GrayFrame, b: GrayFrame): number {
  if (a.data.length !== b.data.length) throw new RangeError("frames differ in size");
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) sum += Math.abs(a.data[i]! - b.data[i]!);
  return sum / a.data.length;
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
