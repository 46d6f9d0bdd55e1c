import type { ChannelPatch, ChannelSpec, JobStateName } from "./scenario.ts";
import { DAY, HOUR } from "../domain/time.ts";

/**
 * One NVR channel at run time: its scenario settings plus what happened since the simulator
 * started (when recording stopped, gaps left by stops). All instants here are on the
 * SIMULATOR clock in ms; the device adds its clock offset when it reports them, as a device
 * stamps data with its own (possibly wrong) clock.
 */
export interface Interval {
  readonly startMs: number;
  readonly endMs: number;
  /** "stopped": the device knew it was not recording (Recording/State events too). */
  readonly cause: "scenario" | "stopped" | "stall";
}

export type TrackStateName = "Active" | "Idle" | "Error";

export interface JobStateView {
  readonly state: JobStateName;
  readonly video: { readonly state: TrackStateName; readonly error: string | null };
  readonly audio: { readonly state: TrackStateName; readonly error: string | null };
}

export class ChannelRuntime {
  spec: ChannelSpec;
  /** Earliest data (sim clock), or null for the 1970 placeholder. */
  earliestMs: number | null = null;
  /** Newest data stopped advancing here (sim clock); null while recording. */
  frozenAtMs: number | null = null;
  frozenCause: "stopped" | "stall" = "stopped";
  scenarioGaps: Interval[] = [];
  /** Gaps left by stops and stalls that ended while the simulator ran. */
  readonly dynamicGaps: Interval[] = [];
  deletions: { readonly atMs: number; readonly dataStartMs: number; readonly dataEndMs: number }[] = [];
  /** Per-channel XML fragments; cleared whenever the channel changes. */
  readonly cache = new Map<string, string>();
  /** Snapshots served so far (each request gets the next picture). */
  snapshotsServed = 0;

  constructor(
    readonly n: number,
    spec: ChannelSpec,
    nowMs: number,
  ) {
    this.spec = spec;
    this.#applyAges(spec, nowMs);
    if (spec.stalledSinceSeconds !== null) {
      this.frozenAtMs = nowMs - spec.stalledSinceSeconds * 1000;
      this.frozenCause = this.isRecording() ? "stall" : "stopped";
    } else if (!this.isRecording()) {
      this.frozenAtMs = nowMs;
      this.frozenCause = "stopped";
    }
  }

  get name(): string {
    return this.spec.name ?? `Camera ${String(this.n).padStart(2, "0")}`;
  }

  /** The job's real state (GetRecordingJobState), derived unless the scenario fixes it. */
  jobState(): JobStateView {
    const s = this.spec;
    const videoErr = s.videoTrackError ?? (s.online ? null : "Video source not connected");
    const audioBase = s.audioTrackError ?? (s.online ? null : "Audio source not connected");
    let state: JobStateName;
    if (s.jobState !== null) state = s.jobState;
    else if (s.jobMode === "Idle") state = "Idle";
    else if (videoErr !== null && audioBase !== null) state = "Error";
    else if (videoErr !== null || audioBase !== null) state = "PartiallyActive";
    else state = "Active";
    const track = (
      err: string | null,
      fallbackErr: string | null,
    ): { state: TrackStateName; error: string | null } => {
      if (state === "Idle") return { state: "Idle", error: null };
      if (state === "Error") return { state: "Error", error: err ?? fallbackErr ?? "Recording failed" };
      return err !== null ? { state: "Error", error: err } : { state: "Active", error: null };
    };
    // A fixed PartiallyActive with no track error named: the audio track is the broken one.
    const audioErr =
      state === "PartiallyActive" && videoErr === null ? (audioBase ?? "Incompatible Stream") : audioBase;
    return { state, video: track(videoErr, null), audio: track(audioErr, null) };
  }

  /** Whether video data is really being written now (the stall aside). */
  isRecording(): boolean {
    const s = this.spec;
    if (!s.recording || !s.online || s.jobMode !== "Active") return false;
    return this.jobState().video.state === "Active";
  }

  /** Newest data (sim clock). */
  dataToMs(nowMs: number): number {
    return this.frozenAtMs ?? nowMs;
  }

  gaps(): Interval[] {
    return [...this.scenarioGaps, ...this.dynamicGaps];
  }

  /** Applies a patch at `nowMs`, turning start/stop transitions into history. */
  patch(p: ChannelPatch, nowMs: number): void {
    const wasRecording = this.isRecording();
    this.spec = { ...this.spec, ...p };
    this.cache.clear();
    this.#applyAges(p, nowMs);
    const recording = this.isRecording();
    if (p.stalledSinceSeconds !== undefined && p.stalledSinceSeconds !== null) {
      this.#endFreeze(nowMs);
      this.frozenAtMs = nowMs - p.stalledSinceSeconds * 1000;
      this.frozenCause = recording ? "stall" : "stopped";
      return;
    }
    if (p.stalledSinceSeconds === null && this.frozenCause === "stall" && recording) this.#endFreeze(nowMs);
    if (wasRecording && !recording && this.frozenAtMs === null) {
      this.frozenAtMs = nowMs;
      this.frozenCause = "stopped";
    } else if (!wasRecording && recording && this.frozenCause === "stopped") {
      this.#endFreeze(nowMs);
    }
  }

  #endFreeze(nowMs: number): void {
    if (this.frozenAtMs !== null && this.frozenAtMs < nowMs) {
      this.dynamicGaps.push({ startMs: this.frozenAtMs, endMs: nowMs, cause: this.frozenCause });
      if (this.dynamicGaps.length > 1000) this.dynamicGaps.shift();
    }
    this.frozenAtMs = null;
  }

  #applyAges(p: ChannelPatch, nowMs: number): void {
    if (p.earliestDataAgeDays !== undefined) {
      this.earliestMs = p.earliestDataAgeDays === "1970" ? null : nowMs - p.earliestDataAgeDays * DAY;
    }
    if (p.gaps !== undefined) {
      this.scenarioGaps = p.gaps.map((g) => ({
        startMs: nowMs - g.startAgeHours * HOUR,
        endMs: nowMs - g.endAgeHours * HOUR,
        cause: "scenario" as const,
      }));
    }
    if (p.deletions !== undefined) {
      this.deletions = p.deletions.map((d) => ({
        atMs: nowMs - d.ageDays * DAY,
        dataStartMs: nowMs - d.dataStartAgeDays * DAY,
        dataEndMs: nowMs - d.dataEndAgeDays * DAY,
      }));
    }
  }
}
