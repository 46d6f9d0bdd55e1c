import type { Finding, FindingRef } from "../../domain/finding.ts";
import type { PictureInput, PictureObservation, PictureWindow } from "../../domain/picture.ts";
import type { Camera } from "../../domain/site.ts";
import { cameraSubject, outcome, toFinding, type Outcome } from "../findings.ts";

/**
 * What the rules call black, frozen and turned away, from the measurements media/ makes
 * (src/domain/picture.ts). Calibrated on the clips in test/media/probeStream.files.test.ts and the
 * GStreamer streams in test/media/frozen.gst.test.ts: a still picture re-coded by x264 (300 kbit/s
 * to 2 Mbit/s, keyframes every 1 to 17 s, encoder started at connect or already running) keeps
 * its last window's noise figure at or under 0.010 (0.011 in a first window's start-up ramp) and
 * never changes a pixel strongly; a dark, noisy room at night stays at 0.028 or more (the
 * limit sits between, 1.7x from each); a clock in a corner changes a few pixels strongly once a
 * second (3 local changes per probe).
 * The same view under other lighting or IR scores 0.80-0.99, a turned or covered camera 0.21 or less.
 */
export const PICTURE_LIMITS = {
  /** Share of sampled frames that are black for the picture to count as black. */
  blackFrameRatio: 0.9,
  /** noiseFrameDiff (0..255) from which a window's change is the scene's own noise, not the encoder's. */
  liveNoiseFrameDiff: 0.017,
  /** Local changes (frame pairs, over the whole probe) that prove something in the picture moves. */
  minLocalChanges: 2,
  /** The stream's clock must have advanced this much in a window for "no change" to mean frozen. */
  minPtsAdvanceMs: 1000,
  /** Similarity to the approved view under which the view has changed. */
  viewSimilarity: 0.5,
} as const;

export interface PictureFindings {
  readonly black: Finding;
  readonly frozen: Finding;
  readonly view: Finding;
  /** camera_offline, stream side: a violation when the stream could not be watched; null when the probe opened it (or did not run). */
  readonly streamOffline: Outcome | null;
  /** Whether the picture is good enough for the camera to count towards its zones; null when not probed. */
  readonly healthy: boolean | null;
}

const round = (n: number, digits = 3): number => Math.round(n * 10 ** digits) / 10 ** digits;

/** The three picture findings of one camera (and the stream side of camera_offline). */
export function pictureFindings(
  camera: Camera,
  input: PictureInput,
  offlineRef: FindingRef | null,
): PictureFindings {
  const subject = cameraSubject(camera.id);
  const make = (
    kind: "image_black" | "image_frozen" | "view_changed",
    o: Outcome,
    required = true,
  ): Finding => toFinding(kind, subject, o, {}, required);

  if (!input.probed) {
    const skipped = outcome("unknown", "probes_skipped", {});
    return {
      black: make("image_black", skipped, false),
      frozen: make("image_frozen", skipped, false),
      view: make("view_changed", skipped, false),
      streamOffline: null,
      healthy: null,
    };
  }

  const pic = input.byCamera.get(camera.id);
  if (!pic && input.unprobed === "pending") {
    const pending = outcome("unknown", "probes_skipped", {});
    return {
      black: make("image_black", pending, false),
      frozen: make("image_frozen", pending, false),
      view: make("view_changed", pending, false),
      streamOffline: null,
      healthy: null,
    };
  }
  if (!pic || pic.stream.status !== "ok") {
    const detail =
      pic === undefined
        ? "the camera was not probed"
        : pic.stream.status === "failed"
          ? pic.stream.error.message
          : pic.stream.status === "unsupported"
            ? pic.stream.reason
            : "";
    const cause: FindingRef | null = offlineRef;
    const unknown = outcome("unknown", "picture_unavailable", { detail }, { via: pic?.via ?? null }, cause);
    return {
      black: make("image_black", unknown),
      frozen: make("image_frozen", unknown),
      view: make("view_changed", unknown, camera.referenceImage !== null),
      streamOffline: outcome(
        "violation",
        "stream_unavailable",
        { profile: camera.profile, detail },
        { via: pic?.via ?? null },
      ),
      healthy: false,
    };
  }

  const windows = pic.windows.flatMap((w) => (w.status === "ok" ? [w.value] : []));
  const evidence = { via: pic.via, stream: pic.stream.value, windows: windows.map(windowEvidence) };
  const blackRef: FindingRef = { kind: "image_black", subject };

  const black = judgeBlack(windows, evidence, offlineRef);
  const isBlack = black.status === "violation";
  const frozen = isBlack
    ? outcome("ok", "picture_is_black", {}, evidence, blackRef)
    : judgeFrozen(windows, evidence);
  const view = judgeView(camera, pic, isBlack ? blackRef : null);
  return {
    black: make("image_black", black),
    frozen: make("image_frozen", frozen),
    view: make("view_changed", view, camera.referenceImage !== null),
    streamOffline: null,
    healthy: black.status === "ok" && frozen.status === "ok" && view.status !== "violation",
  };
}

