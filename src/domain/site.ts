import type { Locale } from "./locale.ts";
import type { PolicyProvenance } from "./policyPreset.ts";
import type { Secret } from "./secret.ts";

/** The resolved, validated configuration of one nursery, as config/ hands it to the rest. */
export interface Site {
  readonly id: string;
  readonly name: string;
  readonly registration: string | null;
  /** IANA time zone, e.g. Asia/Shanghai. */
  readonly timezone: string;
  /** ISO date-time (UTC) when monitoring began. */
  readonly commissionedAt: string;
  readonly locale: Locale;
  readonly policy: Policy;
  /**
   * Which preset and source the policy follows and where each value came from. Set by config/
   * for every loaded site file; absent only for sites built in code (tests).
   */
  readonly policyProvenance?: PolicyProvenance;
  readonly devices: readonly Device[];
  readonly zones: readonly Zone[];
  readonly cameras: readonly Camera[];
}

export type { Locale };

export type ZoneKind = "entrance" | "living" | "activity" | "other";

export interface Policy {
  readonly retentionDays: number;
  readonly retentionToleranceHours: number;
  readonly maxRecordingLagSeconds: number;
  readonly maxGapMinutes: number;
  readonly maxClockDriftSeconds: number;
  readonly requiredZoneKinds: readonly ZoneKind[];
  readonly requireMotionDetection: boolean;
  readonly pollIntervalSeconds: number;
  readonly probeIntervalSeconds: number;
  readonly retentionIntervalSeconds: number;
  readonly graceSeconds: number;
  readonly graceByKind: Readonly<Partial<Record<string, number>>>;
  readonly recoverySeconds: number;
}

export interface DeviceTls {
  /** PEM text of the CA (read by config/ from caFile). */
  readonly ca: string | null;
  /** SHA-256 fingerprint of the leaf certificate, "AB:CD:..." upper-case. */
  readonly fingerprint256: string | null;
}

export interface Device {
  readonly id: string;
  readonly kind: "nvr" | "camera";
  /** The device service address, e.g. http://10.0.0.5/onvif/device_service. */
  readonly onvif: string;
  readonly username: string;
  readonly password: Secret;
  readonly timeoutSeconds: number;
  /** Concurrent requests allowed to this device. */
  readonly maxConcurrency: number;
  readonly tls: DeviceTls | null;
}

export interface Zone {
  readonly id: string;
  readonly kind: ZoneKind;
  readonly name: string;
  readonly private: boolean;
  readonly minCameras: number;
}

export interface Camera {
  readonly id: string;
  readonly name: string;
  readonly device: string;
  readonly profile: string;
  readonly recording: string | null;
  readonly zones: readonly string[];
  readonly referenceImage: string | null;
  /** ISO date-time; null means the site's commissionedAt applies. */
  readonly commissionedAt: string | null;
  readonly streamUri: string | null;
  readonly snapshotUri: string | null;
}
