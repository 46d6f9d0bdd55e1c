import { beforeAll, describe, expect, it } from "vitest";
import { orientationField, viewSimilarity } from "../../src/media/compareView.ts";
import { decodeImage } from "../../src/media/decodeImage.ts";
import type { MediaRunner } from "../../src/media/ffmpegRunner.ts";
import type { GrayFrame } from "../../src/media/frames.ts";
import { ffmpegCli, recordingRunner } from "./helpers/media.ts";
import { DIM_NOISY, ROOM_A, ROOM_A_WIDE, ROOM_B } from "./helpers/scenes.ts";

function frame(w: number, h: number, f: (x: number, y: number) => number): GrayFrame {
  const data = new Uint8Array(w * h);
  for (let y = 0; y < h; y++)
    for (let x = 0; x < w; x++) data[y * w + x] = Math.max(0, Math.min(255, Math.round(f(x, y))));
  return { width: w, height: h, data };
}

/** A small room: wall, a dark cupboard, a bright window, a door. */
const room = (x: number, y: number): number =>
  (x > 10 && x < 40 && y > 35 && y < 65 ? 50 : 0) +
  (x > 50 && x < 80 && y > 8 && y < 28 ? 200 : 0) +
  (x > 90 && x < 115 && y > 25 ? 70 : 0) +
  100;

describe("viewSimilarity (pure)", () => {
  const base = frame(128, 72, room);

  it("is 1 for the same view and symmetric", () => {
    const other = frame(128, 72, (x, y) => room(x, y) * 0.5 + 10);
    expect(viewSimilarity(base, base)).toBe(1);
    expect(viewSimilarity(base, other)).toBe(viewSimilarity(other, base));
  });

  it("ignores brightness, contrast and an edge whose sides swap brightness", () => {
    expect(
      viewSimilarity(
        frame(128, 72, (x, y) => room(x, y) * 0.3 + 5),
        base,
      ),
    ).toBeGreaterThan(0.95);
    expect(
      viewSimilarity(
        frame(128, 72, (x, y) => 255 - room(x, y)),
        base,
      ),
    ).toBeGreaterThan(0.95);
  });

  it("tolerates a camera knocked by a pixel or two", () => {
    expect(
      viewSimilarity(
        frame(128, 72, (x, y) => room(x - 2, y + 1)),
        base,
      ),
    ).toBeGreaterThan(0.9);
  });

  it("is 0 for a view without structure (covered lens, a flat wall) however noisy", () => {
    let seed = 1;
    const noise = (): number => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 4;
    expect(
      viewSimilarity(
        frame(128, 72, () => 8 + noise()),
        base,
      ),
    ).toBeLessThan(0.05);
    expect(
      viewSimilarity(
        frame(128, 72, () => 128),
        base,
      ),
    ).toBe(0);
  });

  it("drops for another layout", () => {
    const moved = frame(128, 72, (x, y) => room(127 - x, 71 - y));
    expect(viewSimilarity(moved, base)).toBeLessThan(0.3);
  });

  it("refuses views of different sizes", () => {
    expect(() => viewSimilarity(frame(64, 36, room), base)).toThrow(RangeError);
    expect(() => orientationField(frame(2, 2, room))).toThrow(RangeError);
  });
});

/**
 * On synthetic scenes rendered by ffmpeg (1280x720) and decoded by the probe's own path (scale
 * to 128x72, grey). Similarity to room A, measured:
 *   same room, lighter (eq brightness +0.2)          0.991
 *   same room, darker (brightness -0.25)             0.952
 *   contrast 0.4 / 1.6                               0.949 / 0.978
 *   gamma 0.5 / 2                                    0.944 / 0.993
 *   night without IR (dim + sensor noise)            0.795
 *   IR night view (grey, non-monotonic curve, noise) 0.835
 *   IR night view (grey, inverted, noise)            0.971
 *   snapshot JPEG at q=25 / sub-stream 640x360       0.994 / 0.993
 *   two children in the room                         0.869
 *   camera moved 8 px of 1280                        0.855
 *   another room                                     0.017
 *   camera turned half away / fully away             0.086 / 0.007
 *   lens covered by a hand (blur, dark)              0.210
 *   lens covered (black + noise) / white ceiling     0.000 / 0.015
 *   testsrc2 / smptebars                             0.033 / 0.000
 * A rule threshold around 0.5 separates the two groups with a wide margin on both sides.
 */
