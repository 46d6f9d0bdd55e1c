import type { Redis } from "ioredis";
import { findingKey, type Finding } from "../domain/finding.ts";
import type { LedgerEntry } from "../domain/ledger.ts";
import type { OutboxMessage } from "../domain/outbox.ts";
import type { Incident, Lapse, TrackedViolation } from "../domain/violation.ts";
import type { Ledger } from "../ledger/ledger.ts";
import { boundRecord } from "../store/bound.ts";
import { knownIncidentKeys, reportedGapSpans } from "../store/incidents.ts";
import type { Keys } from "../store/keys.ts";
import { createMaintenanceRepository } from "../store/maintenance.ts";
import type { LockOptions } from "../store/siteLock.ts";
import {
  createViolationReader,
  createViolationStateStore,
  type ViolationChange,
  type ViolationListPage,
  type ViolationListQuery,
} from "../store/violations.ts";
import { gapSightings, toIncident } from "./gaps.ts";
import { step, type LifecyclePolicy, type LifecycleStep, type Transition } from "./lifecycle.ts";
import { coversFinding } from "./maintenance.ts";
import { DAY } from "../domain/time.ts";

export type EngineTransition = Transition | { readonly type: "incident"; readonly incident: Incident };

/**
 * Whoever wants the lifecycle's transitions (alerts, next): for each transition of an applied
 * evaluation, what to put in its outbox (null: nothing). The messages are written in the same
 * atomic script as the violations, so none is lost between the two.
 */
export interface TransitionSubscriber {
  /** Names its outbox (store/keys.ts `outbox`); letters, digits, `._-`. */
  readonly name: string;
  select(siteId: string, transition: EngineTransition): Readonly<Record<string, unknown>> | null;
}

export interface ApplyResult {
  /**
   * "duplicate": this very evaluation (same sequence number) was applied before, e.g. a job
   * retried after its reply was lost; `ledger` then holds the entries that apply appended, so
   * nothing it recorded is lost to the caller. "stale": an evaluation that started before the
   * last one applied (by sequence, not by clock); nothing changed.
   */
  readonly skipped: "stale" | "duplicate" | null;
  /** The last evaluation applied before this one (its sequence number), when known. */
  readonly lastSeq?: number;
  /**
   * Set when this evaluation is newer (by sequence) but its time is earlier than the last one
   * applied: our clock stepped back by this many ms. The tracked states' times later than `at`
   * were taken as `at`, so the lifecycle moves on instead of waiting for the clock to catch up.
   */
  readonly clockWentBackMs?: number;
  /** In finding order; the alerting work routes the alertable ones. */
  readonly transitions: readonly EngineTransition[];
  /** Ledger entries this apply appended (or found already appended by an earlier try). */
  readonly ledger: readonly LedgerEntry[];
}

export interface EngineLimits {
  /** Evidence kept on a stored violation. */
  readonly evidenceBytes: number;
  /** Evidence put into a ledger event. */
  readonly ledgerEvidenceBytes: number;
  /** Resolved violations are kept this long, and at most this many per site. */
  readonly historyDays: number;
  readonly maxHistoryPerSite: number;
  /** Lapses (uptime statistics) are kept this long, and at most this many per site. */
  readonly lapseDays: number;
  readonly maxLapsesPerSite: number;
  /** Reported gap incidents are remembered this long (longer than retentionDays, or a gap still inside the window would be reported again). */
  readonly incidentDays: number;
  readonly maxIncidentsPerSite: number;
}

export const DEFAULT_ENGINE_LIMITS: EngineLimits = {
  evidenceBytes: 2048,
  ledgerEvidenceBytes: 1024,
  historyDays: 400,
  maxHistoryPerSite: 1000,
  lapseDays: 400,
  maxLapsesPerSite: 3000,
  incidentDays: 400,
  maxIncidentsPerSite: 2000,
};

