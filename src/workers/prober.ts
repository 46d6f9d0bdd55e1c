import type { Job } from "bullmq";
import type { Redis } from "ioredis";
import type { PictureProber } from "../check/pictureProbes.ts";
import type { Site } from "../domain/site.ts";
import type { Metrics } from "../metrics/metrics.ts";
import type { Logger } from "../logging/logger.ts";
import type { Monitor } from "../monitor/monitor.ts";
import { getProfilesAuto, getSnapshotUri, getStreamUri } from "../onvif/index.ts";
import { tryDeviceLock } from "../store/deviceLock.ts";
import type { Keys } from "../store/keys.ts";
import type { PictureRepository } from "../store/pictures.ts";
import { deviceJobTarget, type OpenSession } from "./deviceJob.ts";

export interface ProberDeps {
  readonly sites: ReadonlyMap<string, Site>;
  readonly openSession: OpenSession;
  readonly redis: Redis;
  readonly keys: Keys;
  readonly prober: PictureProber;
  readonly pictures: PictureRepository;
  readonly monitor: Monitor;
  readonly now: () => number;
  readonly logger: Logger;
  readonly metrics?: Metrics;
}

export type ProbeOutcome =
  | { readonly status: "probed"; readonly cameras: number }
  | { readonly status: "skipped"; readonly why: "unknown-device" | "busy" | "no-cameras" };

/**
 * One device's picture probes, as a BullMQ job: ask the device for its cameras' stream and
 * snapshot addresses (never stored: they may carry credentials), look at each picture through
 * media/, store the measurements, then evaluate the site so the picture findings take effect.
 */
export function createProbeProcessor(deps: ProberDeps): (job: Job) => Promise<ProbeOutcome> {
  return async (job) => {
    const target = deviceJobTarget(deps.sites, job, "probe");
    if (target === null) return { status: "skipped", why: "unknown-device" };
    const { site, device, cameras } = target;
    const siteId = site.id;
    const deviceId = device.id;
    if (cameras.length === 0) return { status: "skipped", why: "no-cameras" };

    const lockKey = deps.keys.probeLock(siteId, deviceId);
    const lockMs = Math.max(60_000, site.policy.probeIntervalSeconds * 1000);
    const release = await tryDeviceLock(deps.redis, lockKey, lockMs);
    if (release === null) return { status: "skipped", why: "busy" };
    const started = deps.now();
    try {
      const addresses = new Map<string, { stream: string | null; snapshot: string | null }>();
      const needAddresses = cameras.filter((c) => c.streamUri === null);
      if (needAddresses.length > 0) {
        try {
          const session = deps.openSession(siteId, device);
          const { via } = await getProfilesAuto(session);
          await Promise.all(
            needAddresses.map(async (c) => {
              const [stream, snapshot] = await Promise.all([
                getStreamUri(session, c.profile, via).catch(() => null),
                getSnapshotUri(session, c.profile, via).catch(() => null),
              ]);
              addresses.set(c.id, { stream, snapshot });
            }),
          );
        } catch (err) {
          // The poll reports the device itself; cameras without an address are probed as unreachable.
          deps.logger.warn(
            { siteId, deviceId, err: (err as Error).message },
            "no stream addresses for the probes",
          );
        }
      }
      const pictures = await deps.prober.probeCameras(
        site,
        cameras,
        (c) => addresses.get(c.id) ?? { stream: null, snapshot: null },
      );
      await deps.pictures.put(siteId, pictures);
      deps.metrics?.pollDuration.observe({ site: siteId, job: "probe" }, (deps.now() - started) / 1000);
      await deps.monitor.evaluate(site, started);
      return { status: "probed", cameras: pictures.size };
    } finally {
      await release();
    }
  };
}
