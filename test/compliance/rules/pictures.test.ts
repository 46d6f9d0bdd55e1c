import { describe, expect, it } from "vitest";
import { pictureFindings, PICTURE_LIMITS } from "../../../src/compliance/rules/pictures.ts";
import type { PictureInput, PictureObservation, PictureWindow } from "../../../src/domain/picture.ts";
import { failed, ok } from "../../../src/domain/probe.ts";
import { camera } from "../builders.ts";

const cam = camera(1, ["gate"], { referenceImage: "refs/cam1.png" });
const window = (w: Partial<PictureWindow> = {}): PictureWindow => ({
  frames: 8,
  ptsAdvanceMs: 2000,
  meanLuma: 117,
  blackFrameRatio: 0,
  maxFrameDiff: 9,
  meanFrameDiff: 4,
  medianFrameDiff: 2.6,
  detail: 12,
  noiseFrameDiff: 1.8,
  localChanges: 7,
  maxChangedShare: 0.08,
  ...w,
});
const picture = (windows: PictureWindow[], similarity: number | null = 0.93): PictureObservation => ({
  cameraId: cam.id,
  startedAt: "2026-12-15T02:00:00.000Z",
  via: "stream",
  stream: ok({ codec: "h264", width: 640, height: 360, fps: 10 }),
  windows: windows.map((w) => ok(w)),
  reference: similarity === null ? null : ok({ similarity, reference: "refs/cam1.png" }),
});
const probed = (p: PictureObservation): PictureInput => ({ probed: true, byCamera: new Map([[cam.id, p]]) });

