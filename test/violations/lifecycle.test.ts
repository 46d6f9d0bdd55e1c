import { describe, expect, it } from "vitest";
import type { Finding, FindingStatus } from "../../src/domain/finding.ts";
import type { Lapse, TrackedViolation } from "../../src/domain/violation.ts";
import { gapSightings } from "../../src/violations/gaps.ts";
import { step, type LifecyclePolicy, type Transition } from "../../src/violations/lifecycle.ts";
import {
  at,
  camera,
  device,
  finding,
  isoAt,
  POLICY,
  sequentialIds,
  zone,
  type FindingOptions,
} from "./builders.ts";

/** Feeds observations (seconds after T0) through the lifecycle of one finding key. */
function drive(
  observations: readonly (readonly [
    seconds: number,
    status: FindingStatus,
    options?: FindingOptions & { maintenance?: boolean },
  ])[],
  policy: LifecyclePolicy = POLICY,
  kind: Finding["kind"] = "recording_stopped",
) {
  const newId = sequentialIds();
  let state: TrackedViolation | null = null;
  const transitions: Transition[] = [];
  const ended: TrackedViolation[] = [];
  const states: (TrackedViolation | null)[] = [];
  for (const [seconds, status, options] of observations) {
    const result = step({
      siteId: "site1",
      prev: state,
      finding:
        status === "not_required"
          ? { ...finding(kind, "ok", options), status, required: false, reason: "motion_not_required" }
          : finding(kind, status, options),
      at: at(seconds),
      policy,
      maintenance: options?.maintenance ?? false,
      newId,
    });
    state = result.next;
    if (result.ended) ended.push(result.ended);
    transitions.push(...result.transitions);
    states.push(state);
  }
  const of = <T extends Transition["type"]>(type: T) =>
    transitions.filter((t): t is Extract<Transition, { type: T }> => t.type === type);
  const lapses: Lapse[] = of("lapse").map((t) => t.lapse);
  return { state, transitions, ended, states, of, lapses };
}

describe("violation lifecycle: grace", () => {
  it("opens exactly when the finding has held for graceSeconds, not a second earlier", () => {
    const r = drive([
      [0, "violation"],
      [60, "violation"],
      [119, "violation"],
      [120, "violation"],
    ]);
    expect(r.states.map((s) => s?.state)).toEqual(["pending", "pending", "pending", "open"]);
    const [opened] = r.of("opened");
    expect(opened?.violation.openedAt).toBe(isoAt(120));
    expect(opened?.violation.firstSeenAt).toBe(isoAt(0));
    expect(opened?.alertable).toBe(true);
    expect(r.of("recorded")).toHaveLength(1);
  });

  it("uses graceByKind over graceSeconds", () => {
    const r = drive(
      [
        [0, "violation"],
        [120, "violation"],
        [3599, "violation"],
        [3600, "violation"],
      ],
      POLICY,
      "retention_short",
    );
    expect(r.states.map((s) => s?.state)).toEqual(["pending", "pending", "pending", "open"]);
  });

  it("never opens on one observation, even with a grace of 0", () => {
    const zero = { ...POLICY, graceSeconds: 0 };
    const once = drive(
      [
        [0, "violation"],
        [30, "ok"],
      ],
      zero,
    );
    expect(once.of("opened")).toHaveLength(0);
    expect(once.of("dropped")).toHaveLength(1);
    expect(once.lapses).toEqual([
      expect.objectContaining({ from: isoAt(0), to: isoAt(30), violationId: null }),
    ]);

    const twice = drive(
      [
        [0, "violation"],
        [30, "violation"],
      ],
      zero,
    );
    expect(twice.states.map((s) => s?.state)).toEqual(["pending", "open"]);
  });

  it("counts consecutive bad observations: an ok in between starts again", () => {
    const r = drive(
      [
        [0, "violation"],
        [1, "ok"],
        [2, "violation"],
      ],
      { ...POLICY, graceSeconds: 0 },
    );
    expect(r.state?.state).toBe("pending");
    expect(r.state?.observations).toBe(1);
    expect(r.state?.firstSeenAt).toBe(isoAt(2));
    expect(r.state?.id).toBe("v2");
  });
});

describe("violation lifecycle: flapping", () => {
  it("bad/ok faster than the grace never opens, records every lapse, alerts nothing", () => {
    const obs: [number, FindingStatus][] = [];
    for (let i = 0; i < 20; i++) obs.push([i * 60, "violation"], [i * 60 + 30, "ok"]);
    const r = drive(obs);
    expect(r.of("opened")).toHaveLength(0);
    expect(r.of("recorded")).toHaveLength(0);
    expect(r.of("became_alertable")).toHaveLength(0);
    expect(r.of("pending")).toHaveLength(20);
    expect(r.of("dropped")).toHaveLength(20);
    expect(r.lapses).toHaveLength(20);
    expect(r.lapses[19]).toEqual(
      expect.objectContaining({ from: isoAt(19 * 60), to: isoAt(19 * 60 + 30), status: "violation" }),
    );
    expect(r.state).toBeNull();
  });
});

