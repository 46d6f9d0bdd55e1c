import type { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import type { LedgerEntry } from "../../src/domain/ledger.ts";
import { exportLedger } from "../../src/ledger/export.ts";
import { createLedger, type Ledger } from "../../src/ledger/ledger.ts";
import { verifyLedgerExport } from "../../src/ledger/verify.ts";
import { createKeys, type Keys } from "../../src/store/keys.ts";
import { closeRedis, createRedisFactory } from "../../src/store/redis.ts";
import { createViolationEngine, type ViolationEngine } from "../../src/violations/engine.ts";
import { createUptimeService, type UptimeService } from "../../src/violations/uptimeService.ts";
import { fakeClock, testSigner } from "../ledger/helpers.ts";
import { useTestRedis, withPrivateRedis } from "../store/testRedis.ts";
import { at, POLICY, sequentialIds, T0 } from "./builders.ts";
import { cameraId, siteFindings } from "./siteFindings.ts";

/*
 * The daemon's state survives Redis restarting under it: a private redis-server with AOF is
 * stopped (or killed) in the middle of a run, started again on the same folder, and the run
 * goes on. Nothing acknowledged may be lost, and the end state must equal a run without the
 * restart.
 */

const STEPS = 40;
const CAMERAS = 6;

/** Step i's evaluation: camera c stopped during steps [4 + 4c, 12 + 4c), the NVR down at 30-33. */
function evaluation(i: number) {
  const stopped = new Set<string>();
  for (let c = 0; c < CAMERAS; c++) if (i >= 4 + 4 * c && i < 12 + 4 * c) stopped.add(cameraId(c));
  return siteFindings({
    cameras: CAMERAS,
    now: new Date(at(i * 60)).toISOString(),
    stopped,
    nvrDown: i >= 30 && i < 34,
  });
}

interface Rig {
  readonly engine: ViolationEngine;
  readonly uptime: UptimeService;
  readonly ledger: Ledger;
  readonly clock: ReturnType<typeof fakeClock>;
}

function rig(redis: Redis, keys: Keys, beforeAppend: () => void = () => undefined): Rig {
  const clock = fakeClock(T0);
  const ledger = createLedger({ redis, keys, now: clock.now, signer: testSigner() });
  const engine = createViolationEngine({
    redis,
    keys,
    ledger: {
      ...ledger,
      append: (...args: Parameters<Ledger["append"]>) => {
        beforeAppend();
        return ledger.append(...args);
      },
    },
    now: clock.now,
    newId: sequentialIds(),
    lock: { ttlMs: 2000, waitMs: 8000 },
  });
  return { engine, uptime: createUptimeService({ redis, keys, now: clock.now }), ledger, clock };
}

/** Applies step i until it succeeds (a Redis going away makes an apply fail; the job retries). */
async function applyStep(r: Rig, i: number, acknowledged: LedgerEntry[]): Promise<void> {
  r.clock.advance(at(i * 60) - r.clock.now());
  for (let attempt = 0; ; attempt++) {
    try {
      const result = await r.engine.apply("s1", POLICY, evaluation(i), at(i * 60));
      acknowledged.push(...result.ledger);
      return;
    } catch (err) {
      if (attempt > 20) throw err;
    }
  }
}

async function snapshot(r: Rig) {
  const violations = (await r.engine.listViolations({ siteId: "s1", state: "all", limit: 1000 })).items.map(
    (v) => [v.findingKey, v.state, v.firstSeenAt, v.openedAt, v.resolvedAt],
  );
  const entries = (await r.ledger.page({ limit: 1000 })).map((e) => [
    e.type,
    e.data["findingKind"],
    JSON.stringify(e.data["subject"]),
    e.data["openedAt"] ?? null,
    e.data["resolvedAt"] ?? null,
  ]);
  const lapses = (
    await r.uptime.uptime("s1", { type: "camera", id: cameraId(2) }, T0, at(STEPS * 60))
  ).lapses.map((l) => [l.kind, l.from, l.to]);
  return { violations, entries, lapses };
}

describe("durability over a Redis restart", () => {
  const shared = useTestRedis();
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.splice(0).reverse()) await c();
  });

  async function reference() {
    const t = shared();
    const r = rig(t.connect("reference"), t.keys);
    const acknowledged: LedgerEntry[] = [];
    for (let i = 0; i < STEPS; i++) await applyStep(r, i, acknowledged);
    return snapshot(r);
  }

  it.each([
    { how: "SHUTDOWN between evaluations (appendfsync everysec)", fsync: "everysec" as const, crash: false },
    { how: "kill -9 during evaluations (appendfsync always)", fsync: "always" as const, crash: true },
  ])("$how: no violation or ledger entry is lost", async ({ fsync, crash }) => {
    const expected = await reference();

    const server = await withPrivateRedis({ appendfsync: fsync });
    cleanups.push(() => server.cleanup());
    // Commands wait for the reconnect instead of failing: what BullMQ's connections do too.
    const redis = createRedisFactory(server.server.url, {
      maxRetriesPerRequest: null,
      onError: () => undefined,
    })("durability");
    cleanups.push(() => closeRedis(redis));
    // The second crash: Redis dies while an evaluation is writing its ledger events.
    let step = 0;
    let crashed: Promise<unknown> | null = null;
    const r = rig(redis, createKeys("dur"), () => {
      if (crash && step >= 25 && crashed === null) {
        crashed = server.server.kill().then(() => server.restart());
      }
    });
    const acknowledged: LedgerEntry[] = [];

    for (let i = 0; i < STEPS; i++) {
      step = i;
      if (i === 20) {
        if (crash) {
          // The evaluation is in flight when Redis dies; it finishes or fails, then is retried.
          const inFlight = applyStep(r, i, acknowledged);
          await server.server.kill();
          await server.restart();
          await inFlight;
          continue;
        }
        await server.server.stop();
        await server.restart();
      }
      await applyStep(r, i, acknowledged);
    }
    if (crash) expect(crashed).not.toBeNull();
    await (crashed as Promise<unknown> | null);

    // Every entry an apply reported is in the ledger, unchanged, at its place.
    const stored = await r.ledger.page({ limit: 1000 });
    for (const entry of acknowledged) expect(stored[entry.seq - 1]).toEqual(entry);
    expect(new Set(acknowledged.map((e) => e.seq)).size).toBe(stored.length);

    // The chain is whole and signed.
    await r.ledger.signHead();
    let text = "";
    await exportLedger(r.ledger, (c) => {
      text += c;
    });
    expect(verifyLedgerExport(text).problems).toEqual([]);

    // And the state is what a run without the restart leaves.
    expect(await snapshot(r)).toEqual(expected);
    expect(expected.entries.length).toBeGreaterThan(10);
  });
});
