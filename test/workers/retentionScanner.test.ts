import type { Job } from "bullmq";
import { Redis } from "ioredis";
import { afterEach, describe, expect, test } from "vitest";
import { sessionOpener } from "../../src/workers/deviceJob.ts";
import { createPollProcessor } from "../../src/workers/poller.ts";
import { createRetentionScanProcessor, type ScanOutcome } from "../../src/workers/retentionScanner.ts";
import { findGaps } from "../../src/compliance/rules/retentionGap.ts";
import { loadConfig } from "../../src/config/load.ts";
import { FULL_SCAN_EVERY_MS, SCAN_OVERLAP_MS } from "../../src/domain/historyMerge.ts";
import type { Site } from "../../src/domain/site.ts";
import { createLedger } from "../../src/ledger/ledger.ts";
import { createLogger } from "../../src/logging/logger.ts";
import { createMonitor } from "../../src/monitor/monitor.ts";
import { createDeviceHttp } from "../../src/net/deviceHttp.ts";
import { createOnvifSession, scanRecordingHistory } from "../../src/onvif/index.ts";
import { parseScenario } from "../../src/simulator/scenario.ts";
import { startSimulator, type RunningSimulator } from "../../src/simulator/server.ts";
import { createDeviceRepository } from "../../src/store/devices.ts";
import { createHistoryRepository } from "../../src/store/histories.ts";
import { createKeys } from "../../src/store/keys.ts";
import { createObservationRepository } from "../../src/store/observations.ts";
import { createPictureRepository } from "../../src/store/pictures.ts";
import { createReportRepository } from "../../src/store/reports.ts";
import { createViolationEngine } from "../../src/violations/engine.ts";
import { TEST_REDIS_URL, writeDaemonSite, type DaemonSite } from "../helpers/daemonSite.ts";
import { fakeClock, testSigner } from "../ledger/helpers.ts";

/**
 * Retention scans against the simulated NVR (on a fake clock) and real Redis: the whole window
 * first, then only what is new, merged into a history that finds the same gaps as a search
 * over the whole window; polls no longer search history at all.
 */
const MIN = 60_000;
const H = 60 * MIN;
const logger = createLogger({ level: "silent" });

let sim: RunningSimulator | null = null;
let site: DaemonSite | null = null;
const cleanups: (() => Promise<unknown>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
  await sim?.stop();
  await site?.cleanup();
  sim = site = null;
});

const job = (deviceId = "nvr1"): Job => ({ id: "t", data: { siteId: "site1", deviceId } }) as unknown as Job;

