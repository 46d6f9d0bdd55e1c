import type { PictureInput } from "../src/compliance/rules/pictures.ts";
import { evaluateSite, type Evaluation } from "../src/compliance/evaluate.ts";
import { historyProbes } from "../src/domain/historyMerge.ts";
import type { Finding } from "../src/domain/finding.ts";
import type { DeviceObservation } from "../src/domain/observation.ts";
import type { Site } from "../src/domain/site.ts";
import type { HistoryRepository } from "../src/store/histories.ts";
import { buildCheckReport } from "../src/report/checkReport.ts";
import type { ObservationRepository } from "../src/store/observations.ts";
import type { PictureRepository } from "../src/store/pictures.ts";
import type { ReportRepository } from "../src/store/reports.ts";
import { LockLostError, SiteBusyError } from "../src/store/siteLock.ts";
import type { Logger } from "../src/logging/logger.ts";
import type { ViolationEngine } from "../src/violations/engine.ts";

export interface SiteEvaluationDeps {
  readonly observations: ObservationRepository;
  readonly pictures: PictureRepository;
  /** Recording histories from the retention scans; absent when polls search history themselves. */
  readonly histories?: HistoryRepository;
  readonly reports: ReportRepository;
  readonly engine: ViolationEngine;
  readonly now: () => number;
  /** Whether this deployment looks at pictures (ffmpeg found); without, picture findings are not counted. */
  readonly probing: boolean;
  /** Says what was skipped (an evaluation overtaken by a newer one) and when our clock stepped back. */
  readonly logger?: Logger;
}

/** Tries of the site's evaluation when another worker holds the site's lock. */
const APPLY_TRIES = 5;

/**
 * Evaluates a site from the latest observation of every device and the latest picture of every
 * camera (whichever worker made them), lets the violation engine move the lifecycle on, and
 * stores the report the API and dashboard show. Returns null when a newer evaluation (by
 * sequence) got there first.
 */
export async function evaluateAndApply(
  deps: SiteEvaluationDeps,
  site: Site,
  startedAt: number,
): Promise<Evaluation | null> {
  // Taken before anything is read: evaluations are ordered by when they started, not by the clock.
  const seq = await deps.engine.beginEvaluation(site.id);
  const observations = await withHistories(deps, site, await deps.observations.all(site.id));
  // A picture older than three probe intervals no longer says what the camera shows.
  const since = deps.now() - 3 * site.policy.probeIntervalSeconds * 1000;
  const pictures: PictureInput = deps.probing
    ? { probed: true, byCamera: await deps.pictures.fresh(site.id, since), unprobed: "pending" }
    : { probed: false };
  const at = deps.now();
  const evaluation = evaluateSite(site, observations, at, pictures);
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await deps.engine.apply(site.id, site.policy, evaluation.findings, at, seq);
      if (result.skipped === "stale") {
        deps.logger?.info(
          { site: site.id, seq, applied: result.lastSeq },
          "evaluation skipped: a newer evaluation of the site was applied first",
        );
        return null;
      }
      if (result.clockWentBackMs !== undefined) {
        deps.logger?.warn(
          { site: site.id, seq, backMs: result.clockWentBackMs },
          "our clock stepped back; violation times later than now are taken as now",
        );
      }
      break;
    } catch (err) {
      if (!(err instanceof SiteBusyError || err instanceof LockLostError) || attempt >= APPLY_TRIES)
        throw err;
      await new Promise((r) => setTimeout(r, 50 * attempt));
    }
  }
  await deps.reports.put(
    site.id,
    buildCheckReport(site, { startedAt, finishedAt: at, observations, evaluation }),
  );
  return evaluation;
}

/**
 * Puts each device's stored recording history (retention scans) into its observation, as if
 * the poll had searched it. A history older than three scan intervals no longer counts.
 */
async function withHistories(
  deps: SiteEvaluationDeps,
  site: Site,
  observations: Map<string, DeviceObservation>,
): Promise<Map<string, DeviceObservation>> {
  if (!deps.histories) return observations;
  const stored = await deps.histories.all(site.id);
  const freshSince = deps.now() - 3 * site.policy.retentionIntervalSeconds * 1000;
  const out = new Map<string, DeviceObservation>();
  for (const [deviceId, obs] of observations) {
    const tokens = obs.recordings.status === "ok" ? obs.recordings.value.map((r) => r.token) : [];
    const probes = historyProbes(stored.get(deviceId) ?? null, tokens, freshSince);
    out.set(deviceId, { ...obs, recordingHistory: { ...obs.recordingHistory, ...probes } });
  }
  return out;
}

/** Required findings about the cameras of one device that are not ok. */
function troubledCameraFindings(evaluation: Evaluation, site: Site, deviceId: string): Finding[] {
  const cameras = new Set(site.cameras.filter((c) => c.device === deviceId).map((c) => c.id));
  return evaluation.findings.filter(
    (f) => f.subject.type === "camera" && cameras.has(f.subject.id) && f.required && f.status !== "ok",
  );
}

/** Whether a device's recordings wait for their first (or a recent) retention scan. */
export function historyPending(evaluation: Evaluation, site: Site, deviceId: string): boolean {
  return troubledCameraFindings(evaluation, site, deviceId).some(
    (f) => f.kind === "retention_gap" && f.reason === "history_not_searched",
  );
}

const PICTURE_KINDS = new Set(["image_black", "image_frozen", "view_changed"]);

/**
 * Cameras of a device whose pictures are in doubt (a stream that could not be watched, a black,
 * frozen or turned picture, or one that could not be judged): worth a fresh look before the next
 * scheduled probe, so a camera that was fixed stops counting as broken within a poll or two.
 */
export function picturesInDoubt(evaluation: Evaluation, site: Site, deviceId: string): boolean {
  return troubledCameraFindings(evaluation, site, deviceId).some(
    (f) => PICTURE_KINDS.has(f.kind) || (f.kind === "camera_offline" && f.reason === "stream_unavailable"),
  );
}