describe("viewSimilarity on rendered scenes", () => {
  let runner: MediaRunner;
  let base: GrayFrame;

  const render = async (
    source: string,
    filters: string,
    encode: readonly string[] = ["-c:v", "png"],
  ): Promise<GrayFrame> => {
    const vf = filters ? ["-vf", filters] : [];
    const bytes = await ffmpegCli([
      "-f",
      "lavfi",
      "-i",
      source,
      "-frames:v",
      "1",
      ...vf,
      ...encode,
      "-f",
      "image2pipe",
      "pipe:1",
    ]);
    const decoded = await decodeImage(bytes, runner, { deadlineMs: 10_000, what: "test scene" });
    if (!("frame" in decoded)) throw new Error(decoded.error.message);
    return decoded.frame;
  };
  const similarity = async (source: string, filters: string, encode?: readonly string[]): Promise<number> =>
    viewSimilarity(await render(source, filters, encode), base);

  beforeAll(async () => {
    runner = (await recordingRunner()).runner;
    base = await render(ROOM_A, "noise=alls=6:allf=u");
  });

  const SAME: readonly [string, string, string, (readonly string[])?][] = [
    ["lighter", ROOM_A, "eq=brightness=0.2"],
    ["darker", ROOM_A, "eq=brightness=-0.25"],
    ["low contrast", ROOM_A, "eq=contrast=0.4"],
    ["high contrast", ROOM_A, "eq=contrast=1.6"],
    ["gamma 0.5", ROOM_A, "eq=gamma=0.5"],
    ["gamma 2", ROOM_A, "eq=gamma=2"],
    ["night without IR", ROOM_A, DIM_NOISY],
    [
      "IR night, non-monotonic",
      ROOM_A,
      "hue=s=0,curves=all='0/0.1 0.3/0.5 0.6/0.4 1/0.9',eq=contrast=1.3:brightness=0.05,noise=alls=10:allf=t",
    ],
    ["IR night, inverted", ROOM_A, "hue=s=0,negate,eq=contrast=0.8,noise=alls=10:allf=t"],
    ["JPEG q=25 snapshot", ROOM_A, "format=yuvj420p", ["-c:v", "mjpeg", "-q:v", "25"]],
    ["sub-stream 640x360", ROOM_A, "scale=640:360"],
    [
      "children in the room",
      ROOM_A,
      "drawbox=x=500:y=350:w=90:h=250:color=0xe0a070:t=fill,drawbox=x=300:y=380:w=80:h=200:color=0x2030f0:t=fill",
    ],
    ["moved 8 px", ROOM_A, "crop=1272:712:8:8,scale=1280:720"],
  ];
  for (const [name, source, filters, encode] of SAME) {
    it(`stays high when only the light or the picture quality changes: ${name}`, async () => {
      expect(await similarity(source, filters, encode)).toBeGreaterThan(0.7);
    });
  }

  const CHANGED: readonly [string, string, string][] = [
    ["another room", ROOM_B, ""],
    ["turned half away", ROOM_A_WIDE, "crop=1280:720:640:0"],
    ["turned away", ROOM_A_WIDE, "crop=1280:720:1280:0"],
    ["lens covered by a hand", ROOM_A, "gblur=sigma=80,eq=brightness=-0.3,noise=alls=8:allf=u"],
    ["lens covered, black", "color=c=black:s=1280x720", "noise=alls=8:allf=u"],
    ["pointing at the ceiling", "color=c=0xd0d0d0:s=1280x720", "noise=alls=6:allf=u"],
    ["test pattern", "testsrc2=s=1280x720", ""],
    ["colour bars", "smptebars=s=1280x720", ""],
  ];
  for (const [name, source, filters] of CHANGED) {
    it(`drops for a different view: ${name}`, async () => {
      expect(await similarity(source, filters)).toBeLessThan(0.3);
    });
  }
});
