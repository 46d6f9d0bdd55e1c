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
} from "./scenario.ts";
export type {
  AuthMode,
  ChannelPatch,
  ChannelSpec,
  DevicePatch,
  DeviceSpec,
  FaultName,
  OperationBehaviour,
  Scenario,
} from "./scenario.ts";
export type { ChannelState, DeviceState } from "./device.ts";
