import { rm } from "node:fs/promises";
import { Redis } from "ioredis";
import { afterEach, describe, expect, test } from "vitest";
import type { Daemon } from "../../src/app/daemon.ts";
import { parseScenario } from "../../src/simulator/scenario.ts";
import { startSimulator, type RunningSimulator } from "../../src/simulator/server.ts";
import { writeDaemonSite, type DaemonSite } from "../helpers/daemonSite.ts";
import { startSiteDaemon } from "../helpers/daemonStart.ts";
import { waitFor } from "../helpers/waitFor.ts";
import { withPrivateRedis } from "../store/testRedis.ts";

/**
 * Job schedulers live in Redis alone. A Redis that comes back without its data (a restart
 * without persistence, a FLUSHALL) has none: the daemon must put them back, and /readyz must
 * not say ready while a device has no schedule. Each test has its own redis-server.
 */
type Private = Awaited<ReturnType<typeof withPrivateRedis>>;
let env: { redis: Private; sim?: RunningSimulator; site?: DaemonSite; daemon?: Daemon } | null = null;
afterEach(async () => {
  const e = env;
  env = null;
  await e?.daemon?.stop();
  await e?.sim?.stop();
  await e?.site?.cleanup();
  await e?.redis.cleanup();
});

async function start(scheduleCheckMs: number) {
  const e: NonNullable<typeof env> = { redis: await withPrivateRedis() };
  env = e;
  const sim = (e.sim = await startSimulator(
    parseScenario(
      {
        name: "d",
        devices: [{ id: "nvr1", username: "monitor", password: "pw-1", channels: { count: 1 } }],
      },
      "test",
    ),
  ));
  e.site = writeDaemonSite({
    devices: [{ id: "nvr1", url: sim.devices[0]!.url, username: "monitor", password: "pw-1" }],
    cameras: [{ id: "cam1", device: "nvr1", profile: "ProfileToken_1", zones: ["gate"] }],
    redisUrl: e.redis.server.url,
  });
  e.daemon = await startSiteDaemon(e.site, { probes: false, scheduleCheckMs });
  return e;
}

/** Polls so far: GetDeviceInformation is asked once per poll and by nothing else the daemon runs. */
const polls = (): number =>
  env!.sim!.device("nvr1").state().requests.byOperation["GetDeviceInformation"] ?? 0;

async function readyz(): Promise<{ status: number; body: { ready: boolean; failing: string[] } }> {
  const res = await fetch(`${env!.daemon!.httpUrl}/readyz`);
  return { status: res.status, body: (await res.json()) as { ready: boolean; failing: string[] } };
}

async function flushPrivate(): Promise<void> {
  const r = new Redis(env!.redis.server.url, { maxRetriesPerRequest: 1 });
  try {
    await r.flushall(); // our own redis-server, never the shared one
  } finally {
    r.disconnect();
  }
}

describe("job schedulers after Redis lost its data", () => {
  test("a Redis restarted without its data gets the schedulers back on reconnect; polls resume", async () => {
    await start(3_600_000); // only the reconnect can put them back within the test
    await waitFor("polls running", () => (polls() >= 2 ? true : undefined));

    await env!.redis.server.kill();
    await rm(env!.redis.dir, { recursive: true, force: true });
    await env!.redis.restart(); // same socket, empty folder: no data
    const after = polls();
    // Polls are due every second: three more within 20 s only if the schedulers came back.
    await waitFor("polls after the restart", () => (polls() >= after + 3 ? true : undefined));
    await waitFor("ready again", async () => ((await readyz()).status === 200 ? true : undefined));
  });

  test("/readyz is not ready while a device has no schedule", async () => {
    await start(3_600_000);
    await waitFor("ready", async () => ((await readyz()).status === 200 ? true : undefined));
    await flushPrivate();
    const r = await readyz();
    expect(r.status).toBe(503);
    expect(r.body.failing).toContain("schedules");
  });

  test("the periodic check puts schedulers back after a FLUSHALL; polls resume and it is ready again", async () => {
    await start(500);
    await waitFor("polls running", () => (polls() >= 2 ? true : undefined));
    await flushPrivate();
    const after = polls();
    await waitFor("polls after the FLUSHALL", () => (polls() >= after + 3 ? true : undefined));
    await waitFor("ready again", async () => ((await readyz()).status === 200 ? true : undefined));
  });
});
