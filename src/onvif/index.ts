/** The public face of onvif/: the only code in nurserywatch that speaks ONVIF. */
export { createOnvifSession, DEFAULT_MAX_RESPONSE_BYTES, type OnvifSessionOptions } from "./session.ts";
export type {
  ClockSync,
  OnvifLogger,
  OnvifSession,
  ServiceDirectory,
  ServiceName,
  SoapRequest,
} from "./types.ts";
export {
  observeDevice,
  scanRecordingHistory,
  type HistoryScan,
  type HistoryScanOptions,
  type ObserveOptions,
} from "./observe.ts";
export { describeDevice, type DeviceDescription } from "./describe.ts";
export { OnvifError } from "./errors.ts";
export { createDeviceLimits, type Limit } from "./limit.ts";
export { discoverDevices, type DiscoveredDevice } from "./discovery.ts";

export { getDeviceInformation, getServiceCapabilities } from "./ops/device.ts";
export { getProfiles, getProfilesAuto, getSnapshotUri, getStreamUri, type MediaVia } from "./ops/media.ts";
export {
  getRecordingConfiguration,
  getRecordingJobs,
  getRecordingJobState,
  getRecordings,
} from "./ops/recording.ts";
export {
  findEvents,
  findRecordings,
  getRecordingInformation,
  getRecordingSummary,
  type EventSearchResult,
  type FindEventsQuery,
  type RecordingSummary,
} from "./ops/search.ts";
export { getSchedule } from "./ops/schedule.ts";
export { getRules } from "./ops/analytics.ts";
export { createPullPointSubscription, getEventTopics, pullMessages, unsubscribe } from "./ops/events.ts";
export { readSignalLoss, SIGNAL_LOSS_TOPIC } from "./ops/signalLoss.ts";

export { parseXml } from "./xml/parse.ts";
export { parseDurationSeconds } from "./time/duration.ts";
export { parseRecordingTime } from "./time/dateTime.ts";
export { parsePosixTz, localToUtcMs } from "./time/posixTz.ts";
