import { spawn, type ChildProcessByStdio } from "node:child_process";
import { dirname, resolve } from "node:path";
import type { Readable, Writable } from "node:stream";
import { fileURLToPath } from "node:url";

/*
 * Shared by the tests (test/media, test/e2e) and the benchmarks (bench/probe.bench.ts), so it
 * lives in neither: bench/ imports no test helper and test/ nothing of bench/. The Python server
 * it drives stays with the fixtures, which both read by path (test/fixtures/README.md).
 */

/**
 * GStreamer's RTSP server (gst-rtsp-server, a third-party implementation) serving videotestsrc
 * patterns and still images, driven by test/fixtures/gst/rtspServer.py under the system python
 * (python3-gi lives there, not in the pyenv python on PATH). Mounts: /moving /black /still
 * /quiet, and with `image` /photo /clock, with `nightImage` /night (see the script).
 */

export interface GstRtspServer {
  readonly port: number;
  /** rtsp://127.0.0.1:port/mount (moving, black, still, quiet, photo, clock, night; anything else is a 404). */
  url(mount: string): string;
  stop(): Promise<void>;
}

export interface GstServerOptions {
  readonly auth?: "basic" | "digest";
  readonly user?: string;
  readonly password?: string;
  readonly width?: number;
  readonly height?: number;
  readonly fps?: number;
  /** Frames between keyframes (x264enc key-int-max). */
  readonly gop?: number;
  /** x264enc bitrate, kbit/s. */
  readonly bitrateKbps?: number;
  /** One pipeline for all clients, started with the first (default: one per client, started at connect). */
  readonly shared?: boolean;
  /** A PNG held still for /photo and /clock. */
  readonly image?: string;
  /** A dim PNG for /night. */
  readonly nightImage?: string;
}

const SCRIPT = resolve(dirname(fileURLToPath(import.meta.url)), "../test/fixtures/gst/rtspServer.py");

export async function startGstRtspServer(opts: GstServerOptions = {}): Promise<GstRtspServer> {
  const args = [SCRIPT, "--port", "0"];
  if (opts.auth)
    args.push("--auth", opts.auth, "--user", opts.user ?? "viewer", "--password", opts.password ?? "");
  if (opts.width) args.push("--width", String(opts.width));
  if (opts.height) args.push("--height", String(opts.height));
  if (opts.fps) args.push("--fps", String(opts.fps));
  if (opts.gop) args.push("--gop", String(opts.gop));
  if (opts.bitrateKbps) args.push("--bitrate", String(opts.bitrateKbps));
  if (opts.shared) args.push("--shared");
  if (opts.image) args.push("--image", opts.image);
  if (opts.nightImage) args.push("--night-image", opts.nightImage);
  // stdin stays open: the server exits when it closes, so a crashed test run leaves nothing behind.
  const proc: ChildProcessByStdio<Writable, Readable, Readable> = spawn("/usr/bin/python3", args, {
    stdio: ["pipe", "pipe", "pipe"],
  });
  const exited = new Promise<void>((resolve) => proc.once("close", () => resolve()));
  let stderr = "";
  proc.stderr.on("data", (c: Buffer) => (stderr += c.toString()));

  const port = await new Promise<number>((resolve, reject) => {
    let out = "";
    const timer = setTimeout(() => reject(new Error(`gst RTSP server did not start: ${stderr}`)), 20_000);
    proc.stdout.on("data", (c: Buffer) => {
      out += c.toString();
      const m = /READY (\d+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(Number(m[1]));
      }
    });
    void exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`gst RTSP server exited: ${stderr}`));
    });
  });

  return {
    port,
    url: (mount) => `rtsp://127.0.0.1:${port}/${mount}`,
    async stop() {
      proc.stdin.end();
      if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGTERM");
      await exited;
    },
  };
}
