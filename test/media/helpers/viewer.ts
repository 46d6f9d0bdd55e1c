import { spawn } from "node:child_process";

/**
 * Another client already watching a stream (a parent on the relay, an NVR recording it): with a
 * shared media pipeline, the encoder is then running before the probe connects, and the probe
 * joins mid-GOP. A plain ffmpeg decoding tiny frames to stdout; ready once `frames` have arrived.
 */
export interface Viewer {
  stop(): Promise<void>;
}

const SIZE = 16;

export async function startViewer(url: string, frames: number): Promise<Viewer> {
  const proc = spawn(
    "/usr/bin/ffmpeg",
    [
      ...["-nostdin", "-loglevel", "error", "-rtsp_transport", "tcp", "-i", url],
      ...["-vf", `scale=${SIZE}:${SIZE}`, "-pix_fmt", "gray", "-f", "rawvideo", "pipe:1"],
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const exited = new Promise<void>((resolve) => proc.once("close", () => resolve()));
  let stderr = "";
  proc.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
  const stop = async (): Promise<void> => {
    if (proc.exitCode === null && proc.signalCode === null) proc.kill("SIGKILL");
    await exited;
  };
  try {
    await new Promise<void>((resolve, reject) => {
      let bytes = 0;
      proc.stdout.on("data", (c: Buffer) => {
        bytes += c.length;
        if (bytes >= frames * SIZE * SIZE) resolve();
      });
      void exited.then(() => reject(new Error(`viewer ended before ${frames} frames: ${stderr}`)));
    });
  } catch (e) {
    await stop();
    throw e;
  }
  return { stop };
}
