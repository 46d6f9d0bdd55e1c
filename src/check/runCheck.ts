import pLimit from "p-limit";
import type { Evaluation } from "../compliance/evaluate.ts";
import { evaluateSite } from "../compliance/evaluate.ts";
import type { DeviceObservation } from "../domain/observation.ts";
import type { Site } from "../domain/site.ts";
import type { Logger } from "../logging/logger.ts";
import type { DeviceHttp } from "../net/types.ts";
import { createOnvifSession, observeDevice } from "../onvif/index.ts";

export interface CheckDeps {
  readonly http: DeviceHttp;
  /** Our clock, ms since the epoch. */
  readonly now: () => number;
  readonly logger: Logger;
}

export interface CheckRun {
  readonly startedAt: number;
  readonly finishedAt: number;
  readonly observations: ReadonlyMap<string, DeviceObservation>;
  readonly evaluation: Evaluation;
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
        const observation = await observeDevice({ session, cameras, policy: site.policy, now: deps.now });
        deps.logger.debug({ device: device.id, reach: observation.reach.status }, "device observed");
        return [device.id, observation] as const;
      }),
    ),
  );
  const observations = new Map(entries);
  const finishedAt = deps.now();
  const evaluation = evaluateSite(site, observations, finishedAt);
  return { startedAt, finishedAt, observations, evaluation };
}
