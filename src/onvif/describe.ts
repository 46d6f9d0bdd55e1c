import type {
  DeviceClock,
  DeviceInfo,
  MediaProfile,
  RecordingConfig,
  RecordingJob,
  ServiceMap,
} from "../domain/observation.ts";
import { ok, type Probe } from "../domain/probe.ts";
import { getDeviceInformation } from "./ops/device.ts";
import { getProfilesAuto, getSnapshotUri, getStreamUri } from "./ops/media.ts";
import { getRecordingJobs, getRecordings } from "./ops/recording.ts";
import { probeOf } from "./probeOf.ts";
import type { OnvifSession } from "./types.ts";

/** What the `describe` command prints: what the device is and offers, for writing a config. */
export interface DeviceDescription {
  readonly deviceId: string;
  readonly clock: Probe<DeviceClock>;
  readonly services: Probe<ServiceMap>;
  /** "GetServices" or "GetCapabilities" (older devices), when services were read. */
  readonly servicesSource: string | null;
  readonly info: Probe<DeviceInfo>;
  /** Every profile, with its stream and snapshot addresses (null where the device gave none). */
  readonly profiles: Probe<readonly MediaProfile[]>;
  readonly recordings: Probe<readonly RecordingConfig[]>;
  readonly recordingJobs: Probe<readonly RecordingJob[]>;
}

/** Reads everything describable about a device; never throws for device trouble. */
export async function describeDevice(session: OnvifSession): Promise<DeviceDescription> {
  const secret = session.device.password;
  const clock = await probeOf(async () => (await session.syncClock()).clock, secret);
  const directory = await probeOf(() => session.directory(), secret);
  const services: Probe<ServiceMap> = directory.status === "ok" ? ok(directory.value.services) : directory;
  const [info, media, recordings, recordingJobs] = await Promise.all([
    probeOf(() => getDeviceInformation(session), secret),
    probeOf(() => getProfilesAuto(session), secret),
    probeOf(() => getRecordings(session), secret),
    probeOf(() => getRecordingJobs(session), secret),
  ]);
  let profiles: Probe<readonly MediaProfile[]> = media.status === "ok" ? ok(media.value.profiles) : media;
  if (media.status === "ok") {
    const { via } = media.value;
    const withUris = await Promise.all(
      media.value.profiles.map(async (p) => {
        const [stream, snapshot] = await Promise.all([
          probeOf(() => getStreamUri(session, p.token, via), secret),
          probeOf(() => getSnapshotUri(session, p.token, via), secret),
        ]);
        return {
          ...p,
          streamUri: stream.status === "ok" ? stream.value : null,
          snapshotUri: snapshot.status === "ok" ? snapshot.value : null,
        };
      }),
    );
    profiles = ok(withUris);
  }
  return {
    deviceId: session.device.id,
    clock,
    services,
    servicesSource: directory.status === "ok" ? directory.value.source : null,
    info,
    profiles,
    recordings,
    recordingJobs,
  };
}
