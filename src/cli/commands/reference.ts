import { isAbsolute, resolve } from "node:path";
import pLimit from "p-limit";
import { loadConfig, processEnv } from "../../config/load.ts";
import { createLogger } from "../../logging/logger.ts";
import {
  captureReference,
  createMediaRunner,
  detectMediaTools,
  ReferenceCaptureError,
} from "../../media/index.ts";
import { createDeviceHttp } from "../../net/deviceHttp.ts";
import { createOnvifSession, observeDevice } from "../../onvif/index.ts";
import { EXIT, UsageError } from "../exitCodes.ts";

export interface ReferenceOptions {
  readonly config: string;
  readonly camera: string;
  /** Where to write the image; default the camera's referenceImage from the config. */
  readonly out?: string;
  readonly logLevel: string;
}

/**
 * `nurserywatch reference`: captures the camera's current view as its approved reference (the
 * picture view_changed compares against). Run it when the camera is pointed right, and keep
 * the file with the config.
 */
export async function referenceCommand(opts: ReferenceOptions): Promise<number> {
  const config = await loadConfig(opts.config, processEnv());
  const camera = config.site.cameras.find((c) => c.id === opts.camera);
  if (!camera) throw new UsageError(`--camera: no camera "${opts.camera}" in ${config.file}`);
  const device = config.site.devices.find((d) => d.id === camera.device);
  if (!device) throw new UsageError(`camera ${camera.id} names an unknown device ${camera.device}`);
  const out =
    opts.out !== undefined ? (isAbsolute(opts.out) ? opts.out : resolve(opts.out)) : camera.referenceImage;
  if (out === null) {
    throw new UsageError(
      `camera ${camera.id} has no referenceImage in ${config.file}: give --out FILE, and set referenceImage to it`,
    );
  }
  const logger = createLogger({ level: opts.logLevel });
  const http = createDeviceHttp();
  try {
    let streamUri = camera.streamUri;
    if (streamUri === null) {
      const session = createOnvifSession({ device, http, now: Date.now, logger });
      const obs = await observeDevice({
        session,
        cameras: [camera],
        policy: config.site.policy,
        now: Date.now,
        withStreamUris: true,
      });
      streamUri =
        obs.profiles.status === "ok"
          ? (obs.profiles.value.find((p) => p.token === camera.profile)?.streamUri ?? null)
          : null;
      if (streamUri === null) {
        process.stderr.write(
          `nurserywatch: device ${device.id} gave no stream address for profile ${camera.profile}\n`,
        );
        return EXIT.violation;
      }
    }
    const tools = await detectMediaTools();
    const runner = createMediaRunner({
      ffmpegPath: tools.ffmpeg.path,
      ffprobePath: tools.ffprobe.path,
      limit: pLimit(1),
      logger,
    });
    const captured = await captureReference(
      {
        source: { streamUri },
        username: device.username,
        password: device.password,
        path: out,
        deadlineMs: 30_000,
      },
      { runner, tools, http },
    );
    process.stdout.write(
      `Approved view of ${camera.id} written to ${captured.path} (${captured.format}, ${captured.bytes} bytes, sha256 ${captured.sha256}).\n` +
        (camera.referenceImage === null || resolve(camera.referenceImage) !== resolve(captured.path)
          ? `Set cameras[].referenceImage of ${camera.id} to this file in ${config.file}.\n`
          : ""),
    );
    return EXIT.compliant;
  } catch (err) {
    if (err instanceof ReferenceCaptureError) {
      process.stderr.write(`nurserywatch: could not capture ${camera.id}: ${err.message}\n`);
      return EXIT.violation;
    }
    throw err;
  } finally {
    await http.close();
  }
}
