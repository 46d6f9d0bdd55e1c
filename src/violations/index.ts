export { step, observe, graceSeconds, recordable } from "./lifecycle.ts";
export type { LifecycleInput, LifecyclePolicy, LifecycleStep, Transition, Observed } from "./lifecycle.ts";
export { createViolationEngine, DEFAULT_ENGINE_LIMITS } from "./engine.ts";
export type {
  ViolationEngine,
  ViolationEngineOptions,
  ApplyResult,
  EngineTransition,
  EngineLimits,
} from "./engine.ts";
export { gapSightings, incidentId, toIncident } from "./gaps.ts";
export type { GapSighting } from "./gaps.ts";
export { coversFinding, createMaintenanceService, MaintenanceInputError } from "./maintenance.ts";
export type { MaintenanceService, MaintenanceDeclaration, MaintenanceServiceOptions } from "./maintenance.ts";
export { computeUptime, currentLapse } from "./uptime.ts";
export type { SubjectUptime, ReportLapse } from "./uptime.ts";
