import pLimit from "p-limit";
import type { DeviceObservation } from "../domain/observation.ts";
import type { PictureInput, PictureObservation } from "../domain/picture.ts";
import type { Camera, Site } from "../domain/site.ts";
import type { Logger } from "../logging/logger.ts";
import {
  createMediaRunner,
  detectMediaTools,
  probeCamera,
  type MediaRunner,
  type MediaTools,
} from "../media/index.ts";
import type { DeviceHttp } from "../net/types.ts";

/** ffmpeg processes at once across a check: 2 cores, each probe ~0.07-0.10 CPU-s (bench:probe, 640x360 to 1280x720). */
const MAX_FFMPEG = 8;
/** Seconds per sample window; a probe takes two in a row (frozen needs two). */
const WINDOW_SECONDS = 2;

export interface CameraAddresses {
  readonly stream: string | null;
  readonly snapshot: string | null;
}

export interface PictureProber {
  readonly tools: MediaTools;
  /** Every camera of the site whose device answered, with the addresses its observation gave. */
  probe(site: Site, observations: ReadonlyMap<string, DeviceObservation>): Promise<PictureInput>;
  /** The given cameras of one device, with addresses from wherever the caller found them (the daemon asks the device). */
  probeCameras(
    site: Site,
    cameras: readonly Camera[],
    addressesOf: (camera: Camera) => CameraAddresses,
  ): Promise<Map<string, PictureObservation>>;
}

/**
 * Looks at every camera whose device answered: its stream (the configured override, else the
 * address the device gave for its profile), two sample windows, and the approved reference
 * when one is configured. One runner and one process limit for the whole check.
 */
export async function createPictureProber(deps: {
  readonly http: DeviceHttp;
  readonly now: () => number;
  readonly logger: Logger;
  readonly searchPath?: string;
}): Promise<PictureProber> {
  const tools = await detectMediaTools(deps.searchPath !== undefined ? { searchPath: deps.searchPath } : {});
  const runner: MediaRunner = createMediaRunner({
    ffmpegPath: tools.ffmpeg.path,
    ffprobePath: tools.ffprobe.path,
    limit: pLimit(MAX_FFMPEG),
    logger: deps.logger,
  });
  const probeCameras: PictureProber["probeCameras"] = async (site, cameras, addressesOf) => {
    const byCamera = new Map<string, PictureObservation>();
    await Promise.all(
      cameras.map(async (camera) => {
        const device = site.devices.find((d) => d.id === camera.device);
        if (!device) return;
        const found = addressesOf(camera);
        const streamUri = camera.streamUri ?? onDeviceHost(found.stream, device.onvif);
        if (streamUri === null) return;
        const pic = await probeCamera(
          {
            cameraId: camera.id,
            streamUri,
            snapshotUri: camera.snapshotUri ?? onDeviceHost(found.snapshot, device.onvif),
            snapshotTls: device.tls,
            username: device.username,
            password: device.password,
            reference: camera.referenceImage ? { path: camera.referenceImage } : null,
            deadlineMs: Math.max(15_000, device.timeoutSeconds * 1000 + WINDOW_SECONDS * 2 * 1000 + 5000),
            windowSeconds: WINDOW_SECONDS,
          },
          { runner, tools, now: deps.now, http: deps.http },
        );
        byCamera.set(camera.id, pic);
      }),
    );
    return byCamera;
  };
  return {
    tools,
    probeCameras,
    async probe(site, observations) {
      const reachable = site.cameras.filter((c) => observations.get(c.device)?.reach.status === "reachable");
      const byCamera = await probeCameras(site, reachable, (camera) => {
        const obs = observations.get(camera.device);
        return {
          stream: obs ? profileUri(obs, camera, "streamUri") : null,
          snapshot: obs ? profileUri(obs, camera, "snapshotUri") : null,
        };
      });
      return { probed: true, byCamera };
    },
  };
}

function profileUri(
  obs: DeviceObservation,
  camera: Camera,
  which: "streamUri" | "snapshotUri",
): string | null {
  if (obs.profiles.status !== "ok") return null;
  return obs.profiles.value.find((p) => p.token === camera.profile)?.[which] ?? null;
}

/**
 * The NAT quirk again (as for service addresses in onvif/): an NVR behind NAT or with a second
 * network card hands out stream addresses on a host the monitor cannot reach. The device's
 * address as configured is the one known to work, so the host is replaced by it, keeping the
 * scheme, port, path and query. Streams that really live elsewhere are configured with
 * cameras[].streamUri / snapshotUri, which are used as given.
 */
export function onDeviceHost(uri: string | null, deviceUrl: string): string | null {
  if (uri === null) return null;
  try {
    const u = new URL(uri);
    const device = new URL(deviceUrl);
    if (u.hostname === device.hostname) return uri;
    u.hostname = device.hostname;
    return u.toString();
  } catch {
    return uri;
  }
}