describe("violation lifecycle: recovery", () => {
  const open: [number, FindingStatus][] = [
    [0, "violation"],
    [150, "violation"],
  ];

  it("resolves exactly when ok has held for recoverySeconds", () => {
    const r = drive([...open, [200, "ok"], [259, "ok"], [260, "ok"]]);
    expect(r.states.map((s) => s?.state ?? null)).toEqual(["pending", "open", "open", "open", null]);
    expect(r.of("recovering")).toHaveLength(1);
    const [resolved] = r.of("resolved");
    expect(resolved?.resolution).toBe("recovered");
    expect(resolved?.alertable).toBe(true);
    expect(resolved?.violation).toMatchObject({
      id: "v1",
      state: "resolved",
      openedAt: isoAt(150),
      resolvedAt: isoAt(260),
      recoveringSince: isoAt(200),
    });
    // The lapse ends when ok was first seen, not when the recovery period was over.
    expect(r.lapses).toEqual([
      expect.objectContaining({ from: isoAt(0), to: isoAt(200), violationId: "v1", status: "violation" }),
    ]);
    expect(r.ended.map((v) => v.state)).toEqual(["resolved"]);
  });

  it("a bad observation during recovery cancels it; the same violation goes on, each lapse recorded", () => {
    const r = drive([...open, [200, "ok"], [230, "violation"], [300, "ok"], [360, "ok"]]);
    expect(r.of("relapsed")).toHaveLength(1);
    expect(r.states[3]).toMatchObject({
      id: "v1",
      state: "open",
      recoveringSince: null,
      lapseStart: isoAt(230),
    });
    expect(r.of("opened")).toHaveLength(1);
    expect(r.of("resolved")).toHaveLength(1);
    expect(r.of("resolved")[0]?.violation.resolvedAt).toBe(isoAt(360));
    expect(r.lapses.map((l) => [l.from, l.to, l.violationId])).toEqual([
      [isoAt(0), isoAt(200), "v1"],
      [isoAt(230), isoAt(300), "v1"],
    ]);
  });

  it("accruing counts as ok", () => {
    const r = drive([...open, [200, "accruing"], [260, "accruing"]], POLICY, "retention_short");
    // retention_short has a 3600 s grace: it does not open at 150.
    expect(r.of("opened")).toHaveLength(0);
    expect(r.of("dropped")).toHaveLength(1);

    const o = drive([...open, [200, "accruing"], [260, "accruing"]]);
    expect(o.of("resolved")).toHaveLength(1);
  });

  it("unknown while open is not ok: it neither starts nor continues recovery", () => {
    const r = drive([...open, [200, "ok"], [230, "unknown"], [300, "unknown"]]);
    expect(r.state).toMatchObject({
      state: "open",
      status: "violation",
      kind: "recording_stopped",
      recoveringSince: null,
    });
    expect(r.of("resolved")).toHaveLength(0);
  });
});

