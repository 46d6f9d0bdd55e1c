import { describe, expect, it } from "vitest";
import type { Finding, JudgedStatus } from "../../src/domain/finding.ts";
import { createLedger, type Ledger } from "../../src/ledger/ledger.ts";
import { createOutboxReader } from "../../src/store/outbox.ts";
import { LockLostError } from "../../src/store/siteLock.ts";
import { createViolationEngine, type TransitionSubscriber } from "../../src/violations/engine.ts";
import { fakeClock, testSigner } from "../ledger/helpers.ts";
import { useTestRedis, type TestRedis } from "../store/testRedis.ts";
import { at, camera, finding, POLICY, sequentialIds, T0 } from "./builders.ts";

/** Transitions reach registered subscribers through an outbox written with the violation. */
const alerts: TransitionSubscriber = {
  name: "alerts",
  select: (_siteId, t) =>
    t.type === "opened" || t.type === "resolved"
      ? { violationId: t.violation.id, kind: t.violation.kind, alertable: t.alertable }
      : null,
};
const audit: TransitionSubscriber = {
  name: "audit",
  select: (_siteId, t) => (t.type === "pending" ? { violationId: t.violation.id } : null),
};

function setup(t: TestRedis, options: { lockTtlMs?: number } = {}) {
  const clock = fakeClock(T0);
  const redis = t.connect("outbox");
  const base = createLedger({ redis, keys: t.keys, now: clock.now, signer: testSigner() });
  let slow = 0;
  // A ledger that can stall (past the site lock's life) before it appends.
  const ledger: Ledger = {
    ...base,
    append: async (...args) => {
      if (slow > 0) await new Promise((r) => setTimeout(r, slow));
      return base.append(...args);
    },
  };
  const engine = createViolationEngine({
    redis,
    keys: t.keys,
    ledger,
    now: clock.now,
    newId: sequentialIds(),
    subscribers: [alerts, audit],
    ...(options.lockTtlMs === undefined ? {} : { lock: { ttlMs: options.lockTtlMs } }),
  });
  const apply = (seconds: number, findings: readonly Finding[], seq?: number) => {
    clock.advance(at(seconds) - clock.now());
    return engine.apply("s1", POLICY, findings, at(seconds), seq);
  };
  const outbox = createOutboxReader(redis, t.keys);
  return {
    engine,
    apply,
    outbox,
    stall: (ms: number) => {
      slow = ms;
    },
  };
}

const stopped = (status: JudgedStatus) => finding("recording_stopped", status, { subject: camera("cam1") });

describe("transition outbox", () => {
  const redis = useTestRedis();

  it("each subscriber gets the transitions it selects, in order, in its own outbox", async () => {
    const { apply, outbox } = setup(redis());
    await apply(0, [stopped("violation")]);
    await apply(150, [stopped("violation")]);
    await apply(200, [stopped("ok")]);
    await apply(260, [stopped("ok")]);
    const messages = await outbox.peek("s1", "alerts");
    expect(messages.map((m) => [m.type, m.payload])).toEqual([
      ["opened", { violationId: "v1", kind: "recording_stopped", alertable: true }],
      ["resolved", { violationId: "v1", kind: "recording_stopped", alertable: true }],
    ]);
    expect(messages[0]).toMatchObject({
      subscriber: "alerts",
      siteId: "s1",
      at: new Date(at(150)).toISOString(),
      id: `alerts:s1:opened:v1:${new Date(at(150)).toISOString()}`,
    });
    expect((await outbox.peek("s1", "audit")).map((m) => m.type)).toEqual(["pending"]);
  });

  it("is written in the same atomic write as the violation: a lost commit leaves neither, the retry both once", async () => {
    const { engine, apply, outbox, stall } = setup(redis(), { lockTtlMs: 100 });
    await apply(0, [stopped("violation")]);
    // The opening's ledger event stalls past the site lock's life: the commit finds the lock lost.
    stall(300);
    const seq = await engine.beginEvaluation("s1");
    await expect(apply(150, [stopped("violation")], seq)).rejects.toBeInstanceOf(LockLostError);
    expect(await outbox.peek("s1", "alerts")).toEqual([]);
    expect(await engine.listOpen("s1")).toEqual([]);

    stall(0);
    await apply(150, [stopped("violation")], seq);
    expect((await outbox.peek("s1", "alerts")).map((m) => m.type)).toEqual(["opened"]);
    expect((await engine.listOpen("s1")).map((v) => v.id)).toEqual(["v1"]);
    // The same evaluation again (a retried job): a duplicate, nothing written twice.
    expect((await apply(150, [stopped("violation")], seq)).skipped).toBe("duplicate");
    expect(await outbox.peek("s1", "alerts")).toHaveLength(1);
  });
});