describe("picture findings", () => {
  it("a live, lit picture matching its reference is healthy", () => {
    const f = pictureFindings(cam, probed(picture([window(), window()])), null);
    expect([f.black.status, f.frozen.status, f.view.status]).toEqual(["ok", "ok", "ok"]);
    expect(f.healthy).toBe(true);
    expect(f.streamOffline).toBeNull();
  });

  it("black frames are image_black; frozen and view then point at it instead of piling up", () => {
    const black = window({ meanLuma: 16, blackFrameRatio: 1, medianFrameDiff: 0, detail: 0 });
    const f = pictureFindings(cam, probed(picture([black, black], 0)), null);
    expect(f.black).toMatchObject({ status: "violation", reason: "picture_black" });
    expect(f.frozen.causedBy).toEqual({ kind: "image_black", subject: { type: "camera", id: cam.id } });
    expect(f.view.status).not.toBe("violation");
    expect(f.healthy).toBe(false);
  });

  it("frozen needs both windows still while the stream's clock runs", () => {
    const still = window({ medianFrameDiff: 0.01, maxFrameDiff: 0.1, noiseFrameDiff: 0, localChanges: 0 });
    expect(pictureFindings(cam, probed(picture([still, still])), null).frozen).toMatchObject({
      status: "violation",
      reason: "picture_frozen",
      params: { windows: 2, seconds: 4 },
    });
    // One still window, then movement: a pause, not a frozen camera.
    expect(pictureFindings(cam, probed(picture([still, window()])), null).frozen.status).toBe("ok");
    // Identical frames whose timestamps stand still: not evidence of a frozen picture.
    const stuckClock = window({ medianFrameDiff: 0, noiseFrameDiff: 0, localChanges: 0, ptsAdvanceMs: 0 });
    expect(pictureFindings(cam, probed(picture([stuckClock, stuckClock])), null).frozen.status).toBe("ok");
    // One still window only: cannot tell yet; one window that moved is proof enough of a live picture.
    expect(pictureFindings(cam, probed(picture([still])), null).frozen).toMatchObject({
      status: "unknown",
      reason: "frozen_needs_two_windows",
    });
    expect(pictureFindings(cam, probed(picture([window()])), null).frozen.status).toBe("ok");
  });

  it("an encoder's start-up ramp on a still picture is not movement: it is spread thin and fades", () => {
    // gst-rtsp-server, imagefreeze into x264 started at connect (the case in issue 13): the first
    // window re-codes the picture at rising quality, the second is the picture held.
    const ramp = window({ medianFrameDiff: 0.37, maxFrameDiff: 0.62, noiseFrameDiff: 0.05, localChanges: 0 });
    const held = window({ medianFrameDiff: 0, maxFrameDiff: 0.02, noiseFrameDiff: 0, localChanges: 0 });
    expect(pictureFindings(cam, probed(picture([ramp, held])), null).frozen).toMatchObject({
      status: "violation",
      reason: "picture_frozen",
    });
    // Keyframe pumping at a low bitrate lifts the median above the old floor in every window,
    // by one grey level at most.
    const pumping = window({
      medianFrameDiff: 0.22,
      maxFrameDiff: 0.44,
      noiseFrameDiff: 0.002,
      localChanges: 0,
    });
    expect(pictureFindings(cam, probed(picture([pumping, pumping])), null).frozen.status).toBe("violation");
    // The stream's first frames jumping from black to the picture is one change of the whole
    // frame (not counted as local), and one local glitch is not movement either.
    const glitch = window({ ...held, maxChangedShare: 0.99, localChanges: 1 });
    expect(pictureFindings(cam, probed(picture([glitch, held])), null).frozen.status).toBe("violation");
  });

  it("a still scene with a small moving corner (a clock) is not frozen", () => {
    // A seconds display: a few pixels change strongly once a second, nothing else moves.
    const clock = window({
      medianFrameDiff: 0,
      maxFrameDiff: 0.15,
      noiseFrameDiff: 0.001,
      localChanges: 1,
      maxChangedShare: 0.0015,
    });
    expect(pictureFindings(cam, probed(picture([clock, clock])), null).frozen).toMatchObject({
      status: "ok",
      reason: "picture_moving",
    });
  });

  it("a dark, empty room at night (sensor noise, no motion) is neither black nor frozen", () => {
    const night = window({
      meanLuma: 24,
      blackFrameRatio: 0,
      medianFrameDiff: 0.39,
      detail: 3,
      noiseFrameDiff: 0.03,
      localChanges: 0,
      maxChangedShare: 0,
    });
    const f = pictureFindings(cam, probed(picture([night, night], 0.8)), null);
    expect([f.black.status, f.frozen.status, f.view.status]).toEqual(["ok", "ok", "ok"]);
  });

  it("limits sit at their boundaries", () => {
    const atBlack = window({ blackFrameRatio: PICTURE_LIMITS.blackFrameRatio });
    expect(pictureFindings(cam, probed(picture([atBlack, atBlack])), null).black.status).toBe("violation");
    const atFloor = window({ noiseFrameDiff: PICTURE_LIMITS.liveNoiseFrameDiff, localChanges: 0 });
    expect(pictureFindings(cam, probed(picture([atFloor, atFloor])), null).frozen.status).toBe("ok");
    const underFloor = window({ noiseFrameDiff: PICTURE_LIMITS.liveNoiseFrameDiff - 0.001, localChanges: 0 });
    expect(pictureFindings(cam, probed(picture([underFloor, underFloor])), null).frozen.status).toBe(
      "violation",
    );
    const local = (n: number) => window({ noiseFrameDiff: 0, localChanges: n });
    const oneEach = pictureFindings(
      cam,
      probed(picture([local(1), local(PICTURE_LIMITS.minLocalChanges - 1)])),
      null,
    );
    expect(oneEach.frozen.status).toBe("ok");
    expect(
      pictureFindings(cam, probed(picture([local(0), local(PICTURE_LIMITS.minLocalChanges - 1)])), null)
        .frozen.status,
    ).toBe("violation");
    expect(
      pictureFindings(cam, probed(picture([window(), window()], PICTURE_LIMITS.viewSimilarity)), null).view
        .status,
    ).toBe("ok");
    expect(
      pictureFindings(cam, probed(picture([window(), window()], PICTURE_LIMITS.viewSimilarity - 0.01)), null)
        .view,
    ).toMatchObject({
      status: "violation",
      reason: "view_turned",
    });
  });

  it("without a configured reference, view_changed is not counted", () => {
    const noRef = camera(2, ["gate"]);
    const p = { ...picture([window(), window()], null), cameraId: noRef.id };
    const f = pictureFindings(noRef, { probed: true, byCamera: new Map([[noRef.id, p]]) }, null);
    expect(f.view).toMatchObject({ status: "not_required", reason: "no_reference", required: false });
  });

  it("a stream that cannot be watched is camera_offline (stream side); the pictures are unknown", () => {
    const refused: PictureObservation = {
      ...picture([]),
      stream: failed({ kind: "network", message: "RTSP 404 Not Found" }),
      windows: [],
    };
    const f = pictureFindings(cam, probed(refused), null);
    expect(f.streamOffline).toMatchObject({ status: "violation", reason: "stream_unavailable" });
    expect(f.black).toMatchObject({ status: "unknown", reason: "picture_unavailable" });
    expect(f.healthy).toBe(false);
  });

  it("in the daemon, a camera whose first probe has not come yet is not counted", () => {
    const f = pictureFindings(cam, { probed: true, byCamera: new Map(), unprobed: "pending" }, null);
    for (const x of [f.black, f.frozen, f.view])
      expect(x).toMatchObject({ status: "unknown", required: false });
    // In a check, a camera that should have been probed and was not is unknown and counts.
    expect(pictureFindings(cam, { probed: true, byCamera: new Map() }, null).black).toMatchObject({
      status: "unknown",
      required: true,
    });
  });

  it("with --no-probes the picture findings are present but not counted", () => {
    const f = pictureFindings(cam, { probed: false }, null);
    for (const x of [f.black, f.frozen, f.view])
      expect(x).toMatchObject({ status: "unknown", reason: "probes_skipped", required: false });
    expect(f.healthy).toBeNull();
  });
});