function windowEvidence(w: PictureWindow): Record<string, number> {
  return {
    frames: w.frames,
    ptsAdvanceMs: w.ptsAdvanceMs,
    meanLuma: round(w.meanLuma, 1),
    blackFrameRatio: round(w.blackFrameRatio),
    medianFrameDiff: round(w.medianFrameDiff),
    maxFrameDiff: round(w.maxFrameDiff),
    noiseFrameDiff: round(w.noiseFrameDiff),
    localChanges: w.localChanges,
    maxChangedShare: round(w.maxChangedShare),
  };
}

function judgeBlack(
  windows: readonly PictureWindow[],
  evidence: Record<string, unknown>,
  cause: FindingRef | null,
): Outcome {
  if (windows.length === 0)
    return outcome("unknown", "picture_unavailable", { detail: "no sample window decoded" }, evidence, cause);
  const frames = windows.reduce((n, w) => n + w.frames, 0);
  const ratio = frames === 0 ? 0 : windows.reduce((n, w) => n + w.blackFrameRatio * w.frames, 0) / frames;
  const meanLuma = frames === 0 ? 0 : windows.reduce((n, w) => n + w.meanLuma * w.frames, 0) / frames;
  return ratio >= PICTURE_LIMITS.blackFrameRatio
    ? outcome(
        "violation",
        "picture_black",
        { blackFrameRatio: round(ratio), meanLuma: round(meanLuma, 1) },
        evidence,
      )
    : outcome("ok", "picture_not_black", { meanLuma: round(meanLuma, 1) }, evidence);
}

/**
 * Frozen: no change beyond the encoder's own noise while the stream's clock ran on, in two
 * windows in a row (DESIGN.md §4). What proves a live picture:
 * - something moving: a small part of the picture changing strongly, in at least two frame pairs
 *   (one could be a glitch of the stream's first frames);
 * - or the scene's own noise (a dark room at night) still there in the last window. Change spread
 *   thin over the picture in an earlier window only is not proof: an encoder started at connect
 *   re-codes a still picture at rising quality for its first seconds, and that ramp fades.
 */
function judgeFrozen(windows: readonly PictureWindow[], evidence: Record<string, unknown>): Outcome {
  const median = windows.length > 0 ? Math.max(...windows.map((w) => w.medianFrameDiff)) : 0;
  const localChanges = windows.reduce((n, w) => n + w.localChanges, 0);
  // The message says which sign of life was seen: motion, or the sensor's noise still there at the end.
  const lastNoise = round(windows[windows.length - 1]?.noiseFrameDiff ?? 0);
  const moving = outcome(
    "ok",
    "picture_moving",
    { medianFrameDiff: round(median), localChanges, lastNoise },
    evidence,
  );
  if (localChanges >= PICTURE_LIMITS.minLocalChanges) return moving;
  // Identical frames whose timestamps stand still are not evidence of a frozen picture.
  const timed = (w: PictureWindow): boolean =>
    w.frames >= 2 && w.ptsAdvanceMs >= PICTURE_LIMITS.minPtsAdvanceMs;
  if (!windows.every(timed)) return moving;
  const last = windows[windows.length - 1];
  if (last && last.noiseFrameDiff >= PICTURE_LIMITS.liveNoiseFrameDiff) return moving;
  if (windows.length < 2)
    return outcome("unknown", "frozen_needs_two_windows", { windows: windows.length }, evidence);
  const seconds = Math.round(windows.reduce((n, w) => n + w.ptsAdvanceMs, 0) / 1000);
  return outcome(
    "violation",
    "picture_frozen",
    { medianFrameDiff: round(median), windows: windows.length, seconds },
    evidence,
  );
}

function judgeView(camera: Camera, pic: PictureObservation, cause: FindingRef | null): Outcome {
  if (camera.referenceImage === null) return outcome("not_required", "no_reference", {});
  if (pic.reference === null) return outcome("ok", "no_reference", {});
  const ref = pic.reference;
  if (ref.status !== "ok") {
    const detail = ref.status === "failed" ? ref.error.message : ref.reason;
    return outcome("unknown", "reference_unavailable", { detail }, {}, cause);
  }
  const similarity = round(ref.value.similarity);
  const evidence = { similarity, reference: ref.value.reference };
  if (cause !== null) return outcome("ok", "picture_is_black", {}, evidence, cause);
  return similarity < PICTURE_LIMITS.viewSimilarity
    ? outcome(
        "violation",
        "view_turned",
        { similarity, threshold: PICTURE_LIMITS.viewSimilarity, reference: ref.value.reference },
        evidence,
      )
    : outcome("ok", "view_matches", { similarity, threshold: PICTURE_LIMITS.viewSimilarity }, evidence);
}
