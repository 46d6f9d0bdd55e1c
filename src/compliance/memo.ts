import type { DeviceObservation, Schedule } from "../domain/observation.ts";
import type { Camera } from "../domain/site.ts";
import { cameraRecording } from "./recordingLookup.ts";
import { scheduleCoverage, type Coverage } from "./schedule/coverage.ts";

type Found = ReturnType<typeof cameraRecording>;

/**
 * Work the rules of ONE evaluation share: six rules of each camera look up the same recording
 * (a scan of the device's jobs and recordings), and an NVR's cameras usually follow one
 * schedule. Both are pure functions of their inputs, so sharing the result changes nothing
 * but the time taken. Created by evaluateSite and dropped with it: nothing outlives a check.
 */
export interface EvaluationMemo {
  readonly recordings: Map<Camera, { readonly obs: DeviceObservation; readonly found: Found }>;
  readonly coverage: Map<string, Coverage>;
}

/** What the memo reads of a camera's context (context.ts CameraContext has it). */
interface MemoContext {
  readonly camera: Camera;
  readonly obs: DeviceObservation;
  readonly memo?: EvaluationMemo;
}

export const createEvaluationMemo = (): EvaluationMemo => ({ recordings: new Map(), coverage: new Map() });

/** cameraRecording(ctx.camera, ctx.obs), computed once per camera in an evaluation. */
export function recordingOf(ctx: MemoContext): Found {
  const memo = ctx.memo;
  if (memo === undefined) return cameraRecording(ctx.camera, ctx.obs);
  const hit = memo.recordings.get(ctx.camera);
  if (hit !== undefined && hit.obs === ctx.obs) return hit.found;
  const found = cameraRecording(ctx.camera, ctx.obs);
  memo.recordings.set(ctx.camera, { obs: ctx.obs, found });
  return found;
}

/**
 * scheduleCoverage(schedule.calendar, deviceNow), computed once per schedule text and clock in an
 * evaluation: the text is the key because each device's observation carries its own parsed copy.
 */
export function coverageOf(ctx: MemoContext, schedule: Schedule, deviceNow: number | null): Coverage {
  const memo = ctx.memo;
  if (memo === undefined) return scheduleCoverage(schedule.calendar, deviceNow);
  const key = `${deviceNow ?? "-"}\n${schedule.standard}`;
  let cover = memo.coverage.get(key);
  if (cover === undefined) {
    cover = scheduleCoverage(schedule.calendar, deviceNow);
    memo.coverage.set(key, cover);
  }
  return cover;
}
