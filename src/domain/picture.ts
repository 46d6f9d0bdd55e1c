import type { Probe } from "./probe.ts";

/**
 * What looking at one camera's pictures showed. Produced by media/ (the only code that runs
 * ffmpeg/ffprobe), judged by compliance/ (pure). media/ measures; the rules decide what counts
 * as black, frozen or turned away.
 */
export interface PictureObservation {
  readonly cameraId: string;
  /** Our clock when the probe started (ISO). */
  readonly startedAt: string;
  /** Where the frames came from: the RTSP stream, or a snapshot URI (the cheap path). */
  readonly via: "stream" | "snapshot";
  /** Opening the stream: codec, size, rate. `failed` = refused, no frames, or stopped (camera_offline, stream side). */
  readonly stream: Probe<StreamInfo>;
  /**
   * Consecutive sample windows of the same probe, oldest first. Frozen needs two windows in a
   * row (DESIGN.md §4), so a probe takes at least two; a window that could not be sampled is `failed`.
   */
  readonly windows: readonly Probe<PictureWindow>[];
  /** Comparison with the camera's approved reference frame; null when none is configured. */
  readonly reference: Probe<ReferenceComparison> | null;
}

export interface StreamInfo {
  /** ffprobe's codec name: "h264", "hevc", "mjpeg", ... */
  readonly codec: string;
  readonly width: number;
  readonly height: number;
  /** Frames per second, null when the stream does not say. */
  readonly fps: number | null;
}

/** Measurements over one sampled window of decoded frames (luma only, downscaled). */
export interface PictureWindow {
  readonly frames: number;
  /** How far the stream's own timestamps advanced over the window, ms. */
  readonly ptsAdvanceMs: number;
  /** Mean luma over all frames, 0..255 (full range). */
  readonly meanLuma: number;
  /** Fraction of frames whose pixels are almost all near black (0..1). */
  readonly blackFrameRatio: number;
  /** Largest mean absolute difference between consecutive frames, 0..255. */
  readonly maxFrameDiff: number;
  /** Mean absolute difference between consecutive frames, 0..255. */
  readonly meanFrameDiff: number;
  /**
   * Median of the consecutive-frame differences, 0..255. The robust "is anything moving" figure:
   * a frozen stream's encoder still refreshes the picture at each keyframe (a few large diffs
   * lift max and mean), while a live but still scene keeps a noise floor in every pair.
   */
  readonly medianFrameDiff: number;
  /** Spatial detail: mean absolute luma gradient, 0..255 (a flat black or grey frame has ~0). */
  readonly detail: number;
  /**
   * Median over consecutive frames of the mean difference beyond one grey level in the flat
   * parts of the picture, 0..255. An encoder re-coding a still picture (its start-up quality
   * ramp, the refresh at each keyframe) moves the small probe frames' pixels by one level, more
   * only at edges and texture; sensor noise of a live camera (a dark room at night) moves them
   * further, flat walls included, in every frame.
   */
  readonly noiseFrameDiff: number;
  /**
   * Consecutive frame pairs in which a small part of the picture changed strongly (someone
   * moving, a clock ticking): at least a few pixels, at most half the picture, each by many grey
   * levels. A change of the whole picture at once (a stream's first frames, the light switched
   * on) is not counted: it says nothing about whether the picture goes on changing.
   */
  readonly localChanges: number;
  /** Largest share of the picture (0..1) that changed strongly between two consecutive frames. */
  readonly maxChangedShare: number;
}

export interface ReferenceComparison {
  /** Structural similarity of the current view to the approved one, 0 (unrelated) .. 1 (same view). */
  readonly similarity: number;
  /** Which stored reference was used (file path relative to the config, or its hash). */
  readonly reference: string;
}

/** Whether this check looked at pictures, and what each camera's probe showed. */
export type PictureInput =
  | { readonly probed: false }
  | {
      readonly probed: true;
      readonly byCamera: ReadonlyMap<string, PictureObservation>;
      /**
       * A camera with no picture: "unknown" (check: it should have been probed) or "pending"
       * (daemon: its first probe has not come yet; not counted until it has).
       */
      readonly unprobed?: "unknown" | "pending";
    };