export interface ViolationEngineOptions {
  readonly redis: Redis;
  readonly keys: Keys;
  readonly ledger: Ledger;
  readonly now: () => number;
  readonly newId: () => string;
  readonly limits?: Partial<EngineLimits>;
  readonly lock?: LockOptions;
  /** Registered at start; each gets its outbox of transitions. */
  readonly subscribers?: readonly TransitionSubscriber[];
}

export interface ViolationEngine {
  /**
   * Runs the lifecycle for one evaluation of a site: loads the tracked state, steps every
   * finding, appends the ledger events (stable ids, so a retry records them once), then commits
   * states, lapses and incidents in one script under the site's lock. Findings of keys absent
   * from `findings` are left as they are (a partial evaluation, e.g. only picture probes).
   * Evaluations are ordered by `seq` (from beginEvaluation, taken when the evaluation started),
   * never by the wall clock, which may step back; without one, the apply takes the next number.
   * Throws retryable errors (SiteBusyError, LockLostError, Redis errors): apply again.
   */
  apply(
    siteId: string,
    policy: LifecyclePolicy,
    findings: readonly Finding[],
    at: number,
    seq?: number,
  ): Promise<ApplyResult>;
  /** The next evaluation's sequence number for a site (a Redis counter): take it when an evaluation starts. */
  beginEvaluation(siteId: string): Promise<number>;
  listViolations(query: ViolationListQuery): Promise<ViolationListPage>;
  listOpen(siteId?: string): Promise<TrackedViolation[]>;
  getViolation(id: string, siteId?: string): Promise<TrackedViolation | null>;
}

