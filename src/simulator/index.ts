/** The simulated nursery: ONVIF NVRs and cameras driven by scenarios (tests, demo, benchmark only). */
export { startSimulator } from "./server.ts";
export type { DeviceController, RunningSimulator, SimLogger, SimulatorOptions } from "./server.ts";
export {
  demoScenario,
  loadScenarioFile,
  parseScenario,
  parseChannelPatch,
  parseDevicePatch,
  ScenarioError,
  SCHEDULE_24X7,
  SCHEDULE_WEEKDAYS,
  PICTURE_KINDS,
  STREAM_MODES,
} from "./scenario.ts";
export type {
  AuthMode,
  ChannelPatch,
  ChannelSpec,
  DevicePatch,
  DeviceSpec,
  FaultName,
  OperationBehaviour,
  PictureKind,
  Scenario,
  StreamMode,
} from "./scenario.ts";
export type { ChannelState, DeviceState, MediaSessionState, MediaState } from "./device.ts";
export { DEFAULT_RTSP_LIMITS } from "./rtsp/server.ts";
export type { RtspLimits } from "./rtsp/server.ts";
