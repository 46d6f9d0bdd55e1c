import { createHash } from "node:crypto";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PictureObservation } from "../../src/domain/picture.ts";
import { Secret } from "../../src/domain/secret.ts";
import { createDeviceHttp } from "../../src/net/deviceHttp.ts";
import type { DeviceHttp } from "../../src/net/types.ts";
import { probeCamera, probeSnapshot, type CameraProbeDeps } from "../../src/media/probeCamera.ts";
import {
  captureReference,
  loadReference,
  ReferenceCaptureError,
  type ReferenceCache,
} from "../../src/media/reference.ts";
import { closedPort, digestServerHandler, startServer, type TestServer } from "../net/servers.ts";
import { startGstRtspServer, type GstRtspServer } from "../../scripts/gstRtspServer.ts";
import { childProcesses, ffmpegCli, recordingRunner } from "./helpers/media.ts";
import { ROOM_A, ROOM_B } from "./helpers/scenes.ts";

const PASSWORD = "Cam3ra:P@ss/word";
const NOW = Date.parse("2025-03-04T05:06:07.000Z");

let dir: string;
let gst: GstRtspServer;
let snapshots: TestServer;
let http: DeviceHttp;
let ctx: Awaited<ReturnType<typeof recordingRunner>>;
let deps: CameraProbeDeps;
/** What the snapshot server answers with; tests switch it. */
let snapshotJpeg: Buffer;
let roomA: Buffer;
let roomB: Buffer;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "nw-media-camera-"));
  gst = await startGstRtspServer();
  ctx = await recordingRunner(4);
  http = createDeviceHttp();
  deps = { runner: ctx.runner, tools: ctx.tools, http, now: () => NOW };
  const jpeg = (source: string) =>
    ffmpegCli([
      "-f",
      "lavfi",
      "-i",
      source,
      "-frames:v",
      "1",
      "-vf",
      "format=yuvj420p",
      "-c:v",
      "mjpeg",
      "-q:v",
      "4",
      "-f",
      "image2pipe",
      "pipe:1",
    ]);
  [roomA, roomB] = await Promise.all([jpeg(ROOM_A), jpeg(ROOM_B)]);
  snapshotJpeg = roomA;
  const digest = digestServerHandler(
    { username: "admin", password: PASSWORD, offer: ["MD5"] },
    (_req, res) => {
      res.writeHead(200, { "content-type": "image/jpeg" });
      res.end(snapshotJpeg);
    },
  );
  snapshots = await startServer(digest.handler);
}, 60_000);

afterAll(async () => {
  await gst?.stop();
  await snapshots?.close();
  await http?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  expect(childProcesses("ffmpeg")).toEqual([]);
});

const creds = { username: "", password: new Secret("") };
const snapshotUri = (): string => `${snapshots.url}/onvif/snapshot.jpg`;

