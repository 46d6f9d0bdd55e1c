import type { ParsedCalendar } from "./calendar.ts";
import type { Probe, ProbeError } from "./probe.ts";

/**
 * What one poll of one device saw. Produced by onvif/ (the only code that speaks to devices),
 * consumed by compliance/ (pure rules). Times are ISO-8601 UTC strings; `null` where the device
 * gave none or gave a placeholder (1970 dates mean "not known", never "very old").
 */
export interface DeviceObservation {
  readonly deviceId: string;
  /** Our clock when the poll started and finished (ISO). */
  readonly startedAt: string;
  readonly finishedAt: string;
  readonly reach: Reachability;
  /** Present once the device answered GetSystemDateAndTime. */
  readonly clock: Probe<DeviceClock>;
  readonly info: Probe<DeviceInfo>;
  /** Which ONVIF services GetServices listed (namespace → XAddr after NAT rewriting). */
  readonly services: Probe<ServiceMap>;
  readonly profiles: Probe<readonly MediaProfile[]>;
  /** Video source token → signal lost, from a pull-point's initial SignalLoss property messages. */
  readonly signalLoss: Probe<Readonly<Record<string, boolean>>>;
  readonly recordings: Probe<readonly RecordingConfig[]>;
  readonly recordingJobs: Probe<readonly RecordingJob[]>;
  /** Job token → its real state (GetRecordingJobState). */
  readonly jobStates: Readonly<Record<string, Probe<RecordingJobState>>>;
  /** Schedule token → its definition (for jobs with a ScheduleToken). */
  readonly schedules: Readonly<Record<string, Probe<Schedule>>>;
  /** Recording token → GetRecordingInformation. */
  readonly recordingInfo: Readonly<Record<string, Probe<RecordingInformation>>>;
  /** Recording token → history searched with FindEvents over the retention window. */
  readonly recordingHistory: Readonly<Record<string, Probe<RecordingHistory>>>;
  /** Analytics configuration token → rules (GetRules). */
  readonly analyticsRules: Readonly<Record<string, Probe<readonly AnalyticsRule[]>>>;
}

export type Reachability =
  { readonly status: "reachable" } | { readonly status: "unreachable"; readonly error: ProbeError };

export interface DeviceClock {
  /** The device's UTC now as it reported it (ISO), or null when it gave neither UTC nor a usable local time + TZ. */
  readonly deviceUtc: string | null;
  /** Where deviceUtc came from. */
  readonly source: "utc" | "local+tz" | "none";
  /** Our UTC clock at the moment the answer arrived (ISO). */
  readonly observedAt: string;
  readonly timezone: string | null;
  readonly dateTimeType: "NTP" | "Manual" | null;
}

export interface DeviceInfo {
  readonly manufacturer: string;
  readonly model: string;
  readonly firmwareVersion: string;
  readonly serialNumber: string;
  readonly hardwareId: string;
}

/** Keyed by short service name; absent when GetServices did not list it. */
export interface ServiceMap {
  readonly device: string;
  readonly media?: string;
  readonly media2?: string;
  readonly recording?: string;
  readonly search?: string;
  readonly schedule?: string;
  readonly analytics?: string;
  readonly events?: string;
  readonly deviceio?: string;
  readonly replay?: string;
}

export interface MediaProfile {
  readonly token: string;
  readonly name: string;
  readonly videoSourceToken: string | null;
  readonly encoding: string | null;
  readonly width: number | null;
  readonly height: number | null;
  /** VideoAnalyticsConfiguration token, for GetRules. */
  readonly analyticsToken: string | null;
  readonly streamUri: string | null;
  readonly snapshotUri: string | null;
}

export interface RecordingConfig {
  readonly token: string;
  readonly sourceId: string;
  readonly sourceName: string;
  /** MaximumRetentionTime in seconds; 0 means "no limit beyond storage"; null when absent or unparseable. */
  readonly maximumRetentionSeconds: number | null;
  readonly tracks: readonly { readonly token: string; readonly type: TrackType }[];
}

export type TrackType = "Video" | "Audio" | "Metadata" | "Extended";

export interface RecordingJob {
  readonly token: string;
  readonly recordingToken: string;
  /** "Idle" or "Active" by the spec; kept as sent, since vendors stray. */
  readonly mode: string;
  readonly scheduleToken: string | null;
  /** True when the job carries an EventFilter: it records only around events. */
  readonly eventTriggered: boolean;
  /** Source tokens (usually media profile tokens) the job records from. */
  readonly sourceTokens: readonly string[];
}

/** "Idle", "PartiallyActive", "Active" or "Error" by the spec; kept as sent, since vendors stray. */
export type JobStateValue = string;

export interface RecordingJobState {
  readonly recordingToken: string;
  readonly state: JobStateValue;
  readonly sources: readonly {
    readonly sourceToken: string;
    readonly state: JobStateValue;
    readonly tracks: readonly {
      readonly sourceTag: string;
      readonly destination: string;
      readonly state: JobStateValue;
      readonly error: string | null;
    }[];
  }[];
}

export interface Schedule {
  readonly token: string;
  /** The iCalendar (RFC 5545) text of tsc:Standard, as sent (kept as evidence). */
  readonly standard: string;
  /** That text as onvif/ parsed it: compliance/ reads this, never the text. */
  readonly calendar: ParsedCalendar;
}

export interface RecordingInformation {
  readonly recordingToken: string;
  readonly earliestRecording: string | null;
  readonly latestRecording: string | null;
  readonly status: string;
  readonly tracks: readonly {
    readonly token: string;
    readonly type: TrackType;
    readonly dataFrom: string | null;
    readonly dataTo: string | null;
  }[];
}

/** What FindEvents returned for one recording over [from, to] (device clock). */
export interface RecordingHistory {
  readonly from: string;
  readonly to: string;
  /** RecordingHistory/Track/State changes, oldest first, start-state events included. */
  readonly trackStates: readonly {
    readonly time: string;
    readonly track: string;
    readonly isDataPresent: boolean;
    readonly startState: boolean;
  }[];
  /** RecordingConfig/DeleteTrackData events. */
  readonly deletions: readonly {
    readonly time: string;
    readonly track: string;
    readonly startTime: string | null;
    readonly endTime: string | null;
  }[];
}

export interface AnalyticsRule {
  readonly name: string;
  /** e.g. "tt:CellMotionDetector", "tt:TamperingDetection" (prefix normalised to tt:). */
  readonly type: string;
  readonly parameters: Readonly<Record<string, string>>;
}