export function createViolationEngine(options: ViolationEngineOptions): ViolationEngine {
  const { redis, keys, ledger, now, newId } = options;
  const limits: EngineLimits = { ...DEFAULT_ENGINE_LIMITS, ...options.limits };
  const reader = createViolationReader(redis, keys);
  const state = createViolationStateStore(redis, keys);
  const subscribers = options.subscribers ?? [];
  const maintenanceRepo = createMaintenanceRepository(redis, keys);

  /** Ledger events of one step, in order; derived blind spots are left to their root's events. */
  const ledgerEvents = async (
    siteId: string,
    transitions: readonly EngineTransition[],
  ): Promise<LedgerEntry[]> => {
    const out: LedgerEntry[] = [];
    for (const t of transitions) {
      if (t.type === "recorded") {
        const v = t.violation;
        out.push(
          await ledger.append(
            "violation.opened",
            siteId,
            {
              violationId: v.id,
              kind: v.kind,
              findingKind: v.findingKind,
              subject: v.subject,
              status: v.status,
              reason: v.reason,
              firstSeenAt: v.firstSeenAt,
              openedAt: v.openedAt,
              observations: v.observations,
              causedBy: v.causedBy,
              maintenance: v.maintenance,
              alertable: v.alertable,
              evidence: boundRecord(v.evidence, limits.ledgerEvidenceBytes),
            },
            { eventId: `violation:${v.id}:opened` },
          ),
        );
      } else if (t.type === "resolved" && t.violation.recorded) {
        const v = t.violation;
        out.push(
          await ledger.append(
            "violation.resolved",
            siteId,
            {
              violationId: v.id,
              kind: v.kind,
              findingKind: v.findingKind,
              subject: v.subject,
              openedAt: v.openedAt,
              resolvedAt: v.resolvedAt,
              okSince: v.recoveringSince,
              resolution: t.resolution,
              alertable: t.alertable,
            },
            { eventId: `violation:${v.id}:resolved` },
          ),
        );
      } else if (t.type === "incident") {
        const i = t.incident;
        out.push(
          await ledger.append(
            "incident.retention_gap",
            siteId,
            {
              incidentId: i.id,
              key: i.key,
              subject: i.subject,
              gap: i.gap,
              reportedAt: i.reportedAt,
              maintenance: i.maintenance,
              alertable: i.alertable,
            },
            { eventId: `incident:${i.id}` },
          ),
        );
      }
    }
    return out;
  };

  /** The ledger entries at the seqs an apply noted. */
  const entriesAt = async (seqs: readonly number[]): Promise<LedgerEntry[]> => {
    const out: LedgerEntry[] = [];
    for (const seq of seqs) {
      const [entry] = await ledger.page({ from: seq, limit: 1 });
      if (entry) out.push(entry);
    }
    return out;
  };

  /** The subscribers' outbox messages of one apply, in transition order. */
  const outboxOf = (
    siteId: string,
    transitions: readonly EngineTransition[],
    at: number,
  ): OutboxMessage[] => {
    const out: OutboxMessage[] = [];
    const when = new Date(at).toISOString();
    for (const t of transitions) {
      for (const s of subscribers) {
        const payload = s.select(siteId, t);
        if (payload === null) continue;
        const about =
          t.type === "incident" ? t.incident.id : t.type === "lapse" ? t.lapse.findingKey : t.violation.id;
        out.push({
          id: `${s.name}:${siteId}:${t.type}:${about}:${when}`,
          subscriber: s.name,
          siteId,
          at: when,
          type: t.type,
          payload,
        });
      }
    }
    return out;
  };

  const beginEvaluation = (siteId: string): Promise<number> => state.nextEvaluationSeq(siteId);

  return {
    beginEvaluation,
    async apply(siteId, policy, findings, at, givenSeq) {
      const seq = givenSeq ?? (await beginEvaluation(siteId));
      const lock = await state.lock(siteId, options.lock);
      try {
        const last = await state.lastApplied(siteId);
        const lastSeq = last.seq;
        if (lastSeq !== null && seq === lastSeq) {
          return { skipped: "duplicate", lastSeq, transitions: [], ledger: await entriesAt(last.ledgerSeqs) };
        }
        if (lastSeq !== null && seq < lastSeq)
          return { skipped: "stale", lastSeq, transitions: [], ledger: [] };
        const lastAt = last.at;
        const clockWentBackMs = lastAt !== null && at < lastAt ? lastAt - at : null;

        const byKey = new Map<string, Finding>();
        for (const f of findings) byKey.set(findingKey(f), f);
        const [tracked, windows] = await Promise.all([
          state.loadTracked(siteId),
          maintenanceRepo.endingAfter(siteId, at),
        ]);
        const inMaintenance = (f: Finding) => windows.some((w) => coversFinding(w, f, at));

        // Recording gaps: each one an incident, once.
        const sightings = [...byKey.values()]
          .filter((f) => f.required)
          .flatMap((f) => gapSightings(f).map((s) => ({ f, s })));
        const known = await knownIncidentKeys(redis, keys, siteId, [
          ...new Set(sightings.map((x) => x.s.key)),
        ]);
        const incidents: Incident[] = [];
        const aliases: Incident[] = [];
        // Read only when a hole is new by its key (rare): it may still be one already told.
        const reported = sightings.some((x) => !known.has(x.s.key))
          ? await reportedGapSpans(redis, keys, siteId)
          : null;
        for (const { f, s } of sightings) {
          if (known.has(s.key)) continue;
          known.add(s.key);
          const again = sameHole(reported?.get(s.cameraId), s.gap);
          if (again) aliases.push({ ...again, key: s.key });
          else incidents.push(toIncident(siteId, f, s, at, inMaintenance(f)));
        }

        const steps: { key: string; prev: TrackedViolation | null; result: LifecycleStep }[] = [];
        const transitions: EngineTransition[] = [];
        for (const [key, f] of byKey) {
          const stored = tracked.get(key) ?? null;
          const prev = stored !== null && clockWentBackMs !== null ? notAfter(stored, at - 1) : stored;
          const bounded: Finding = { ...f, evidence: boundRecord(f.evidence, limits.evidenceBytes) };
          const result = step({
            siteId,
            prev,
            finding: bounded,
            at,
            policy,
            maintenance: inMaintenance(f),
            newId,
          });
          steps.push({ key, prev, result });
          transitions.push(...result.transitions);
        }
        transitions.push(...incidents.map((incident) => ({ type: "incident" as const, incident })));

        // The ledger first: a crash before the commit leaves the state as it was, and the
        // retry finds its events already appended under the same ids.
        const entries = await ledgerEvents(siteId, transitions);

        const changes: ViolationChange[] = [];
        const lapses: Lapse[] = [];
        const derivedLapses = new Set<string>();
        for (const { key, prev, result } of steps) {
          changes.push({ key, prev, next: result.next, ended: result.ended });
          for (const t of result.transitions) {
            if (t.type !== "lapse") continue;
            // The findings behind one dead NVR lapse together: one lapse per subject says it.
            const l = t.lapse;
            const same = l.derived
              ? `${l.subject.type}:${l.subject.id}|${l.from}|${l.to}|${l.status}|${l.maintenance}`
              : null;
            if (same !== null && derivedLapses.has(same)) continue;
            if (same !== null) derivedLapses.add(same);
            lapses.push(l);
          }
        }
        const t = now();
        await state.commit(lock, {
          siteId,
          changes,
          lapses,
          incidents,
          aliases,
          applied: { seq, at, ledgerSeqs: entries.map((e) => e.seq) },
          outbox: outboxOf(siteId, transitions, at),
          keep: {
            resolvedSince: t - limits.historyDays * DAY,
            maxResolved: limits.maxHistoryPerSite,
            lapsesSince: t - limits.lapseDays * DAY,
            maxLapses: limits.maxLapsesPerSite,
            incidentsSince: t - limits.incidentDays * DAY,
            maxIncidents: limits.maxIncidentsPerSite,
          },
        });
        return {
          skipped: null,
          ...(lastSeq === null ? {} : { lastSeq }),
          ...(clockWentBackMs === null ? {} : { clockWentBackMs }),
          transitions,
          ledger: entries,
        };
      } finally {
        await lock.release().catch(() => undefined);
      }
    },

    listViolations: (query) => reader.list(query),
    listOpen: (siteId) => reader.listOpen(siteId),
    getViolation: (id, siteId) => reader.get(id, siteId),
  };
}