describe("captureReference", () => {
  it("writes one full-size frame from the stream, atomically, and says which", async () => {
    const path = join(dir, "still.png");
    const got = await captureReference(
      { source: { streamUri: gst.url("still") }, ...creds, path, deadlineMs: 15_000 },
      deps,
    );
    const bytes = readFileSync(path);
    expect(got).toMatchObject({ path, format: "png", bytes: bytes.length });
    expect(got.sha256).toBe(createHash("sha256").update(bytes).digest("hex"));
    expect(bytes.subarray(1, 4).toString()).toBe("PNG");
    expect(readdirSync(dir).filter((f) => f.includes("partial"))).toEqual([]);
  });

  it("from a snapshot, keeps the camera's JPEG as it is", async () => {
    const path = join(dir, "snap.jpg");
    const got = await captureReference(
      {
        source: { snapshotUri: snapshotUri() },
        username: "admin",
        password: new Secret(PASSWORD),
        path,
        deadlineMs: 10_000,
      },
      deps,
    );
    expect(got.format).toBe("jpeg");
    expect(readFileSync(path).equals(roomA)).toBe(true);
  });

  it("from a snapshot into a PNG path, converts the camera's JPEG", async () => {
    const path = join(dir, "snap.png");
    const got = await captureReference(
      {
        source: { snapshotUri: snapshotUri() },
        username: "admin",
        password: new Secret(PASSWORD),
        path,
        deadlineMs: 10_000,
      },
      deps,
    );
    expect(got.format).toBe("png");
    expect(readFileSync(path).subarray(1, 4).toString()).toBe("PNG");
  });

  it("fails with the reason and without the password when the camera refuses", async () => {
    const err = await captureReference(
      {
        source: { snapshotUri: snapshotUri() },
        username: "admin",
        password: new Secret("not-" + PASSWORD),
        path: join(dir, "x.jpg"),
        deadlineMs: 10_000,
      },
      deps,
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ReferenceCaptureError);
    expect((err as ReferenceCaptureError).error.kind).toBe("auth");
    expect(JSON.stringify(err) + String(err)).not.toContain(PASSWORD);
    expect(() => readFileSync(join(dir, "x.jpg"))).toThrow();
  });

  it("refuses a path whose extension names no image format", async () => {
    await expect(
      captureReference(
        { source: { streamUri: gst.url("still") }, ...creds, path: join(dir, "ref.bmp"), deadlineMs: 5000 },
        deps,
      ),
    ).rejects.toThrow(TypeError);
  });
});

describe("probeCamera", () => {
  let observations: Record<string, PictureObservation>;

  beforeAll(async () => {
    const reference = { path: join(dir, "approved-still.png"), label: "references/room-1.png" };
    await captureReference(
      { source: { streamUri: gst.url("still") }, ...creds, path: reference.path, deadlineMs: 15_000 },
      deps,
    );
    const mounts = ["still", "quiet", "moving", "black"] as const;
    const all = await Promise.all(
      mounts.map((m) =>
        probeCamera(
          {
            cameraId: `cam-${m}`,
            streamUri: gst.url(m),
            ...creds,
            reference,
            deadlineMs: 15_000,
            windowSeconds: 1,
          },
          deps,
        ),
      ),
    );
    observations = Object.fromEntries(mounts.map((m, i) => [m, all[i]!]));
  }, 60_000);

  it("returns the observation the rules read: who, when, how, two windows, the comparison", () => {
    const o = observations["still"]!;
    expect(o).toMatchObject({ cameraId: "cam-still", startedAt: "2025-03-04T05:06:07.000Z", via: "stream" });
    expect(o.stream).toEqual({ status: "ok", value: { codec: "h264", width: 320, height: 240, fps: 25 } });
    expect(o.windows.map((w) => w.status)).toEqual(["ok", "ok"]);
    expect(o.reference).toMatchObject({ status: "ok", value: { reference: "references/room-1.png" } });
  });

  it("the same view matches its reference; another view or a black picture does not", () => {
    const sim = (m: string): number => {
      const r = observations[m]!.reference;
      expect(r?.status).toBe("ok");
      return (r as { value: { similarity: number } }).value.similarity;
    };
    expect(sim("still")).toBeGreaterThan(0.95);
    expect(sim("quiet")).toBeGreaterThan(0.9); // the same bars, with a patch of live noise
    expect(sim("moving")).toBeLessThan(0.3);
    expect(sim("black")).toBeLessThan(0.05);
  });

  it("without a configured reference, reference is null", async () => {
    const o = await probeCamera(
      { cameraId: "c", streamUri: gst.url("still"), ...creds, deadlineMs: 10_000, windowSeconds: 0.5 },
      deps,
    );
    expect(o.reference).toBeNull();
  });

  it("compares the snapshot when the stream gives no frame, and keeps the stream's failure", async () => {
    const reference = { path: join(dir, "approved-room.jpg") };
    snapshotJpeg = roomA;
    await captureReference(
      {
        source: { snapshotUri: snapshotUri() },
        username: "admin",
        password: new Secret(PASSWORD),
        path: reference.path,
        deadlineMs: 10_000,
      },
      deps,
    );
    const base = {
      cameraId: "c",
      streamUri: `rtsp://127.0.0.1:${await closedPort()}/live`,
      snapshotUri: snapshotUri(),
      username: "admin",
      password: new Secret(PASSWORD),
      reference,
      deadlineMs: 10_000,
      windowSeconds: 1,
    };
    const same = await probeCamera(base, deps);
    expect(same.stream).toMatchObject({ status: "failed", error: { kind: "network" } });
    expect(same.reference).toMatchObject({ status: "ok" });
    expect((same.reference as { value: { similarity: number } }).value.similarity).toBeGreaterThan(0.95);
    snapshotJpeg = roomB;
    const moved = await probeCamera(base, deps);
    expect((moved.reference as { value: { similarity: number } }).value.similarity).toBeLessThan(0.3);
    expect(JSON.stringify([same, moved]) + ctx.logs.join("\n")).not.toContain(PASSWORD);
  });

  it("a reference file that is missing fails the comparison, not the probe", async () => {
    const o = await probeCamera(
      {
        cameraId: "c",
        streamUri: gst.url("still"),
        ...creds,
        reference: { path: join(dir, "nope.png") },
        deadlineMs: 10_000,
        windowSeconds: 0.5,
      },
      deps,
    );
    expect(o.windows.map((w) => w.status)).toEqual(["ok", "ok"]);
    expect(o.reference).toMatchObject({ status: "failed", error: { kind: "fault" } });
    expect((o.reference as { error: { message: string } }).error.message).toContain("ENOENT");
  });
});

