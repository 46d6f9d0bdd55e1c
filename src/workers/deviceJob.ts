import type { Job } from "bullmq";
import type { Camera, Device, Site } from "../domain/site.ts";
import type { Logger } from "../logging/logger.ts";
import type { DeviceHttp } from "../net/types.ts";
import { createDeviceLimits, createOnvifSession, type OnvifSession } from "../onvif/index.ts";
import { isPollJob } from "../queues/payloads.ts";

/** What a device job (poll, probe, retention scan) works on, from this worker's own configuration. */
export interface DeviceJobTarget {
  readonly site: Site;
  readonly device: Device;
  /** The configured cameras on the device. */
  readonly cameras: readonly Camera[];
}

/**
 * Reads a device job's payload (ids only) and looks the device up in the sites this worker
 * loaded, so no credential ever travels in a job. Null when the job names a site or device this
 * worker does not know (its configuration changed since the job was queued); throws on a
 * payload that is not a device job at all.
 */
export function deviceJobTarget(
  sites: ReadonlyMap<string, Site>,
  job: Job,
  kind: string,
): DeviceJobTarget | null {
  if (!isPollJob(job.data)) throw new Error(`${kind} job ${job.id ?? "?"} has a malformed payload`);
  const { siteId, deviceId } = job.data;
  const site = sites.get(siteId);
  const device = site?.devices.find((d) => d.id === deviceId);
  if (!site || !device) return null;
  return { site, device, cameras: site.cameras.filter((c) => c.device === device.id) };
}

/** Opens an ONVIF session to a site's device for one job. */
export type OpenSession = (siteId: string, device: Device) => OnvifSession;

/**
 * The session opener of one worker process: every session to a device shares that device's
 * concurrency limit, so its poll, picture probe and retention scan together never exceed its
 * maxConcurrency.
 */
export function sessionOpener(deps: {
  readonly http: DeviceHttp;
  readonly now: () => number;
  readonly logger: Logger;
}): OpenSession {
  const limits = createDeviceLimits();
  return (siteId, device) =>
    createOnvifSession({
      device,
      http: deps.http,
      now: deps.now,
      logger: deps.logger,
      limit: limits.for(`${siteId}\u0000${device.id}`, device.maxConcurrency),
    });
}
