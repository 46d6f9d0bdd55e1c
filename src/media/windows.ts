import type { PictureWindow } from "../domain/picture.ts";
import { failed, ok, type Probe, type ProbeError } from "../domain/probe.ts";
import { measureWindow, type Sample } from "./windowStats.ts";

/**
 * Cutting one run's samples into consecutive windows by the stream's own timestamps, and
 * measuring each. Frozen needs two windows in a row (DESIGN.md §4), so one probe yields two.
 */

export interface WindowPlan {
  readonly windowSeconds: number;
  readonly count: number;
  readonly sampleFps: number;
}

/**
 * Window k covers [t0 + k·W, t0 + (k+1)·W), t0 = the first sample's timestamp. A window is
 * measured when it reaches (within 1.5 sample intervals) its end and holds at least two
 * frames; otherwise it failed, with `cutShort` saying why the run ended early.
 */
export function splitWindows(
  samples: readonly Sample[],
  plan: WindowPlan,
  cutShort: ProbeError,
): Probe<PictureWindow>[] {
  const out: Probe<PictureWindow>[] = [];
  const t0 = samples[0]?.pts ?? 0;
  const slack = 1.5 / plan.sampleFps;
  for (let k = 0; k < plan.count; k++) {
    const start = t0 + k * plan.windowSeconds;
    const end = start + plan.windowSeconds;
    const inWindow = samples.filter((s) => s.pts >= start && s.pts < end);
    const last = inWindow[inWindow.length - 1];
    if (inWindow.length >= 2 && last && last.pts >= end - slack) {
      // The previous window's last frame leads in: changes across the boundary count too.
      const leadIn = k > 0 ? samples.findLast((s) => s.pts < start) : undefined;
      out.push(ok(measureWindow(inWindow, leadIn)));
      continue;
    }
    const reached = samples.length ? Math.max(0, samples[samples.length - 1]!.pts - start) : 0;
    const where = samples.length
      ? `after ${reached.toFixed(1)} s of this ${plan.windowSeconds} s window (${inWindow.length} frames)`
      : "before the first frame";
    out.push(failed({ kind: cutShort.kind, message: `stream ended ${where}: ${cutShort.message}` }));
  }
  return out;
}