describe("probeSnapshot", () => {
  it("measures one picture: black and the view can be told, frozen cannot", async () => {
    snapshotJpeg = roomA;
    const o = await probeSnapshot(
      {
        cameraId: "c",
        snapshotUri: snapshotUri(),
        username: "admin",
        password: new Secret(PASSWORD),
        deadlineMs: 10_000,
      },
      deps,
    );
    expect(o.via).toBe("snapshot");
    expect(o.stream.status).toBe("unsupported");
    expect(o.windows).toHaveLength(1);
    expect(o.windows[0]).toMatchObject({
      status: "ok",
      value: { frames: 1, ptsAdvanceMs: 0, blackFrameRatio: 0, maxFrameDiff: 0 },
    });
    expect(o.reference).toBeNull();
  });

  it("a wrong password is an auth failure that does not show the password", async () => {
    const wrong = "Wr0ng!" + PASSWORD;
    const o = await probeSnapshot(
      {
        cameraId: "c",
        snapshotUri: snapshotUri(),
        username: "admin",
        password: new Secret(wrong),
        deadlineMs: 10_000,
      },
      deps,
    );
    expect(o.windows[0]).toMatchObject({ status: "failed", error: { kind: "auth" } });
    expect(JSON.stringify(o)).not.toContain(wrong);
  });

  it("an answer that is not an image is reported as such", async () => {
    snapshotJpeg = Buffer.from("<html>login</html>");
    const o = await probeSnapshot(
      {
        cameraId: "c",
        snapshotUri: snapshotUri(),
        username: "admin",
        password: new Secret(PASSWORD),
        deadlineMs: 10_000,
      },
      deps,
    );
    snapshotJpeg = roomA;
    expect(o.windows[0]).toMatchObject({ status: "failed", error: { kind: "malformed" } });
  });
});

describe("loadReference", () => {
  it("decodes a reference once and reuses it while the file is unchanged", async () => {
    const path = join(dir, "cached.jpg");
    await captureReference(
      {
        source: { snapshotUri: snapshotUri() },
        username: "admin",
        password: new Secret(PASSWORD),
        path,
        deadlineMs: 10_000,
      },
      deps,
    );
    const cache: ReferenceCache = new Map();
    const before = ctx.pids.length;
    const first = await loadReference(path, ctx.runner, { deadlineMs: 5000, cache });
    const second = await loadReference(path, ctx.runner, { deadlineMs: 5000, cache });
    expect("frame" in first && "frame" in second).toBe(true);
    expect(ctx.pids.length).toBe(before + 1);
  });
});
