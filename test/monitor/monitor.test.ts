import { describe, expect, it } from "vitest";
import type { Finding } from "../../src/domain/finding.ts";
import type { LedgerState } from "../../src/domain/ledger.ts";
import type { PictureObservation } from "../../src/domain/picture.ts";
import { createMonitor, type MonitorDeps } from "../../src/monitor/monitor.ts";
import { FRESH_PICTURE_INTERVALS } from "../../src/monitor/snapshot.ts";
import { SiteBusyError } from "../../src/store/siteLock.ts";
import type { ApplyResult } from "../../src/violations/engine.ts";
import { NOW, healthyObservation, healthySite } from "../compliance/builders.ts";
import type { CheckReport } from "../../src/domain/checkReport.ts";

/** The pipeline of one site on fake stores: what it reads, what it hands the lifecycle, what it writes. */
const site = healthySite({ id: "site1" });

function setup(
  opts: { ledger?: LedgerState | null; probing?: boolean; results?: (ApplyResult | Error)[] } = {},
) {
  const applied: { findings: readonly Finding[]; at: number; seq: number | undefined }[] = [];
  const reports: CheckReport[] = [];
  const pictureSince: number[] = [];
  let seq = 0;
  const results = [...(opts.results ?? [])];
  const deps: MonitorDeps = {
    observations: {
      put: () => Promise.resolve(),
      all: () => Promise.resolve(new Map([["nvr1", healthyObservation(site)]])),
    },
    pictures: {
      put: () => Promise.resolve(),
      fresh: (_siteId, since) => {
        pictureSince.push(since);
        return Promise.resolve(new Map<string, PictureObservation>());
      },
    },
    ledgerState: { get: () => Promise.resolve(opts.ledger ?? null), put: () => Promise.resolve() },
    reports: {
      put: (_siteId, report) => {
        reports.push(report);
        return Promise.resolve(0);
      },
      get: () => Promise.resolve(null),
    },
    engine: {
      beginEvaluation: () => Promise.resolve(++seq),
      apply: (_siteId, _policy, findings, at, s) => {
        applied.push({ findings, at, seq: s });
        const next = results.shift() ?? { skipped: null, transitions: [], ledger: [] };
        return next instanceof Error ? Promise.reject(next) : Promise.resolve(next);
      },
    },
    now: () => NOW,
    probing: opts.probing ?? false,
  };
  return { monitor: createMonitor(deps), applied, reports, pictureSince };
}

const ledgerFindings = (findings: readonly Finding[]) => findings.filter((f) => f.kind === "ledger_broken");

describe("the monitor pipeline", () => {
  it("applies the site's evaluation with the evaluation's sequence, and stores its report", async () => {
    const t = setup();
    const r = await t.monitor.evaluate(site, NOW - 1000);
    expect(r.applied).toBe(true);
    expect(t.applied).toHaveLength(1);
    expect(t.applied[0]!.seq).toBe(1);
    expect(t.applied[0]!.at).toBe(NOW);
    expect(ledgerFindings(t.applied[0]!.findings)).toEqual([]);
    expect(t.reports).toHaveLength(1);
    expect(t.reports[0]!.durationMs).toBe(1000);
  });

  it("reads the ledger's stored state as part of the site: one evaluation path, a ledger_broken finding in it", async () => {
    const broken: LedgerState = {
      status: "broken",
      problem: "shorter",
      detail: "entries were removed",
      kept: { seq: 4, hash: "a".repeat(64), at: "2026-10-01T00:00:00.000Z" },
      current: { seq: 3, hash: "b".repeat(64) },
    };
    const t = setup({ ledger: broken });
    await t.monitor.evaluate(site, NOW);
    const [finding] = ledgerFindings(t.applied[0]!.findings);
    expect(finding).toMatchObject({
      kind: "ledger_broken",
      subject: { type: "site", id: "site1" },
      status: "violation",
      required: true,
      reason: "ledger_not_extending_signed_head",
      params: { problem: "shorter", signedSeq: 4, currentSeq: 3 },
    });
    // The report shows the rules' findings only, as before.
    expect(t.reports[0]!.findings.some((f) => f.kind === "ledger_broken")).toBe(false);

    const intact = setup({ ledger: { status: "intact", head: { seq: 6, hash: "c".repeat(64), at: "x" } } });
    await intact.monitor.evaluate(site, NOW);
    expect(ledgerFindings(intact.applied[0]!.findings)).toMatchObject([
      { status: "ok", reason: "ledger_extends_signed_head", params: { seq: 6 } },
    ]);
  });

  it("reads pictures only when probing, fresh within three probe intervals", async () => {
    const off = setup({ probing: false });
    await off.monitor.evaluate(site, NOW);
    expect(off.pictureSince).toEqual([]);
    const on = setup({ probing: true });
    await on.monitor.evaluate(site, NOW);
    expect(on.pictureSince).toEqual([
      NOW - FRESH_PICTURE_INTERVALS * site.policy.probeIntervalSeconds * 1000,
    ]);
  });

  it("an evaluation overtaken by a newer one writes nothing and asks for nothing", async () => {
    const t = setup({ results: [{ skipped: "stale", lastSeq: 7, transitions: [], ledger: [] }] });
    expect(await t.monitor.evaluate(site, NOW, { deviceId: "nvr1", reachable: true })).toEqual({
      applied: false,
    });
    expect(t.reports).toEqual([]);
  });

  it("tries again while another worker holds the site's lock, with the same sequence", async () => {
    const t = setup({ results: [new SiteBusyError("busy"), new SiteBusyError("busy")] });
    const r = await t.monitor.evaluate(site, NOW, { deviceId: "nvr1", reachable: true });
    expect(r).toMatchObject({ applied: true, followUps: [] });
    expect(t.applied.map((a) => a.seq)).toEqual([1, 1, 1]);
  });
});
