import type { PictureKind } from "../scenario.ts";

/**
 * What each simulated camera sees, as ffmpeg lavfi filter graphs (drawn, never recorded: no
 * media files ship with the project). generate.ts turns them into clips and snapshots.
 *
 * The numbers are chosen so a picture check has something honest to measure:
 * - moving: a nursery room (textured wall and floor, window, picture, door, table, rug) with two
 *   child-sized blocks crossing it; every path takes exactly one clip length, so the loop is seamless.
 * - dark: the same room at night in IR monochrome: about a quarter of the light, with temporal
 *   sensor noise that survives encoding (consecutive frames differ) and no motion. Mean luma
 *   ~40 of 16..235, the furniture still visible: dim, not black, not frozen.
 * - black: a covered lens: black with faint sensor noise (frames are not bit-identical).
 * - frozen: one frame of the moving room, which the RTSP server repeats with advancing timestamps.
 * - changed: the camera turned away, up towards the ceiling (different layout and texture), with
 *   the same light noise and a rolling ball, so it is neither frozen nor black.
 */

export const WIDTH = 640;
export const HEIGHT = 360;
export const FPS = 10;
/** Frames between IDR pictures (every clip starts with one, so a loop restarts cleanly). */
export const GOP = 10;
export const CLIP_SECONDS = 4;

const size = `s=${WIDTH}x${HEIGHT}:r=${FPS}:d=${CLIP_SECONDS}`;

const box = (x: number, y: number, w: number, h: number, c: string, t: number | "fill" = "fill"): string =>
  `drawbox=x=${x}:y=${y}:w=${w}:h=${h}:c=${c}:t=${t}`;

/**
 * Walls and floors are not flat: a fixed, slightly blurred luma texture (a different one per
 * scene) gives structure-comparing checks something real to compare, as plaster and carpet do.
 */
const texture = (seed: number): string => `noise=c0s=40:c0_seed=${seed},gblur=sigma=1.5`;
/** Daylight sensor noise: faint, changes every frame. */
const DAY_NOISE = "noise=c0s=6:c0f=t";
/** Night (IR, high gain) sensor noise: strong, changes every frame. */
const NIGHT_NOISE = "noise=c0s=12:c0f=t";

/** The nursery room: floor, window with frame, picture, door, table, rug. */
const ROOM = [
  `color=c=0x8c8070:${size}`,
  box(0, 250, 640, 110, "0x6b4f35"),
  box(60, 50, 150, 100, "0xcfe3f0"),
  box(60, 50, 150, 100, "0xf0f0f0", 6),
  box(300, 40, 120, 90, "0x3060a0"),
  box(320, 60, 80, 50, "0xe0c040"),
  box(470, 90, 90, 170, "0x5a3c28"),
  box(250, 190, 170, 16, "0xa0703c"),
  box(260, 206, 10, 60, "0xa0703c"),
  box(400, 206, 10, 60, "0xa0703c"),
  box(90, 280, 250, 60, "0x4a7a50"),
  texture(11),
].join(",");

/** Where the camera points once turned away: up at the ceiling, a beam, a lamp, a cupboard top. */
const OTHER_VIEW = [
  `color=c=0xe4e2d8:${size}`,
  box(0, 0, 130, 360, "0x8a8880"),
  box(0, 110, 640, 34, "0x4a4038"),
  box(250, 30, 220, 50, "0x505050"),
  box(256, 36, 208, 38, "0xffffff"),
  box(0, 270, 640, 90, "0x2e2620"),
  box(420, 170, 140, 80, "0xb03030"),
  box(150, 180, 120, 70, "0x3050c0"),
  texture(22),
].join(",");

// Two children: one walks along the rug, one crosses the other way bobbing up and down. Every
// path repeats after exactly one clip length, so the loop is seamless.
const T = CLIP_SECONDS;
const CHILDREN =
  `color=c=0xd04030:s=60x100:r=${FPS}:d=${T}[kid1];color=c=0x30a0d0:s=50x80:r=${FPS}:d=${T}[kid2];` +
  `[room][kid1]overlay=x='10+mod(t*${600 / T}\\,600)':y=200[one];` +
  `[one][kid2]overlay=x='560-mod(t*${480 / T}\\,480)':y='150+40*sin(2*PI*t/${T})'`;
/** A ball rolling along the cupboard of the other view. */
const BALL =
  `color=c=0xf0d020:s=24x24:r=${FPS}:d=${T}[ball];` +
  `[view][ball]overlay=x='140+mod(t*${480 / T}\\,480)':y=246`;

const FINISH = "format=yuv420p";

/** The lavfi graph of a picture kind (the frozen kind is one frame of it: see generate.ts). */
export function sceneGraph(kind: PictureKind): string {
  switch (kind) {
    case "moving":
    case "frozen":
      return `${ROOM}[room];${CHILDREN},${DAY_NOISE},${FINISH}`;
    case "dark":
      return `${ROOM},hue=s=0,lutyuv=y='16+(val-16)*0.25',${NIGHT_NOISE},${FINISH}`;
    case "black":
      return `color=c=black:${size},noise=c0s=3:c0f=t,${FINISH}`;
    case "changed":
      return `${OTHER_VIEW}[view];${BALL},${DAY_NOISE},${FINISH}`;
  }
}

/** How many frames a kind's clip holds: the frozen camera has one picture, repeated by the server. */
export function framesOf(kind: PictureKind): number {
  return kind === "frozen" ? 1 : FPS * CLIP_SECONDS;
}