const TIME_FIELDS = [
  "firstSeenAt",
  "lastSeenAt",
  "updatedAt",
  "lapseStart",
  "openedAt",
  "recoveringSince",
] as const satisfies readonly (keyof TrackedViolation)[];

/**
 * A tracked violation with no time after `latest`: after our clock stepped back, times written
 * while it ran ahead are taken as now, so graces and recoveries count from here instead of
 * waiting (up to the size of the step) for the clock to pass them again.
 */
function notAfter(v: TrackedViolation, latest: number): TrackedViolation {
  const out: Record<string, unknown> = { ...v };
  for (const f of TIME_FIELDS) {
    const t = v[f];
    if (t !== null && Date.parse(t) > latest) out[f] = new Date(latest).toISOString();
  }
  return out as unknown as TrackedViolation;
}

/**
 * The reported incident a newly keyed hole overlaps, if any: the same hole seen again with
 * another start — a state change the device indexed after the incremental search had passed it
 * (the hole was first seen starting at the search's start), or a hole that began before the
 * window and has closed since. Holes are maximal stretches without data, so two different holes
 * of one camera never overlap; the end compared is the one reported (an open hole then).
 */
function sameHole(
  reported:
    readonly { readonly startMs: number; readonly endMs: number; readonly incident: Incident }[] | undefined,
  gap: Incident["gap"],
): Incident | null {
  const start = Date.parse(gap.start);
  const end = Date.parse(gap.end);
  return reported?.find((r) => start <= r.endMs && end >= r.startMs)?.incident ?? null;
}
