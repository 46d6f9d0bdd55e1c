import pLimit from "p-limit";
import { evaluateSite } from "../compliance/evaluate.ts";
import type { Site } from "../domain/site.ts";
import type { Logger } from "../logging/logger.ts";
import type { DeviceHttp } from "../net/types.ts";
import { createOnvifSession, observeDevice } from "../onvif/index.ts";
import type { PictureProber } from "./pictureProbes.ts";
import type { CheckRun } from "../domain/checkReport.ts";

export interface CheckDeps {
  readonly http: DeviceHttp;
  /** Our clock, ms since the epoch. */
  readonly now: () => number;
  readonly logger: Logger;
  /** Looks at the cameras' pictures; absent = `--no-probes` (picture findings are then not counted). */
  readonly pictures?: PictureProber;
}

/** Devices polled at once; each still answers within its own deadline. */
const DEVICE_PARALLELISM = 64;

/**
 * One pass over a site: poll every device once (in parallel, each bounded by its own request
 * deadlines, so a hung device cannot hold up the others), then evaluate every rule.
 */
export async function runCheck(site: Site, deps: CheckDeps): Promise<CheckRun> {
  const startedAt = deps.now();
  const limit = pLimit(DEVICE_PARALLELISM);
  const entries = await Promise.all(
    site.devices.map((device) =>
      limit(async () => {
        const cameras = site.cameras.filter((c) => c.device === device.id);
        const session = createOnvifSession({ device, http: deps.http, now: deps.now, logger: deps.logger });
        const observation = await observeDevice({
          session,
          cameras,
          policy: site.policy,
          now: deps.now,
          // The probes need the addresses the device hands out (unless the config overrides them).
          withStreamUris: deps.pictures !== undefined && cameras.some((c) => c.streamUri === null),
        });
        deps.logger.debug({ device: device.id, reach: observation.reach.status }, "device observed");
        return [device.id, observation] as const;
      }),
    ),
  );
  const observations = new Map(entries);
  const pictures = deps.pictures ? await deps.pictures.probe(site, observations) : undefined;
  const finishedAt = deps.now();
  const evaluation = evaluateSite(site, observations, finishedAt, pictures);
  return { startedAt, finishedAt, observations, evaluation };
}
