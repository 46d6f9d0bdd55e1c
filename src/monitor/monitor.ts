import { evaluateSite } from "../compliance/evaluate.ts";
import type { FollowUp } from "../domain/followUp.ts";
import type { Site } from "../domain/site.ts";
import type { Logger } from "../logging/logger.ts";
import { buildCheckReport } from "../report/checkReport.ts";
import type { ReportRepository } from "../store/reports.ts";
import { LockLostError, SiteBusyError } from "../store/siteLock.ts";
import type { ViolationEngine } from "../violations/engine.ts";
import { decideFollowUps, type PolledDevice } from "./followUps.ts";
import { ledgerFinding } from "./ledgerFinding.ts";
import { loadSnapshot, type SnapshotStores } from "./snapshot.ts";
import type { Evaluation } from "../domain/evaluation.ts";

export interface MonitorDeps extends SnapshotStores {
  readonly reports: ReportRepository;
  readonly engine: Pick<ViolationEngine, "apply" | "beginEvaluation">;
  readonly now: () => number;
  /** Whether this deployment looks at pictures (ffmpeg found); without, picture findings are not counted. */
  readonly probing: boolean;
  /** Says what was skipped (an evaluation overtaken by a newer one) and when our clock stepped back. */
  readonly logger?: Logger;
}

export type MonitorResult =
  /** A newer evaluation of the site (by sequence) was applied first; nothing changed. */
  | { readonly applied: false }
  | {
      readonly applied: true;
      readonly evaluation: Evaluation;
      /** What should run early (after a poll only); the caller queues it. */
      readonly followUps: readonly FollowUp[];
    };

/** The monitoring pipeline of one site: snapshot → pure rules → violation lifecycle → report. */
export interface Monitor {
  /**
   * Evaluates a site after a job stored what it found (`startedAt`: when that job started),
   * from the latest observation of every device and picture of every camera (whichever worker
   * made them) and the ledger's state; lets the violation engine move the lifecycle on, and
   * stores the report the API and dashboard show. After a poll, `polled` names the device,
   * for the follow-ups.
   */
  evaluate(site: Site, startedAt: number, polled?: PolledDevice): Promise<MonitorResult>;
}

/** Tries of the site's evaluation when another worker holds the site's lock. */
const APPLY_TRIES = 5;

export function createMonitor(deps: MonitorDeps): Monitor {
  return {
    async evaluate(site, startedAt, polled) {
      // Taken before anything is read: evaluations are ordered by when they started, not by the clock.
      const seq = await deps.engine.beginEvaluation(site.id);
      const snapshot = await loadSnapshot(deps, site, deps.now(), deps.probing);
      const at = deps.now();
      const evaluation = evaluateSite(site, snapshot.observations, at, snapshot.pictures);
      const findings =
        snapshot.ledger === null
          ? evaluation.findings
          : [...evaluation.findings, ledgerFinding(site.id, snapshot.ledger)];
      for (let attempt = 1; ; attempt++) {
        try {
          const result = await deps.engine.apply(site.id, site.policy, findings, at, seq);
          if (result.skipped === "stale") {
            deps.logger?.info(
              { site: site.id, seq, applied: result.lastSeq },
              "evaluation skipped: a newer evaluation of the site was applied first",
            );
            return { applied: false };
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
        buildCheckReport(site, {
          startedAt,
          finishedAt: at,
          observations: snapshot.observations,
          evaluation,
        }),
      );
      return {
        applied: true,
        evaluation,
        followUps: polled === undefined ? [] : decideFollowUps(site, evaluation, snapshot, polled),
      };
    },
  };
}