describe("violation lifecycle: monitor_blind", () => {
  it("a required finding unknown past its grace opens as monitor_blind", () => {
    const r = drive([
      [0, "unknown"],
      [60, "unknown"],
      [120, "unknown"],
    ]);
    const [opened] = r.of("opened");
    expect(opened?.violation).toMatchObject({
      kind: "monitor_blind",
      findingKind: "recording_stopped",
      status: "unknown",
    });
    expect(opened?.alertable).toBe(true);
  });

  it("graceByKind.monitor_blind sets its own grace", () => {
    const r = drive(
      [
        [0, "unknown"],
        [120, "unknown"],
        [600, "unknown"],
      ],
      { ...POLICY, graceByKind: { monitor_blind: 600 } },
    );
    expect(r.states.map((s) => s?.state)).toEqual(["pending", "pending", "open"]);
  });

  it("an unknown finding that is not required is not tracked", () => {
    const r = drive([
      [0, "unknown", { required: false }],
      [500, "violation", { required: false }],
    ]);
    expect(r.transitions).toEqual([]);
  });

  it("a not_required finding is never tracked: no violation, no monitor_blind, no lapse", () => {
    const r = drive([
      [0, "not_required"],
      [60, "not_required"],
      [600, "not_required"],
    ]);
    expect(r.transitions).toEqual([]);
    expect(r.lapses).toEqual([]);
  });

  it("an open violation whose finding the policy stops requiring recovers like one seen ok", () => {
    const r = drive(
      [
        [0, "violation"],
        [120, "violation"],
        [180, "not_required"],
        [240, "not_required"],
      ],
      POLICY,
      "alarm_disarmed",
    );
    expect(r.of("opened")).toHaveLength(1);
    expect(r.of("resolved").map((t) => t.resolution)).toEqual(["recovered"]);
    expect(r.lapses).toMatchObject([
      { kind: "alarm_disarmed", status: "violation", from: isoAt(0), to: isoAt(180) },
    ]);
    expect(r.state).toBeNull();
  });

  it("pending blind, then the violation itself: the same stretch, now a recording_stopped", () => {
    const r = drive([
      [0, "unknown"],
      [60, "violation"],
      [120, "violation"],
    ]);
    expect(r.state).toMatchObject({
      id: "v1",
      kind: "recording_stopped",
      status: "violation",
      firstSeenAt: isoAt(0),
    });
    expect(r.of("opened")).toHaveLength(1);
  });

  it("one violation sample after being blind does not open it: the violation needs two samples of its own", () => {
    const r = drive([
      [0, "unknown"],
      [300, "violation"],
      [310, "violation"],
    ]);
    expect(r.states.map((s) => [s?.state, s?.kind, s?.observations])).toEqual([
      ["pending", "monitor_blind", 1],
      ["pending", "recording_stopped", 1],
      ["open", "recording_stopped", 2],
    ]);
  });

  it("an unknown sample between violation samples neither opens it nor breaks the run", () => {
    const cause = { kind: "device_unreachable" as const, subject: device("nvr1") };
    const r = drive([
      [0, "violation"],
      [600, "unknown", { causedBy: cause }],
      [1200, "violation"],
    ]);
    expect(r.states.map((s) => [s?.state, s?.observations])).toEqual([
      ["pending", 1],
      ["pending", 1],
      ["open", 2],
    ]);
    expect(r.state?.causedBy).toBeNull();
  });

  it("open blind, then the violation seen: blind resolves (superseded), the violation is confirmed anew", () => {
    const r = drive([
      [0, "unknown"],
      [150, "unknown"],
      [180, "violation"],
      [300, "violation"],
    ]);
    const [resolved] = r.of("resolved");
    expect(resolved).toMatchObject({ resolution: "superseded", alertable: true });
    expect(resolved?.violation).toMatchObject({ id: "v1", kind: "monitor_blind" });
    expect(r.states[2]).toMatchObject({
      id: "v2",
      state: "pending",
      kind: "recording_stopped",
      firstSeenAt: isoAt(180),
    });
    expect(r.state).toMatchObject({ id: "v2", state: "open", openedAt: isoAt(300) });
    expect(r.lapses).toEqual([
      expect.objectContaining({ status: "unknown", from: isoAt(0), to: isoAt(180) }),
    ]);
  });
});

describe("violation lifecycle: causedBy", () => {
  const cause = { kind: "device_unreachable" as const, subject: device("nvr1") };

  it("a derived blind spot is tracked and opens, but is neither alertable nor recorded", () => {
    const r = drive([
      [0, "unknown", { causedBy: cause }],
      [150, "unknown", { causedBy: cause }],
      [200, "ok"],
      [260, "ok"],
    ]);
    const [opened] = r.of("opened");
    expect(opened?.alertable).toBe(false);
    expect(opened?.violation).toMatchObject({
      causedBy: cause,
      alertable: false,
      alerted: false,
      recorded: false,
    });
    expect(r.of("recorded")).toHaveLength(0);
    expect(r.of("resolved")[0]?.alertable).toBe(false);
    expect(r.lapses[0]?.derived).toBe(true);
  });

  it("a derived real violation is recorded but not alertable", () => {
    const r = drive(
      [
        [
          0,
          "violation",
          { subject: zone("gate"), causedBy: { kind: "camera_offline", subject: camera("cam1") } },
        ],
        [
          150,
          "violation",
          { subject: zone("gate"), causedBy: { kind: "camera_offline", subject: camera("cam1") } },
        ],
      ],
      POLICY,
      "zone_uncovered",
    );
    expect(r.of("opened")[0]?.alertable).toBe(false);
    expect(r.of("recorded")).toHaveLength(1);
  });

  it("when the cause clears but the finding stays bad, it becomes alertable and recorded", () => {
    const r = drive([
      [0, "unknown", { causedBy: cause }],
      [150, "unknown", { causedBy: cause }],
      [180, "unknown"],
      [210, "unknown"],
    ]);
    expect(r.of("became_alertable")).toHaveLength(1);
    expect(r.of("recorded")).toHaveLength(1);
    expect(r.state).toMatchObject({ causedBy: null, alertable: true, alerted: true, recorded: true });
  });
});

