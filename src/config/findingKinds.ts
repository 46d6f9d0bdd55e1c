import type { FindingKind } from "../domain/finding.ts";

/**
 * FindingKind as a runtime list, for the schema's enums (graceByKind keys, routes.kinds).
 * The two checks below fail to compile when domain/finding.ts gains or loses a kind, so the
 * published schema cannot drift from the domain.
 */
export const FINDING_KINDS = [
  "device_unreachable",
  "camera_offline",
  "recording_stopped",
  "recording_not_continuous",
  "alarm_disarmed",
  "image_black",
  "image_frozen",
  "view_changed",
  "zone_uncovered",
  "retention_short",
  "retention_gap",
  "retention_config",
  "clock_drift",
  "monitor_blind",
  "monitor_silent",
  "ledger_broken",
] as const satisfies readonly FindingKind[];

type Unlisted = Exclude<FindingKind, (typeof FINDING_KINDS)[number]>;
const everyKindListed: [Unlisted] extends [never] ? true : Unlisted = true;
void everyKindListed;
