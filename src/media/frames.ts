/**
 * Small grey frames as the probes read them from ffmpeg's stdout (rawvideo, pix_fmt gray:
 * one byte per pixel, full range 0..255, row after row, frame after frame).
 */

export interface GrayFrame {
  readonly width: number;
  readonly height: number;
  /** width * height luma values, row-major. */
  readonly data: Uint8Array;
}

/** The size every probe downscales to: small enough to be cheap, large enough for room structure. */
export const PROBE_FRAME = { width: 128, height: 72 } as const;

/** Cuts a byte stream into whole frames of one size; a partial frame at the end is dropped. */
export class FrameAssembler {
  readonly #size: number;
  readonly #width: number;
  readonly #height: number;
  #pending: Uint8Array;
  #filled = 0;
  readonly #frames: GrayFrame[] = [];

  constructor(width: number, height: number) {
    if (!(width > 0 && height > 0)) throw new RangeError("frame size must be positive");
    this.#width = width;
    this.#height = height;
    this.#size = width * height;
    this.#pending = new Uint8Array(this.#size);
  }

  push(chunk: Uint8Array): void {
    let offset = 0;
    while (offset < chunk.length) {
      const take = Math.min(this.#size - this.#filled, chunk.length - offset);
      this.#pending.set(chunk.subarray(offset, offset + take), this.#filled);
      this.#filled += take;
      offset += take;
      if (this.#filled === this.#size) {
        this.#frames.push({ width: this.#width, height: this.#height, data: this.#pending });
        this.#pending = new Uint8Array(this.#size);
        this.#filled = 0;
      }
    }
  }

  get frames(): readonly GrayFrame[] {
    return this.#frames;
  }
}

/** Pixel-wise mean of same-sized frames: sensor noise and passers-by fade, the room stays. */
export function meanFrame(frames: readonly GrayFrame[]): GrayFrame {
  const first = frames[0];
  if (!first) throw new RangeError("meanFrame needs at least one frame");
  const n = first.width * first.height;
  const sum = new Float64Array(n);
  for (const f of frames) {
    if (f.data.length !== n) throw new RangeError("frames differ in size");
    for (let i = 0; i < n; i++) sum[i]! += f.data[i]!;
  }
  const data = new Uint8Array(n);
  for (let i = 0; i < n; i++) data[i] = Math.round(sum[i]! / frames.length);
  return { width: first.width, height: first.height, data };
}
