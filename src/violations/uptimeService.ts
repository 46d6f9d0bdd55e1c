import type { Redis } from "ioredis";
import type { Subject } from "../domain/finding.ts";
import type { Keys } from "../store/keys.ts";
import { readLapses } from "../store/lapses.ts";
import { createViolationReader, createViolationStateStore } from "../store/violations.ts";
import { computeUptime, currentLapse, type SubjectUptime } from "./uptime.ts";

/** Uptime of subjects over a period, read from the stores (the report endpoint and the CLI need only this, not the engine). */
export interface UptimeService {
  /** Compliance of one subject over [from, to] (ISO or ms). */
  uptime(
    siteId: string,
    subject: Subject,
    from: string | number,
    to: string | number,
  ): Promise<SubjectUptime>;
  /** The same for many subjects from one read of the site's lapses (the report endpoint). */
  report(
    siteId: string,
    subjects: readonly Subject[],
    from: string | number,
    to: string | number,
  ): Promise<SubjectUptime[]>;
}

export interface UptimeServiceOptions {
  readonly redis: Redis;
  readonly keys: Keys;
  /** Bounds ongoing lapses and the observed part of a period. */
  readonly now: () => number;
}

export function createUptimeService({ redis, keys, now }: UptimeServiceOptions): UptimeService {
  const reader = createViolationReader(redis, keys);
  const state = createViolationStateStore(redis, keys);

  const report: UptimeService["report"] = async (siteId, subjects, from, to) => {
    const fromMs = typeof from === "number" ? from : Date.parse(from);
    const toMs = typeof to === "number" ? to : Date.parse(to);
    if (!Number.isFinite(fromMs) || !Number.isFinite(toMs) || !(fromMs < toMs)) {
      throw new RangeError("from and to must be instants with from < to");
    }
    const [finished, tracked, first] = await Promise.all([
      readLapses(redis, keys, siteId, fromMs),
      reader.listTracked(siteId),
      state.firstAppliedAt(siteId),
    ]);
    // Violations still tracked are lapses running now: without them an ongoing outage would not count.
    const lapses = [...finished, ...tracked.map(currentLapse)];
    const t = now();
    return subjects.map((s) => computeUptime(s, lapses, fromMs, toMs, first, t));
  };

  return {
    report,
    async uptime(siteId, subject, from, to) {
      const [one] = await report(siteId, [subject], from, to);
      return one!;
    },
  };
}
