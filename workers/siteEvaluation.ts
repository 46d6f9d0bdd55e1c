import type { PictureInput } from "../src/compliance/rules/pictures.ts";
import { evaluateSite, type Evaluation } from "../src/compliance/evaluate.ts";
import type { Site } from "../src/domain/site.ts";
import { buildCheckReport } from "../src/report/checkReport.ts";
import type { ObservationRepository } from "../src/store/observations.ts";
import type { PictureRepository } from "../src/store/pictures.ts";
import type { ReportRepository } from "../src/store/reports.ts";
import { LockLostError, SiteBusyError } from "../src/store/siteLock.ts";
import type { ViolationEngine } from "../src/violations/engine.ts";

export interface SiteEvaluationDeps {
  readonly observations: ObservationRepository;
  readonly pictures: PictureRepository;
  readonly reports: ReportRepository;
  readonly engine: ViolationEngine;
  readonly now: () => number;
  /** Whether this deployment looks at pictures (ffmpeg found); without, picture findings are not counted. */
  readonly probing: boolean;
}

/** Tries of the site's evaluation when another worker holds the site's lock. */
const APPLY_TRIES = 5;

/**
 * Evaluates a site from the latest observation of every device and the latest picture of every
 * camera (whichever worker made them), lets the violation engine move the lifecycle on, and
 * stores the report the API and dashboard show. Returns false when a newer evaluation got there first.
 */
export async function evaluateAndApply(
  deps: SiteEvaluationDeps,
  site: Site,
  startedAt: number,
): Promise<Evaluation | null> {
  const observations = await deps.observations.all(site.id);
  // A picture older than three probe intervals no longer says what the camera shows.
  const since = deps.now() - 3 * site.policy.probeIntervalSeconds * 1000;
  const pictures: PictureInput = deps.probing
    ? { probed: true, byCamera: await deps.pictures.fresh(site.id, since), unprobed: "pending" }
    : { probed: false };
  const at = deps.now();
  const evaluation = evaluateSite(site, observations, at, pictures);
  for (let attempt = 1; ; attempt++) {
    try {
      const result = await deps.engine.apply(site.id, site.policy, evaluation.findings, at);
      if (result.skipped === "stale") return null;
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

const PICTURE_KINDS = new Set(["image_black", "image_frozen", "view_changed"]);

/**
 * Cameras of a device whose pictures are in doubt (a stream that could not be watched, a black,
 * frozen or turned picture, or one that could not be judged): worth a fresh look before the next
 * scheduled probe, so a camera that was fixed stops counting as broken within a poll or two.
 */
export function picturesInDoubt(evaluation: Evaluation, site: Site, deviceId: string): boolean {
  const cameras = new Set(site.cameras.filter((c) => c.device === deviceId).map((c) => c.id));
  return evaluation.findings.some(
    (f) =>
      f.subject.type === "camera" &&
      cameras.has(f.subject.id) &&
      f.required &&
      f.status !== "ok" &&
      (PICTURE_KINDS.has(f.kind) || (f.kind === "camera_offline" && f.reason === "stream_unavailable")),
  );
}
