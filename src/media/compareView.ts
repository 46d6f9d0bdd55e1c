import type { GrayFrame } from "./frames.ts";

/**
 * How much the current view looks like the approved reference frame, 0 (unrelated) .. 1 (same).
 *
 * Pure. It must stay high when only the light changes (lamps on/off, sun, the camera's night
 * mode: IR turns the picture grey and changes brightness, contrast and even which surfaces are
 * bright), and drop for another scene, a camera turned away or a blocked lens. So it compares
 * the *shape* of the picture, not its brightness:
 *
 * 1. a light blur (sensor noise, JPEG blocks);
 * 2. Sobel gradients, each divided by the local gradient strength around it: a dim corner's
 *    edges count as much as a sunlit window's, and a global or local contrast change cancels;
 * 3. gradient *orientation* compared in the double-angle form (θ and θ+180° are the same
 *    vector), so an edge whose sides swap brightness under IR still matches;
 * 4. the normalised correlation of the two orientation fields, weighted by edge strength.
 * Flat areas (below a floor of real contrast) carry no weight, so the noise of a covered lens
 * or of a dark night does not count as structure.
 */

/** Local gradient strength is averaged over (2r+1)^2 pixels; 4 at 128x72 ≈ a 7 % neighbourhood. */
const LOCAL_RADIUS = 4;
/**
 * Below this local gradient strength (Sobel units: a ramp of 1 grey level per pixel gives 8) an
 * area counts as flat, and its gradients are scaled down rather than blown up to unit strength.
 */
const FLAT_FLOOR = 10;
/** Shifts tried, in pixels each way (2 at 128x72 ≈ 1.5 % of the width). */
const MAX_SHIFT = 2;
/** Views with less total structure than this (mean weight per pixel) cannot be compared: 0. */
const MIN_STRUCTURE = 1e-3;

export interface OrientationField {
  readonly width: number;
  readonly height: number;
  /** Double-angle components, weighted: (gx² − gy²)/|g|, 2·gx·gy/|g|, after local normalisation. */
  readonly u: Float32Array;
  readonly v: Float32Array;
  /** Σ(u² + v²). */
  readonly energy: number;
}

export function viewSimilarity(current: GrayFrame, reference: GrayFrame): number {
  return fieldSimilarity(orientationField(current), orientationField(reference));
}

export function fieldSimilarity(a: OrientationField, b: OrientationField): number {
  const { width: w, height: h } = a;
  if (w !== b.width || h !== b.height) throw new RangeError("views differ in size");
  const n = w * h;
  if (a.energy / n < MIN_STRUCTURE || b.energy / n < MIN_STRUCTURE) return 0;
  // The best match over small shifts: a camera knocked by a pixel or two, or a reference taken
  // from the main stream while probes read the sub-stream, is still the same view.
  let best = -Infinity;
  for (let dy = -MAX_SHIFT; dy <= MAX_SHIFT; dy++) {
    for (let dx = -MAX_SHIFT; dx <= MAX_SHIFT; dx++) {
      let dot = 0;
      let ea = 0;
      let eb = 0;
      for (let y = Math.max(0, -dy); y < Math.min(h, h - dy); y++) {
        const ra = y * w;
        const rb = (y + dy) * w;
        for (let x = Math.max(0, -dx); x < Math.min(w, w - dx); x++) {
          const ia = ra + x;
          const ib = rb + x + dx;
          const au = a.u[ia]!;
          const av = a.v[ia]!;
          const bu = b.u[ib]!;
          const bv = b.v[ib]!;
          dot += au * bu + av * bv;
          ea += au * au + av * av;
          eb += bu * bu + bv * bv;
        }
      }
      // Normalised over the overlap, but never by less than most of the full energy, so a
      // shift cannot win by pushing the differing part out of the overlap.
      const r = dot / Math.sqrt(Math.max(ea, 0.8 * a.energy) * Math.max(eb, 0.8 * b.energy));
      if (r > best) best = r;
    }
  }
  return Math.round(Math.min(1, Math.max(0, best)) * 1000) / 1000;
}

