import { describe, expect, it } from "vitest";
import { Secret } from "../../src/domain/secret.ts";
import { probeCamera, probeSnapshot } from "../../src/media/probeCamera.ts";
import type { DeviceHttp } from "../../src/net/types.ts";
import { recordingRunner } from "./helpers/media.ts";

/**
 * Issue 8, defect 9: stream and snapshot addresses come from the devices, and were opened as
 * given. An address that is not rtsp/rtsps (stream) or http/https (snapshot) — a file, a concat
 * or pipe input, another scheme — is never opened: the camera's stream is unavailable with a
 * clear reason (camera_offline's stream side), and the probe returns instead of failing the job.
 */

const ODD = [
  "file:///etc/passwd",
  "concat:/etc/passwd|/etc/hostname",
  "pipe:0",
  "subfile,,start,0,end,100,,:/etc/passwd",
  "http://127.0.0.1:9/live.sdp",
  "tcp://127.0.0.1:9",
  "/etc/passwd",
];

describe("odd stream addresses from a device", () => {
  for (const streamUri of ODD) {
    it(`${streamUri}: no ffmpeg, a failed stream that says why`, async () => {
      const { runner, tools, pids } = await recordingRunner();
      const pic = await probeCamera(
        {
          cameraId: "cam1",
          streamUri,
          username: "admin",
          password: new Secret("Odd-P4ss"),
          deadlineMs: 5000,
          windowSeconds: 0.5,
          reference: { path: "/nonexistent/ref.png" },
        },
        { runner, tools, now: Date.now },
      );
      expect(pids).toEqual([]);
      expect(pic.stream).toMatchObject({ status: "failed", error: { kind: "bad_argument" } });
      const message = pic.stream.status === "failed" ? pic.stream.error.message : "";
      expect(message).toMatch(
        /^stream: the stream address (has scheme "[^"]+:", not rtsp: or rtsps:|is not an absolute URL)/,
      );
      expect(message).not.toContain("passwd");
      expect(pic.windows.map((w) => w.status)).toEqual(["failed", "failed"]);
      expect(pic.reference?.status).toBe("failed");
      expect(JSON.stringify(pic)).not.toContain("Odd-P4ss");
    });
  }

  it("a snapshot address that is not http/https is not fetched", async () => {
    const { runner, tools } = await recordingRunner();
    const asked: string[] = [];
    const http: DeviceHttp = {
      request: (req) => {
        asked.push(req.url);
        return Promise.reject(new Error("not expected"));
      },
      close: () => Promise.resolve(),
    };
    const pic = await probeSnapshot(
      {
        cameraId: "cam1",
        snapshotUri: "file:///etc/passwd",
        username: "admin",
        password: new Secret("x"),
        deadlineMs: 5000,
      },
      { runner, tools, now: Date.now, http },
    );
    expect(asked).toEqual([]);
    expect(pic.windows[0]).toMatchObject({ status: "failed", error: { kind: "bad_argument" } });
    const w = pic.windows[0];
    expect(w?.status === "failed" ? w.error.message : "").toMatch(
      /^snapshot: .*"file:", not http: or https:/,
    );
  });
});
