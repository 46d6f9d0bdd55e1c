import { describe, expect, it } from "vitest";
import type { Finding, JudgedStatus } from "../../src/domain/finding.ts";
import { exportLedger } from "../../src/ledger/export.ts";
import { createLedger, type Ledger } from "../../src/ledger/ledger.ts";
import { verifyLedgerExport } from "../../src/ledger/verify.ts";
import { InvalidCursorError } from "../../src/domain/cursor.ts";
import { createViolationEngine, type EngineTransition } from "../../src/violations/engine.ts";
import { listIncidents } from "../../src/store/incidents.ts";
import { createMaintenanceService } from "../../src/violations/maintenance.ts";
import { createUptimeService } from "../../src/violations/uptimeService.ts";
import { fakeClock, testSigner } from "../ledger/helpers.ts";
import { useTestRedis, type TestRedis } from "../store/testRedis.ts";
import { at, camera, device, finding, isoAt, POLICY, sequentialIds, T0 } from "./builders.ts";
import { cameraId, siteFindings } from "./siteFindings.ts";

const types = (ts: readonly EngineTransition[]) => ts.map((t) => t.type);

function setup(t: TestRedis, options: { ledger?: (l: Ledger) => Ledger } = {}) {
  const clock = fakeClock(T0);
  const signer = testSigner();
  const redis = t.connect("engine");
  const base = createLedger({ redis, keys: t.keys, now: clock.now, signer });
  const ledger = options.ledger ? options.ledger(base) : base;
  // One id sequence, as in the daemon's one id source: windows and violations never share an id.
  const newId = sequentialIds();
  const engine = createViolationEngine({ redis, keys: t.keys, ledger, now: clock.now, newId });
  const maintenance = createMaintenanceService({ redis, keys: t.keys, ledger, now: clock.now, newId });
  const uptime = createUptimeService({ redis, keys: t.keys, now: clock.now });
  const incidentService = { list: (siteId: string) => listIncidents(redis, t.keys, siteId) };
  /** Applies at `seconds` after T0, with our clock there too (as evaluation `seq` when given). */
  const apply = (siteId: string, seconds: number, findings: readonly Finding[], seq?: number) => {
    clock.advance(at(seconds) - clock.now());
    return engine.apply(siteId, POLICY, findings, at(seconds), seq);
  };
  return { clock, signer, redis, ledger: base, engine, maintenance, uptime, incidentService, apply };
}

const stopped = (status: JudgedStatus, id = "cam1") =>
  finding("recording_stopped", status, { subject: camera(id) });