describe("violation lifecycle: maintenance", () => {
  it("opens marked and not alertable inside a window, becomes alertable after it", () => {
    const r = drive([
      [0, "violation", { maintenance: true }],
      [150, "violation", { maintenance: true }],
      [200, "violation", { maintenance: false }],
      [230, "violation", { maintenance: false }],
    ]);
    const [opened] = r.of("opened");
    expect(opened?.alertable).toBe(false);
    expect(opened?.violation.maintenance).toBe(true);
    expect(r.of("maintenance")).toEqual([expect.objectContaining({ maintenance: false })]);
    expect(r.of("became_alertable")).toHaveLength(1);
    expect(r.state).toMatchObject({ maintenance: false, alertable: true, alerted: true });
  });

  it("a violation that was never alerted resolves without an alert; its lapse is marked", () => {
    const r = drive([
      [0, "violation", { maintenance: true }],
      [150, "violation", { maintenance: true }],
      [200, "ok", { maintenance: true }],
      [260, "ok", { maintenance: true }],
    ]);
    expect(r.of("resolved")[0]?.alertable).toBe(false);
    expect(r.lapses[0]?.maintenance).toBe(true);
    // Recorded all the same: maintenance is marked, not hidden.
    expect(r.of("recorded")).toHaveLength(1);
  });
});

describe("violation lifecycle: other rules", () => {
  it("an observation no newer than the state changes nothing", () => {
    const r = drive([
      [0, "violation"],
      [150, "violation"],
      [100, "ok"],
      [150, "ok"],
    ]);
    expect(r.state).toMatchObject({ state: "open", recoveringSince: null });
  });

  it("a retention_gap violation is an incident, not a standing state; an unknown one can still be blind", () => {
    const gap = drive(
      [
        [0, "violation"],
        [500, "violation"],
      ],
      POLICY,
      "retention_gap",
    );
    expect(gap.transitions).toEqual([]);
    const blind = drive(
      [
        [0, "unknown"],
        [500, "unknown"],
      ],
      POLICY,
      "retention_gap",
    );
    expect(blind.of("opened")[0]?.violation.kind).toBe("monitor_blind");
  });
});

describe("retention gap sightings", () => {
  const gapFinding = (gaps: unknown[], windowStart = "2026-07-01T00:00:00.000Z") =>
    finding("retention_gap", "violation", { evidence: { windowStart, gaps, gapsTotal: gaps.length } });

  it("keys each gap by camera and start, stable as an open gap grows", () => {
    const first = gapSightings(
      gapFinding([
        { start: "2026-09-01T10:00:00.000Z", end: "2026-09-01T11:00:00.000Z", minutes: 60, open: false },
        { start: "2026-09-30T23:00:00.000Z", end: "2026-10-01T00:00:00.000Z", minutes: 60, open: true },
      ]),
    );
    const later = gapSightings(
      gapFinding([
        { start: "2026-09-01T10:00:00.000Z", end: "2026-09-01T11:00:00.000Z", minutes: 60, open: false },
        { start: "2026-09-30T23:00:00.000Z", end: "2026-10-01T01:00:00.000Z", minutes: 120, open: false },
      ]),
    );
    expect(first.map((s) => s.key)).toEqual([
      "cam1|2026-09-01T10:00:00.000Z",
      "cam1|2026-09-30T23:00:00.000Z",
    ]);
    expect(later.map((s) => s.key)).toEqual(first.map((s) => s.key));
  });

  it("a gap clipped by the moving window start is keyed by its end", () => {
    const a = gapSightings(
      gapFinding(
        [{ start: "2026-07-01T00:00:00.000Z", end: "2026-07-01T02:00:00.000Z", minutes: 120, open: false }],
        "2026-07-01T00:00:00.000Z",
      ),
    );
    const b = gapSightings(
      gapFinding(
        [{ start: "2026-07-01T01:00:00.000Z", end: "2026-07-01T02:00:00.000Z", minutes: 60, open: false }],
        "2026-07-01T01:00:00.000Z",
      ),
    );
    expect(a.map((s) => s.key)).toEqual(["cam1|end:2026-07-01T02:00:00.000Z"]);
    expect(b.map((s) => s.key)).toEqual(a.map((s) => s.key));
  });

  it("other findings have no sightings", () => {
    expect(gapSightings(finding("retention_gap", "ok"))).toEqual([]);
    expect(gapSightings(finding("recording_stopped", "violation"))).toEqual([]);
  });
});