export function orientationField(frame: GrayFrame): OrientationField {
  const { width: w, height: h } = frame;
  if (w < 3 || h < 3) throw new RangeError("view too small to compare");
  const smooth = blur121(frame);
  const gx = new Float32Array(w * h);
  const gy = new Float32Array(w * h);
  const mag = new Float32Array(w * h);
  for (let y = 1; y < h - 1; y++) {
    for (let x = 1; x < w - 1; x++) {
      const i = y * w + x;
      const tl = smooth[i - w - 1]!;
      const tc = smooth[i - w]!;
      const tr = smooth[i - w + 1]!;
      const ml = smooth[i - 1]!;
      const mr = smooth[i + 1]!;
      const bl = smooth[i + w - 1]!;
      const bc = smooth[i + w]!;
      const br = smooth[i + w + 1]!;
      const dx = tr + 2 * mr + br - (tl + 2 * ml + bl);
      const dy = bl + 2 * bc + br - (tl + 2 * tc + tr);
      gx[i] = dx;
      gy[i] = dy;
      mag[i] = Math.hypot(dx, dy);
    }
  }
  const local = boxMean(mag, w, h, LOCAL_RADIUS);
  const u = new Float32Array(w * h);
  const v = new Float32Array(w * h);
  let energy = 0;
  for (let i = 0; i < w * h; i++) {
    const m = mag[i]!;
    if (m === 0) continue;
    const scale = 1 / Math.max(local[i]!, FLAT_FLOOR);
    const nx = gx[i]! * scale;
    const ny = gy[i]! * scale;
    const nm = m * scale;
    // Double angle: (cos 2θ, sin 2θ) · |g'|.
    u[i] = (nx * nx - ny * ny) / nm;
    v[i] = (2 * nx * ny) / nm;
    energy += u[i]! * u[i]! + v[i]! * v[i]!;
  }
  return { width: w, height: h, u, v, energy };
}

/** Separable [1 2 1]/4 blur, edges clamped. */
function blur121(frame: GrayFrame): Float32Array {
  const { width: w, height: h, data } = frame;
  const tmp = new Float32Array(w * h);
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      const l = data[row + Math.max(0, x - 1)]!;
      const r = data[row + Math.min(w - 1, x + 1)]!;
      tmp[row + x] = (l + 2 * data[row + x]! + r) / 4;
    }
  }
  for (let y = 0; y < h; y++) {
    const up = Math.max(0, y - 1) * w;
    const down = Math.min(h - 1, y + 1) * w;
    const row = y * w;
    for (let x = 0; x < w; x++) out[row + x] = (tmp[up + x]! + 2 * tmp[row + x]! + tmp[down + x]!) / 4;
  }
  return out;
}

/** Mean over a (2r+1)^2 box, clipped at the borders (summed-area table). */
function boxMean(src: Float32Array, w: number, h: number, r: number): Float32Array {
  const sat = new Float64Array((w + 1) * (h + 1));
  for (let y = 0; y < h; y++) {
    let rowSum = 0;
    for (let x = 0; x < w; x++) {
      rowSum += src[y * w + x]!;
      sat[(y + 1) * (w + 1) + x + 1] = sat[y * (w + 1) + x + 1]! + rowSum;
    }
  }
  const out = new Float32Array(w * h);
  for (let y = 0; y < h; y++) {
    const y0 = Math.max(0, y - r);
    const y1 = Math.min(h, y + r + 1);
    for (let x = 0; x < w; x++) {
      const x0 = Math.max(0, x - r);
      const x1 = Math.min(w, x + r + 1);
      const sum =
        sat[y1 * (w + 1) + x1]! - sat[y0 * (w + 1) + x1]! - sat[y1 * (w + 1) + x0]! + sat[y0 * (w + 1) + x0]!;
      out[y * w + x] = sum / ((y1 - y0) * (x1 - x0));
    }
  }
  return out;
}
