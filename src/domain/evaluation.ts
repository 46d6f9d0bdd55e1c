import type { Finding, FindingKind, FindingRef, FindingStatus } from "./finding.ts";
import type { ZoneKind } from "./site.ts";

export type Verdict = "compliant" | "violation" | "indeterminate";

export interface CameraSummary {
  readonly id: string;
  readonly name: string;
  readonly device: string;
  readonly zones: readonly string[];
  /** healthy = device reachable, camera online, recording (what zone coverage counts). */
  readonly health: Health;
  /** Why the camera is not healthy: the root finding (an unreachable NVR, the camera's own fault). */
  readonly root: FindingRef | null;
  /** The status of each of the camera's findings. */
  readonly findings: Readonly<Partial<Record<FindingKind, FindingStatus>>>;
  /** How far back its video goes, in days on the device clock; null when it cannot be told. */
  readonly retentionDepthDays: number | null;
}

export interface ZoneSummary {
  readonly id: string;
  readonly name: string;
  readonly kind: ZoneKind;
  readonly private: boolean;
  /** Whether the policy requires coverage of this zone's kind. */
  readonly required: boolean;
  readonly minCameras: number;
  readonly cameras: readonly string[];
  readonly healthyCameras: number;
  readonly unknownCameras: number;
  readonly status: FindingStatus;
}

export interface Evaluation {
  readonly verdict: Verdict;
  /** Devices first (reachability, clock), then each camera's rules, then zones, then the site. */
  readonly findings: Finding[];
  readonly cameras: CameraSummary[];
  readonly zones: ZoneSummary[];
}

export type Health = "healthy" | "unhealthy" | "unknown";

/** A camera as coverage sees it: healthy = device reachable, camera online, recording. */
export interface CameraHealth {
  readonly id: string;
  readonly health: Health;
  /** The finding that explains why it is not healthy (null when healthy). */
  readonly root: FindingRef | null;
}
