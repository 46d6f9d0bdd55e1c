import type { Queue } from "bullmq";
import type { Site } from "../domain/site.ts";
import type { Logger } from "../logging/logger.ts";
import {
  missingSchedules,
  pollAllNow,
  pollNow,
  syncPollSchedulers,
  type ScheduledWork,
} from "../queues/schedulers.ts";

export interface ScheduleKeeperDeps {
  readonly queues: Readonly<Record<ScheduledWork, Queue>>;
  /** Whether this deployment probes pictures; without, its probe schedulers are removed. */
  readonly probes: boolean;
  readonly logger: Logger;
  readonly now: () => number;
  /** How often the schedulers are checked against the configuration. Default 30 s. */
  readonly intervalMs?: number;
}

export type ReconcileReason = "start" | "timer" | "reconnect" | "reload";

export interface ScheduleKeeper {
  /** Creates the schedulers of these sites, polls every device once right away, then keeps them. */
  start(sites: readonly Site[]): Promise<void>;
  /**
   * Puts back what is missing (Redis restarted without its data, a FLUSHALL) and polls those
   * devices at once. Concurrent calls run one after the other; errors are logged, not thrown.
   */
  reconcile(reason: ReconcileReason): Promise<void>;
  /** New sites (a reload): schedulers of sites dropped from the configuration are removed too. */
  setSites(sites: readonly Site[]): Promise<void>;
  /** Whether every device of the sites has its schedulers (for /readyz). */
  complete(): Promise<boolean>;
  stop(): Promise<void>;
}

type KeeperState =
  | { readonly phase: "idle" }
  | {
      readonly phase: "running";
      readonly timer: NodeJS.Timeout;
      sites: readonly Site[];
      /** Sites whose schedulers this process removes when they are no longer wanted. */
      owned: ReadonlySet<string>;
    }
  | { readonly phase: "stopped" };

/**
 * Keeps the job schedulers of the configured devices in Redis. They live in Redis alone, so a
 * Redis that comes back without its data has none and nothing would be polled again: the keeper
 * checks periodically and whenever the connection is ready again (the daemon calls reconcile).
 */
export function createScheduleKeeper(deps: ScheduleKeeperDeps): ScheduleKeeper {
  let state: KeeperState = { phase: "idle" };
  let chain: Promise<void> = Promise.resolve();
  const works = (): ScheduledWork[] => (deps.probes ? ["poll", "retention", "probe"] : ["poll", "retention"]);

  const syncAll = async (reason: ReconcileReason): Promise<void> => {
    if (state.phase !== "running") return;
    const { sites, owned } = state;
    const at = deps.now();
    for (const work of ["poll", "retention", "probe"] as const) {
      const wanted = work === "probe" && !deps.probes ? [] : sites;
      const r = await syncPollSchedulers(deps.queues[work], wanted, work, { owned: [...owned], now: at });
      if (reason === "start") {
        deps.logger.info(
          { work, ...r, created: r.created.length },
          "job schedulers in step with the configuration",
        );
        continue;
      }
      if (r.created.length > 0) {
        const created = r.created.map((j) => `${j.siteId}/${j.deviceId}`);
        if (reason === "reload")
          deps.logger.info(
            { work, created },
            "job schedulers of new devices created; those devices checked now",
          );
        else
          deps.logger.warn(
            { work, reason, created },
            "job schedulers were missing (Redis lost its data?); put back, and those devices checked now",
          );
        await pollNow(deps.queues[work], r.created, at, work);
      }
      if (r.rescheduled > 0)
        deps.logger.warn(
          { work, reason, rescheduled: r.rescheduled },
          "job schedulers planned further ahead than their interval (our clock stepped back?); planned anew",
        );
      if (r.updated > 0 || r.removed > 0)
        deps.logger.info({ work, reason, updated: r.updated, removed: r.removed }, "job schedulers changed");
    }
  };

  const reconcile = (reason: ReconcileReason): Promise<void> => {
    const run = chain.then(() =>
      syncAll(reason).catch((err: unknown) =>
        deps.logger.warn(
          { reason, err: (err as Error).message },
          "could not check the job schedulers; will try again",
        ),
      ),
    );
    chain = run;
    return run;
  };

  return {
    async start(sites) {
      if (state.phase !== "idle") throw new Error(`schedule keeper is ${state.phase}`);
      const timer = setInterval(() => void reconcile("timer"), deps.intervalMs ?? 30_000);
      timer.unref();
      state = { phase: "running", timer, sites, owned: new Set(sites.map((s) => s.id)) };
      // The first sync throws: a daemon that cannot create its schedules must not start.
      await syncAll("start");
      const at = deps.now();
      for (const work of works()) await pollAllNow(deps.queues[work], sites, at, work);
    },
    reconcile,
    async setSites(sites) {
      if (state.phase !== "running") return;
      state.sites = sites;
      state.owned = new Set([...state.owned, ...sites.map((s) => s.id)]);
      await reconcile("reload");
      if (state.phase === "running") state.owned = new Set(sites.map((s) => s.id));
    },
    async complete() {
      if (state.phase !== "running") return false;
      const { sites } = state;
      for (const work of works()) {
        if ((await missingSchedules(deps.queues[work], sites, work)).length > 0) return false;
      }
      return true;
    },
    stop() {
      if (state.phase === "running") clearInterval(state.timer);
      state = { phase: "stopped" };
      // A check in progress is not waited for: with Redis away it would wait as long.
      return Promise.resolve();
    },
  };
}