describe("violation engine", () => {
  const redis = useTestRedis();

  it("opens after the grace, resolves after recovery, with one ledger event each under a stable id", async () => {
    const { engine, apply, ledger } = setup(redis());
    expect(types((await apply("s1", 0, [stopped("violation")])).transitions)).toEqual(["pending"]);
    const pending = await engine.listViolations({ siteId: "s1", state: "all", limit: 10 });
    expect(pending.items.map((v) => [v.id, v.state])).toEqual([["v1", "pending"]]);
    expect((await engine.listViolations({ siteId: "s1", state: "open", limit: 10 })).items).toEqual([]);

    const opened = await apply("s1", 150, [stopped("violation")]);
    expect(types(opened.transitions)).toEqual(["opened", "recorded"]);
    expect(opened.ledger.map((e) => [e.type, e.data["eventId"]])).toEqual([
      ["violation.opened", "violation:v1:opened"],
    ]);
    expect((await engine.listOpen("s1")).map((v) => v.id)).toEqual(["v1"]);
    expect(await engine.getViolation("v1")).toMatchObject({
      state: "open",
      openedAt: isoAt(150),
      siteId: "s1",
    });

    await apply("s1", 200, [stopped("ok")]);
    const resolved = await apply("s1", 260, [stopped("ok")]);
    expect(types(resolved.transitions)).toEqual(["lapse", "resolved"]);
    expect(resolved.ledger.map((e) => e.type)).toEqual(["violation.resolved"]);
    expect(await engine.listOpen("s1")).toEqual([]);
    const all = await engine.listViolations({ siteId: "s1", state: "all", limit: 10 });
    expect(all.items).toEqual([
      expect.objectContaining({ id: "v1", state: "resolved", resolvedAt: isoAt(260) }),
    ]);
    expect(await ledger.length()).toBe(2);
  });

  it("ignores an evaluation that started before the last one applied; the same one again returns what it recorded", async () => {
    const { apply } = setup(redis());
    await apply("s1", 0, [stopped("violation")], 1);
    const opened = await apply("s1", 150, [stopped("violation")], 3);
    expect(opened.ledger).toHaveLength(1);
    expect(await apply("s1", 150, [stopped("violation")], 3)).toEqual({
      skipped: "duplicate",
      lastSeq: 3,
      transitions: [],
      ledger: opened.ledger,
    });
    // Started earlier (seq 2) but finished later, with a later time: still older.
    expect(await apply("s1", 200, [stopped("ok")], 2)).toEqual({
      skipped: "stale",
      lastSeq: 3,
      transitions: [],
      ledger: [],
    });
  });

  it("a clock stepped back an hour: newer evaluations still apply and violations move on", async () => {
    const { engine, apply } = setup(redis());
    const seq = () => engine.beginEvaluation("s1");
    // Our clock runs an hour fast: the violation opens at fast times.
    await apply("s1", 3600, [stopped("violation")], await seq());
    const opened = await apply("s1", 3750, [stopped("violation")], await seq());
    expect(types(opened.transitions)).toEqual(["opened", "recorded"]);
    // Corrected: the next evaluations are an hour earlier by the clock, but newer by sequence.
    const first = await apply("s1", 200, [stopped("ok")], await seq());
    expect(first.skipped).toBeNull();
    expect(first.clockWentBackMs).toBe(3550_000);
    expect(types(first.transitions)).toEqual(["recovering"]);
    const resolved = await apply("s1", 300, [stopped("ok")], await seq());
    expect(types(resolved.transitions)).toEqual(["lapse", "resolved"]);
    expect(await engine.listOpen("s1")).toEqual([]);
    // A new stretch after the step is timed by the corrected clock.
    await apply("s1", 400, [stopped("violation")], await seq());
    const again = await apply("s1", 550, [stopped("violation")], await seq());
    expect(types(again.transitions)).toEqual(["opened", "recorded"]);
    expect(again.transitions[0]).toMatchObject({
      violation: { openedAt: isoAt(550), firstSeenAt: isoAt(400) },
    });
  });

  it("a crash between the ledger and the commit: the retry records nothing twice", async () => {
    const t = redis();
    let sabotage = false;
    const { engine, apply, ledger } = setup(t, {
      ledger: (l) => ({
        ...l,
        append: async (...args: Parameters<Ledger["append"]>) => {
          const entry = await l.append(...args);
          // The process stalls after the ledger write: its lock expires, another takes it.
          if (sabotage) await t.connect("thief").set(t.keys.site("s1").lock, "someone-else");
          return entry;
        },
      }),
    });
    await apply("s1", 0, [stopped("violation")]);
    sabotage = true;
    await expect(apply("s1", 150, [stopped("violation")])).rejects.toThrow(/lost the site lock/);
    sabotage = false;
    await t.connect("cleanup").del(t.keys.site("s1").lock);
    expect((await engine.listOpen("s1")).length).toBe(0);
    const retried = await apply("s1", 150, [stopped("violation")]);
    expect(types(retried.transitions)).toEqual(["opened", "recorded"]);
    expect(await ledger.length()).toBe(1);
    expect((await engine.listOpen("s1")).map((v) => v.id)).toEqual(["v1"]);
  });

  it("reports each recording gap once, as a ledger incident", async () => {
    const { engine, apply, ledger, incidentService } = setup(redis());
    const gap1 = {
      start: "2026-09-20T01:00:00.000Z",
      end: "2026-09-20T02:00:00.000Z",
      minutes: 60,
      open: false,
    };
    const gap2 = {
      start: "2026-09-30T23:00:00.000Z",
      end: "2026-10-01T00:00:00.000Z",
      minutes: 60,
      open: true,
    };
    const findings = (gaps: (typeof gap1)[]) =>
      siteFindings({ cameras: 2, now: isoAt(0), gaps: new Map([[cameraId(1), gaps]]) });
    const first = await apply("s1", 0, findings([gap1]));
    expect(first.transitions.filter((x) => x.type === "incident")).toHaveLength(1);
    const second = await apply("s1", 3600, findings([gap1, { ...gap2, end: "2026-10-01T01:00:00.000Z" }]));
    const incidents = second.transitions.flatMap((x) => (x.type === "incident" ? [x.incident] : []));
    expect(incidents.map((i) => i.gap.start)).toEqual([gap2.start]);
    expect(
      await apply("s1", 7200, findings([gap1, { ...gap2, end: "2026-10-01T02:00:00.000Z", open: false }])),
    ).toMatchObject({
      transitions: [],
    });
    const entries = await ledger.page({ limit: 10 });
    expect(entries.map((e) => e.type)).toEqual(["incident.retention_gap", "incident.retention_gap"]);
    expect((await incidentService.list("s1")).map((i) => i.gap.start)).toEqual([gap2.start, gap1.start]);
    // No standing violation for the gaps.
    expect((await engine.listViolations({ siteId: "s1", state: "all", limit: 10 })).items).toEqual([]);
  });

  it("a gap seen again with an earlier start (a late-indexed change) is not told twice; a new gap is", async () => {
    const { apply, ledger, incidentService } = setup(redis());
    const findings = (gaps: { start: string; end: string; minutes: number; open: boolean }[]) =>
      siteFindings({ cameras: 2, now: isoAt(0), gaps: new Map([[cameraId(1), gaps]]) });
    // First seen from the incremental search's start, still open.
    const first = {
      start: "2026-09-30T23:00:00.000Z",
      end: "2026-10-01T00:00:00.000Z",
      minutes: 60,
      open: true,
    };
    expect((await apply("s1", 0, findings([first]))).transitions.map((t) => t.type)).toEqual(["incident"]);
    // The daily full search finds where it really began, and that it has ended.
    const whole = {
      start: "2026-09-30T22:40:00.000Z",
      end: "2026-10-01T00:30:00.000Z",
      minutes: 110,
      open: false,
    };
    expect((await apply("s1", 3600, findings([whole]))).transitions).toEqual([]);
    expect((await apply("s1", 7200, findings([whole]))).transitions).toEqual([]);
    const later = {
      start: "2026-10-01T05:00:00.000Z",
      end: "2026-10-01T06:00:00.000Z",
      minutes: 60,
      open: false,
    };
    const third = await apply("s1", 10800, findings([whole, later]));
    expect(third.transitions.flatMap((t) => (t.type === "incident" ? [t.incident.gap.start] : []))).toEqual([
      later.start,
    ]);
    expect((await ledger.page({ limit: 10 })).map((e) => e.type)).toEqual([
      "incident.retention_gap",
      "incident.retention_gap",
    ]);
    expect((await incidentService.list("s1")).map((i) => i.gap.start)).toEqual([later.start, first.start]);
  });

  it("an unreachable NVR is one recorded violation; the cameras behind it are tracked, not recorded", async () => {
    const { engine, apply, ledger } = setup(redis());
    const down = siteFindings({ cameras: 8, now: isoAt(0), nvrDown: true });
    await apply("s1", 0, down);
    const opened = await apply("s1", 150, down);
    const openedTs = opened.transitions.flatMap((x) => (x.type === "opened" ? [x] : []));
    expect(openedTs.filter((x) => x.alertable).map((x) => x.violation.findingKey)).toEqual([
      "device_unreachable:device:nvr1",
    ]);
    expect(openedTs.length).toBeGreaterThan(40);
    expect(opened.ledger.map((e) => e.data["findingKind"])).toEqual(["device_unreachable"]);
    const open = await engine.listOpen("s1");
    expect(open.filter((v) => v.causedBy === null).map((v) => v.kind)).toEqual(["device_unreachable"]);
    const up = siteFindings({ cameras: 8, now: isoAt(0) });
    await apply("s1", 200, up);
    await apply("s1", 260, up);
    expect(await engine.listOpen("s1")).toEqual([]);
    expect((await ledger.page({ limit: 10 })).map((e) => e.type)).toEqual([
      "violation.opened",
      "violation.resolved",
    ]);
  });

  it("maintenance: declared and ended in the ledger, findings inside marked and not alerted", async () => {
    const { engine, maintenance, apply, ledger, clock } = setup(redis());
    const window = await maintenance.declare({
      siteId: "s1",
      subjects: [device("nvr1")],
      from: isoAt(0),
      to: isoAt(3600),
      reason: "NVR firmware upgrade",
      declaredBy: "ops",
    });
    expect(window).toMatchObject({ id: "v1", declaredAt: isoAt(0), declaredBy: "ops" });
    const down = siteFindings({ cameras: 2, now: isoAt(0), nvrDown: true });
    await apply("s1", 10, down);
    const opened = await apply("s1", 200, down);
    expect(opened.transitions.filter((x) => x.type === "opened" && x.alertable)).toEqual([]);
    expect((await engine.listOpen("s1")).every((v) => v.maintenance)).toBe(true);
    expect((await maintenance.list({ siteId: "s1", active: true })).map((w) => w.id)).toEqual(["v1"]);
    expect((await maintenance.list({ active: true })).map((w) => w.id)).toEqual(["v1"]);

    clock.advance(100_000);
    const ended = await maintenance.end("v1", { endedBy: "ops" });
    expect(ended?.to).toBe(new Date(clock.now()).toISOString());
    expect(await maintenance.end("nope", { endedBy: "ops" })).toBeNull();
    expect(await maintenance.list({ siteId: "s1", active: true })).toEqual([]);
    expect(await maintenance.list({ siteId: "s1", active: false })).toHaveLength(1);

    const after = await apply("s1", 400, down);
    const due = after.transitions.flatMap((x) =>
      x.type === "became_alertable" ? [x.violation.findingKey] : [],
    );
    expect(due).toEqual(["device_unreachable:device:nvr1"]);
    expect((await ledger.page({ limit: 10 })).map((e) => e.type)).toEqual([
      "maintenance.declared",
      "violation.opened",
      "maintenance.ended",
    ]);
    await expect(
      maintenance.declare({
        siteId: "s1",
        subjects: [],
        from: isoAt(10),
        to: isoAt(5),
        reason: "x",
        declaredBy: "ops",
      }),
    ).rejects.toThrow(/must end after it starts/);
  });

  it("uptime: compliant share, lapses and unobserved time of a subject over a period", async () => {
    const { uptime, apply } = setup(redis());
    // Observed from 0; bad 600..900 (a short lapse), 1800..3000 (a violation), ok otherwise.
    await apply("s1", 0, [stopped("ok")]);
    await apply("s1", 600, [stopped("violation")]);
    await apply("s1", 900, [stopped("ok")]);
    await apply("s1", 1800, [stopped("violation")]);
    await apply("s1", 2000, [stopped("violation")]);
    await apply("s1", 3000, [stopped("ok")]);
    await apply("s1", 3600, [stopped("ok")]);
    const u = await uptime.uptime("s1", camera("cam1"), isoAt(-3600), isoAt(3600));
    expect(u.observedFrom).toBe(isoAt(0));
    expect(u.violationSeconds).toBe(300 + 1200);
    expect(u.unobservedSeconds).toBe(3600);
    expect(u.compliantPercent).toBeCloseTo(((3600 - 1500) / 7200) * 100, 2);
    expect(u.unknownPercent).toBeCloseTo(50, 2);
    expect(u.lapses.map((l) => [l.from, l.to, l.seconds, l.violationId])).toEqual([
      [isoAt(600), isoAt(900), 300, null],
      [isoAt(1800), isoAt(3000), 1200, "v2"],
    ]);
    const [other] = await uptime.report("s1", [camera("cam2")], isoAt(0), isoAt(3600));
    expect(other).toMatchObject({ compliantPercent: 100, lapses: [] });
    await expect(uptime.uptime("s1", camera("cam1"), isoAt(10), isoAt(5))).rejects.toThrow(RangeError);
  });

  it("an ongoing lapse counts up to now", async () => {
    const { uptime, apply } = setup(redis());
    await apply("s1", 0, [stopped("violation")]);
    await apply("s1", 300, [stopped("violation")]);
    const u = await uptime.uptime("s1", camera("cam1"), isoAt(0), isoAt(1200));
    expect(u.lapses).toEqual([expect.objectContaining({ to: null, seconds: 300 })]);
    expect(u.compliantPercent).toBe(0);
    expect(u.unknownPercent).toBe(75);
  });

  it("lists newest first across sites, page by page", async () => {
    const { engine, apply } = setup(redis());
    for (let i = 0; i < 5; i++) {
      await apply("a", i * 10, [
        stopped("violation", `a${i}`),
        ...Array.from({ length: i }, (_, k) => stopped("violation", `a${k}`)),
      ]);
      await apply("b", i * 10 + 5, [
        stopped("violation", `b${i}`),
        ...Array.from({ length: i }, (_, k) => stopped("violation", `b${k}`)),
      ]);
    }
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 10; page++) {
      const p = await engine.listViolations({ state: "all", limit: 3, ...(cursor ? { cursor } : {}) });
      seen.push(...p.items.map((v) => v.subject.id));
      if (p.nextCursor === null) break;
      cursor = p.nextCursor;
    }
    expect(seen).toEqual(["b4", "a4", "b3", "a3", "b2", "a2", "b1", "a1", "b0", "a0"]);
    await expect(engine.listViolations({ state: "all", limit: 3, cursor: "garbage" })).rejects.toBeInstanceOf(
      InvalidCursorError,
    );
    await expect(engine.listViolations({ state: "open", limit: 3, cursor: cursor! })).rejects.toBeInstanceOf(
      InvalidCursorError,
    );
  });

  it("two writers of one site are serialised: every evaluation applied once, in order", async () => {
    const t = redis();
    const a = setup(t);
    const engineB = createViolationEngine({
      redis: t.connect("engine-b"),
      keys: t.keys,
      ledger: a.ledger,
      now: a.clock.now,
      newId: sequentialIds("w"),
    });
    const runs = [];
    for (let i = 0; i < 10; i++) {
      const e = i % 2 === 0 ? a.engine : engineB;
      runs.push(e.apply("s1", POLICY, [stopped("violation")], at(i * 30)));
    }
    const results = await Promise.all(runs);
    const applied = results.filter((r) => r.skipped === null).length;
    const [v] = await a.engine.listViolations({ siteId: "s1", state: "all", limit: 10 }).then((p) => p.items);
    // However the lock fell, the stored state counts exactly the evaluations applied.
    expect(v?.observations).toBe(applied);
    expect(applied).toBeGreaterThanOrEqual(1);
    const entries = await a.ledger.page({ limit: 10 });
    expect(entries.filter((e) => e.type === "violation.opened").length).toBeLessThanOrEqual(1);
  });

  it("the ledger it writes verifies", async () => {
    const { apply, ledger, signer } = setup(redis());
    await apply("s1", 0, [stopped("violation")]);
    await apply("s1", 150, [stopped("violation")]);
    await apply("s1", 200, [stopped("ok")]);
    await apply("s1", 300, [stopped("ok")]);
    await ledger.signHead();
    let text = "";
    await exportLedger(ledger, (c) => {
      text += c;
    });
    expect(verifyLedgerExport(text, { publicKey: signer.publicKey }).ok).toBe(true);
  });
});
