import type { Job } from "bullmq";
import { afterEach, describe, expect, test } from "vitest";
import { sessionOpener } from "../../src/workers/deviceJob.ts";
import { createPollProcessor, type PollOutcome } from "../../src/workers/poller.ts";
import { loadConfig } from "../../src/config/load.ts";
import { createLedger } from "../../src/ledger/ledger.ts";
import { createLogger } from "../../src/logging/logger.ts";
import { createMonitor } from "../../src/monitor/monitor.ts";
import { createDeviceHttp } from "../../src/net/deviceHttp.ts";
import { createDeviceRepository } from "../../src/store/devices.ts";
import { createObservationRepository } from "../../src/store/observations.ts";
import { createPictureRepository } from "../../src/store/pictures.ts";
import { createReportRepository } from "../../src/store/reports.ts";
import { createViolationEngine } from "../../src/violations/engine.ts";
import { writeDaemonSite, type DaemonSite } from "../helpers/daemonSite.ts";
import { fakeClock, testSigner } from "../ledger/helpers.ts";
import { useTestRedis } from "../store/testRedis.ts";

/**
 * An unreachable device is polled less often (backoff). A clock that steps back must not
 * stretch that: the backoff counts scheduled polls, and reads no clock.
 */
const logger = createLogger({ level: "silent" });
const job = { id: "t", data: { siteId: "site1", deviceId: "nvr1" } } as unknown as Job;

describe("poll backoff", () => {
  const redis = useTestRedis();
  let site: DaemonSite | null = null;
  const closers: (() => Promise<unknown>)[] = [];
  afterEach(async () => {
    for (const c of closers.splice(0)) await c();
    await site?.cleanup();
    site = null;
  });

  async function setup() {
    const clock = fakeClock(Date.parse("2026-11-20T08:00:00Z"));
    // Nothing listens on port 1: every poll finds the device unreachable at once.
    site = writeDaemonSite({
      devices: [{ id: "nvr1", url: "http://127.0.0.1:1/onvif/device_service", username: "m", password: "p" }],
      cameras: [{ id: "cam1", device: "nvr1", profile: "P1", zones: ["gate"] }],
      policy: { pollIntervalSeconds: 60 },
    });
    const s = (await loadConfig(site.config, {})).site;
    const t = redis();
    const r = t.connect("poller");
    const http = createDeviceHttp();
    closers.push(() => http.close());
    const ledger = createLedger({ redis: r, keys: t.keys, now: clock.now, signer: testSigner() });
    let ids = 0;
    const engine = createViolationEngine({
      redis: r,
      keys: t.keys,
      ledger,
      now: clock.now,
      newId: () => `v${++ids}`,
    });
    const observations = createObservationRepository(r, t.keys);
    const poll = createPollProcessor({
      sites: new Map([[s.id, s]]),
      openSession: sessionOpener({ http, now: clock.now, logger }),
      redis: r,
      keys: t.keys,
      observations,
      devices: createDeviceRepository(r, t.keys),
      monitor: createMonitor({
        observations,
        pictures: createPictureRepository(r, t.keys),
        reports: createReportRepository(r, t.keys),
        engine,
        now: clock.now,
        probing: false,
      }),
      searchHistory: true,
      now: clock.now,
      logger,
    });
    /** The next scheduled poll, one interval later by the clock. */
    const next = async (): Promise<PollOutcome> => {
      clock.advance(60_000);
      return poll(job);
    };
    return { clock, next };
  }

  const what = (o: PollOutcome) => (o.status === "skipped" ? o.why : "polled");

  test("skips the next polls after repeated failures, doubling", async () => {
    const { next } = await setup();
    const seen: string[] = [];
    for (let i = 0; i < 8; i++) seen.push(what(await next()));
    // failures 1, 2 on schedule; 3rd: skip 1; 4th: skip 3.
    expect(seen).toEqual([
      "polled",
      "polled",
      "polled",
      "backoff",
      "polled",
      "backoff",
      "backoff",
      "backoff",
    ]);
  });

  test("a clock stepped back an hour does not stretch the backoff", async () => {
    const { clock, next } = await setup();
    for (let i = 0; i < 3; i++) expect(what(await next())).toBe("polled");
    clock.advance(-3_600_000); // corrected: an hour back
    expect(what(await next())).toBe("backoff");
    expect(what(await next())).toBe("polled");
  });
});
