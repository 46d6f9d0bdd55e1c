import type { Redis } from "ioredis";
import type { Finding, Subject } from "../domain/finding.ts";
import type { MaintenanceDeclaration, MaintenanceWindow } from "../domain/violation.ts";

export type { MaintenanceDeclaration };
import type { Ledger } from "../ledger/ledger.ts";
import type { Keys } from "../store/keys.ts";
import { createMaintenanceRepository } from "../store/maintenance.ts";
import { addKnownSite, createViolationReader } from "../store/violations.ts";
import { DAY } from "../domain/time.ts";

/**
 * Whether a window covers a finding at `at`: the window is running ([from, to)) and names no
 * subject (the whole site), the site itself, the finding's subject, or the subject of its
 * root cause (maintenance on an NVR covers the cameras behind it).
 */
export function coversFinding(window: MaintenanceWindow, finding: Finding, at: number): boolean {
  if (!(Date.parse(window.from) <= at && at < Date.parse(window.to))) return false;
  if (window.subjects.length === 0) return true;
  return window.subjects.some(
    (s) =>
      s.type === "site" ||
      same(s, finding.subject) ||
      (finding.causedBy !== null && same(s, finding.causedBy.subject)),
  );
}

const same = (a: Subject, b: Subject): boolean => a.type === b.type && a.id === b.id;

/** A declaration that cannot be recorded (times unreadable or reversed). */
export class MaintenanceInputError extends Error {
  override readonly name = "MaintenanceInputError";
}

export interface MaintenanceService {
  /** Records the window and its ledger event (maintenance.declared); returns it with its id. */
  declare(declaration: MaintenanceDeclaration): Promise<MaintenanceWindow>;
  /** Windows of a site (all sites when absent), newest first; active: only those covering now. */
  list(query: { readonly siteId?: string; readonly active: boolean }): Promise<MaintenanceWindow[]>;
  /**
   * Ends a window at `at` (it then ends no later than that), with a ledger event
   * (maintenance.ended); null when no window has that id. A window already over is returned
   * unchanged, without an event.
   */
  end(id: string, by: { readonly endedBy: string; readonly at?: string }): Promise<MaintenanceWindow | null>;
}

export interface MaintenanceServiceOptions {
  readonly redis: Redis;
  readonly keys: Keys;
  readonly ledger: Ledger;
  readonly now: () => number;
  readonly newId: () => string;
  /** Ended windows kept in Redis this long (the ledger keeps them for ever). Default 400 days. */
  readonly retentionDays?: number;
}

export function createMaintenanceService(options: MaintenanceServiceOptions): MaintenanceService {
  const { redis, keys, ledger, now, newId } = options;
  const repo = createMaintenanceRepository(redis, keys);
  const reader = createViolationReader(redis, keys);
  const retentionMs = (options.retentionDays ?? 400) * DAY;

  return {
    async declare(d) {
      const from = Date.parse(d.from);
      const to = Date.parse(d.to);
      if (!Number.isFinite(from) || !Number.isFinite(to))
        throw new MaintenanceInputError("from and to must be ISO date-times");
      if (!(from < to)) throw new MaintenanceInputError("a maintenance window must end after it starts");
      const window: MaintenanceWindow = {
        id: newId(),
        siteId: d.siteId,
        subjects: d.subjects.map((s) => ({ type: s.type, id: s.id })),
        from: new Date(from).toISOString(),
        to: new Date(to).toISOString(),
        reason: d.reason,
        declaredBy: d.declaredBy,
        declaredAt: new Date(now()).toISOString(),
      };
      // Ledger first: a window that is in force is always on the record.
      await ledger.append(
        "maintenance.declared",
        d.siteId,
        { window },
        { eventId: `maintenance:${window.id}:declared` },
      );
      await repo.put(window);
      await addKnownSite(redis, keys, d.siteId);
      await repo.trim(d.siteId, now() - retentionMs);
      return window;
    },

    async list(query) {
      const sites = query.siteId !== undefined ? [query.siteId] : await reader.sites();
      const t = now();
      const out: MaintenanceWindow[] = [];
      for (const site of sites) {
        const windows = query.active ? await repo.endingAfter(site, t) : await repo.all(site);
        out.push(...windows.filter((w) => !query.active || Date.parse(w.from) <= t));
      }
      return out.sort((a, b) => b.from.localeCompare(a.from) || b.id.localeCompare(a.id));
    },

    async end(id, by) {
      const window = await repo.get(id);
      if (window === null) return null;
      const at = by.at === undefined ? now() : Date.parse(by.at);
      if (!Number.isFinite(at)) throw new MaintenanceInputError("at must be an ISO date-time");
      if (Date.parse(window.to) <= at) return window;
      // Ending before it began leaves an empty window: it never covered anything.
      const ended: MaintenanceWindow = {
        ...window,
        to: new Date(Math.max(at, Date.parse(window.from))).toISOString(),
      };
      await ledger.append(
        "maintenance.ended",
        window.siteId,
        { windowId: id, endedBy: by.endedBy, endedAt: ended.to, declaredTo: window.to },
        { eventId: `maintenance:${id}:ended:${ended.to}` },
      );
      await repo.put(ended);
      return ended;
    },
  };
}