async function setup() {
  const clock = fakeClock(Date.parse("2026-11-20T08:00:00Z"));
  sim = await startSimulator(
    parseScenario(
      {
        name: "r",
        devices: [
          { id: "nvr1", username: "monitor", password: "pw-1", channels: { count: 2, defaults: {} } },
        ],
      },
      "test",
    ),
    { now: clock.now },
  );
  site = writeDaemonSite({
    devices: [{ id: "nvr1", url: sim.devices[0]!.url, username: "monitor", password: "pw-1" }],
    cameras: [
      { id: "cam1", device: "nvr1", profile: "ProfileToken_1", zones: ["gate"] },
      { id: "cam2", device: "nvr1", profile: "ProfileToken_2", zones: ["room", "nap"] },
    ],
    policy: { maxGapMinutes: 10, retentionIntervalSeconds: 3600 },
  });
  const config = await loadConfig(site.config, {});
  const s: Site = config.site;
  const redis = new Redis(TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
  cleanups.push(() => redis.quit());
  const http = createDeviceHttp();
  cleanups.push(() => http.close());
  const keys = createKeys(site.keyPrefix);
  const ledger = createLedger({ redis, keys, now: clock.now, signer: testSigner() });
  let ids = 0;
  const engine = createViolationEngine({ redis, keys, ledger, now: clock.now, newId: () => `v${++ids}` });
  const histories = createHistoryRepository(redis, keys);
  const observations = createObservationRepository(redis, keys);
  const reports = createReportRepository(redis, keys);
  const monitor = createMonitor({
    observations,
    pictures: createPictureRepository(redis, keys),
    histories,
    reports,
    engine,
    now: clock.now,
    probing: false,
  });
  const sites = new Map([[s.id, s]]);
  const openSession = sessionOpener({ http, now: clock.now, logger });
  const rechecks: string[] = [];
  const poll = createPollProcessor({
    sites,
    openSession,
    redis,
    keys,
    observations,
    devices: createDeviceRepository(redis, keys),
    monitor,
    searchHistory: false,
    now: clock.now,
    logger,
    followUp: (f) => {
      rechecks.push(f.kind);
      return Promise.resolve();
    },
  });
  const scanner = createRetentionScanProcessor({
    sites,
    openSession,
    redis,
    keys,
    histories,
    monitor,
    now: clock.now,
    logger,
  });
  const scan = async (): Promise<ScanOutcome> => scanner(job());
  const device = sim.device("nvr1");
  const findEvents = (): number => device.state().requests.byOperation["FindEvents"] ?? 0;
  const gapFinding = async (camera: string) =>
    (await reports.get("site1"))?.findings.find((f) => f.kind === "retention_gap" && f.subject.id === camera);
  /** What one FindEvents over the whole window says now, straight from the device. */
  const wholeWindow = async () => {
    const session = createOnvifSession({ device: s.devices[0]!, http, now: clock.now, logger });
    const r = await scanRecordingHistory({
      session,
      cameras: s.cameras,
      searchFrom: (_t, deviceNow) => deviceNow - s.policy.retentionDays * 24 * H,
    });
    if (r.status !== "ok") throw new Error(`full search failed: ${JSON.stringify(r)}`);
    return r.value;
  };
  return { clock, s, poll, scan, device, findEvents, gapFinding, wholeWindow, histories, ledger, rechecks };
}

describe("retention scans", () => {
  test("search the whole window once, then incrementally; gaps match a whole-window search and are told once", async () => {
    const t = await setup();
    // Polls leave history to the scans: no FindEvents. Before the first scan (queued at start)
    // the gaps cannot be told, and no second scan is asked for.
    expect(await t.poll(job())).toMatchObject({ status: "polled", reachable: true });
    expect(t.findEvents()).toBe(0);
    expect(await t.gapFinding("cam1")).toMatchObject({ status: "unknown", reason: "history_not_searched" });
    expect(t.rechecks).toEqual([]);

    const first = await t.scan();
    expect(first).toMatchObject({ status: "scanned", mode: "full", recordings: 2 });
    if (first.status !== "scanned") throw new Error("not scanned");
    expect(Date.parse(first.to) - Date.parse(first.from)).toBe(90 * 24 * H);
    expect(t.findEvents()).toBe(1);
    expect(await t.gapFinding("cam1")).toMatchObject({ status: "ok", reason: "no_gaps" });

    // Channel 1's recording is gone for 40 minutes; channel 2's job stops 15 minutes before the next scan.
    t.clock.advance(20 * MIN);
    t.device.setChannel(1, { recording: false });
    t.clock.advance(40 * MIN);
    t.device.setChannel(1, { recording: true });
    t.clock.advance(15 * MIN);
    t.device.setChannel(2, { jobMode: "Idle" });
    t.clock.advance(15 * MIN);
    await t.poll(job());
    expect(t.findEvents()).toBe(1);

    const second = await t.scan();
    expect(second).toMatchObject({ status: "scanned", mode: "incremental" });
    if (second.status !== "scanned") throw new Error("not scanned");
    expect(Date.parse(second.from)).toBe(Date.parse(first.to) - SCAN_OVERLAP_MS);
    const gap = await t.gapFinding("cam1");
    expect(gap).toMatchObject({ status: "violation", reason: "recording_gaps" });
    expect(gap?.evidence["gaps"]).toEqual([expect.objectContaining({ minutes: 40, open: false })]);
    expect((await t.gapFinding("cam2"))?.evidence["gaps"]).toEqual([
      expect.objectContaining({ minutes: 15, open: true }),
    ]);

    // Channel 2 records again after 45 minutes; the next scan closes its gap.
    t.clock.advance(30 * MIN);
    t.device.setChannel(2, { jobMode: "Active" });
    t.clock.advance(30 * MIN);
    expect(await t.scan()).toMatchObject({ status: "scanned", mode: "incremental" });
    expect((await t.gapFinding("cam2"))?.evidence["gaps"]).toEqual([
      expect.objectContaining({ minutes: 45, open: false }),
    ]);

    // The merged history says what one search over the whole window says.
    const whole = await t.wholeWindow();
    const stored = await t.histories.get("site1", "nvr1");
    for (const [token, probe] of Object.entries(whole.histories)) {
      if (probe.status !== "ok") throw new Error(`${token}: ${probe.status}`);
      const merged = stored!.recordings[token]!;
      const gaps = findGaps(merged.trackStates, whole.fromMs, whole.toMs);
      expect(gaps).toHaveLength(1);
      expect(gaps).toEqual(findGaps(probe.value.trackStates, whole.fromMs, whole.toMs));
    }

    // Each gap is told once, however often it is seen again.
    t.clock.advance(H);
    expect(await t.scan()).toMatchObject({ status: "scanned", mode: "incremental" });
    const incidents = (await t.ledger.page({ from: 1, limit: 100 })).filter(
      (e) => e.type === "incident.retention_gap",
    );
    expect(incidents.map((e) => (e.data["subject"] as { id: string }).id).sort()).toEqual(["cam1", "cam2"]);
    expect(t.findEvents()).toBe(5);
  });

  test("a failed scan keeps the last good history until it is stale; the daily search covers the whole window", async () => {
    const t = await setup();
    await t.poll(job());
    expect(await t.scan()).toMatchObject({ status: "scanned", mode: "full" });

    t.device.setDevice({ operations: { FindEvents: { malformed: true } } });
    t.clock.advance(H);
    expect(await t.scan()).toMatchObject({ status: "failed", error: { kind: "malformed" } });
    await t.poll(job());
    expect(await t.gapFinding("cam1")).toMatchObject({ status: "ok" });

    // Three scan intervals without a good search: the failure shows.
    t.clock.advance(2 * H + MIN);
    expect(await t.scan()).toMatchObject({ status: "failed" });
    await t.poll(job());
    expect(await t.gapFinding("cam1")).toMatchObject({ status: "unknown", reason: "history_unavailable" });

    t.device.setDevice({ operations: {} });
    t.clock.advance(H);
    expect(await t.scan()).toMatchObject({ status: "scanned", mode: "incremental" });
    expect(await t.gapFinding("cam1")).toMatchObject({ status: "ok" });
    t.clock.advance(FULL_SCAN_EVERY_MS);
    expect(await t.scan()).toMatchObject({ status: "scanned", mode: "full" });
  });

  test("a recording that appears after the last scan is searched early, asked for by a poll", async () => {
    const t = await setup();
    t.device.setChannel(2, { recording: false });
    await t.poll(job());
    expect(await t.scan()).toMatchObject({ status: "scanned", mode: "full", recordings: 1 });
    t.clock.advance(10 * MIN);
    t.device.setChannel(2, { recording: true });
    await t.poll(job());
    expect(await t.gapFinding("cam2")).toMatchObject({ status: "unknown", reason: "history_not_searched" });
    expect(t.rechecks).toEqual(["retention"]);
    // A recording the last scan did not know is searched over the whole window.
    expect(await t.scan()).toMatchObject({ status: "scanned", mode: "full", recordings: 2 });
    expect(await t.gapFinding("cam2")).toMatchObject({ status: "ok" });
  });
});
