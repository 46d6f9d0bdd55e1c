import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { afterEach, describe, expect, test } from "vitest";
import { parse, stringify } from "yaml";
import { displayRedisUrl } from "../../src/app/redis.ts";
import { newApiKey } from "../../src/auth/apiKey.ts";
import { QUEUE_PREFIX } from "../../src/queues/names.ts";
import { parseScenario } from "../../src/simulator/scenario.ts";
import { startSimulator, type RunningSimulator } from "../../src/simulator/server.ts";
import { startPrivateRedis, type PrivateRedis } from "../../src/app/privateRedis.ts";
import { writeDaemonSite, type DaemonSite } from "../helpers/daemonSite.ts";
import { CLI, ROOT } from "../helpers/paths.ts";
import { runCli } from "../helpers/cli.ts";
import { waitFor } from "../helpers/waitFor.ts";

/**
 * The daemon as real processes (`nurserywatch start` / `worker`) on a private redis-server with
 * AOF: SIGTERM in the middle of a poll, a Redis restart mid-run, two workers on one device.
 */
let sim: RunningSimulator | null = null;
let site: DaemonSite | null = null;
let redis: PrivateRedis | null = null;
let redisDir: string | null = null;
const children: ChildProcess[] = [];
afterEach(async () => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill("SIGKILL");
  await sim?.stop();
  // The private Redis goes with its folder: nothing to delete key by key.
  await redis?.stop();
  if (site) rmSync(site.dir, { recursive: true, force: true });
  if (redisDir) rmSync(redisDir, { recursive: true, force: true });
  sim = site = redis = redisDir = null;
});

async function setUp(operations: Record<string, unknown> = {}) {
  redisDir = mkdtempSync(join(tmpdir(), "nw-redis-"));
  redis = await startPrivateRedis({ dir: redisDir, appendfsync: "always" });
  sim = await startSimulator(
    parseScenario(
      {
        name: "p",
        devices: [
          {
            id: "nvr1",
            username: "monitor",
            password: "pw-2",
            operations,
            channels: { count: 2, defaults: { scheduleToken: "Schedule_24x7" } },
          },
        ],
      },
      "test",
    ),
  );
  site = writeDaemonSite({
    devices: [{ id: "nvr1", url: sim.devices[0]!.url, username: "monitor", password: "pw-2" }],
    cameras: [
      { id: "cam1", device: "nvr1", profile: "ProfileToken_1", zones: ["gate", "room"] },
      { id: "cam2", device: "nvr1", profile: "ProfileToken_2", zones: ["nap"] },
    ],
    redisUrl: redis.url,
  });
  return { sim, site, redis };
}

/** Starts `nurserywatch <command>` and resolves with its HTTP address (or "" for a worker) once it says it runs. */
async function spawnDaemon(
  command: "start" | "worker",
  config: string,
): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, [CLI, command, "--config", config, "--log-level", "error"], {
    cwd: ROOT,
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(child);
  const line = await new Promise<string>((resolve, reject) => {
    child.once("exit", (code) => reject(new Error(`${command} exited with ${code}`)));
    createInterface({ input: child.stdout }).once("line", resolve);
  });
  return { child, url: /(http:\/\/\S+)/.exec(line)?.[1] ?? "" };
}

const exitOf = (child: ChildProcess): Promise<number | null> =>
  child.exitCode !== null
    ? Promise.resolve(child.exitCode)
    : new Promise((resolve) => child.once("exit", resolve));

async function api<T>(url: string, key: string, path: string): Promise<T> {
  const res = await fetch(`${url}${path}`, { headers: { authorization: `Bearer ${key}` } });
  if (!res.ok) throw new Error(`${path}: HTTP ${res.status}`);
  return (await res.json()) as T;
}

const reportTime = async (url: string, key: string): Promise<string | undefined> =>
  (await api<{ sites: { report: { checkedAt: string } | null }[] }>(url, key, "/api/v1/status")).sites[0]
    ?.report?.checkedAt;

describe("the daemon as processes", () => {
  test("SIGTERM in the middle of a poll exits cleanly, and the next start continues", async () => {
    const { sim, site, redis } = await setUp({ GetRecordings: { slowMs: 1500 } });
    const first = await spawnDaemon("start", site.config);
    await waitFor("a poll in progress", () =>
      (sim.device("nvr1").state().requests.byOperation["GetProfiles"] ?? 0) > 0 ? true : undefined,
    );
    first.child.kill("SIGTERM");
    expect(await exitOf(first.child)).toBe(0);
    const r = new Redis(redis.url);
    expect(await r.keys(`${site.keyPrefix}:*pollock*`)).toEqual([]); // the device lock was released
    r.disconnect();

    const second = await spawnDaemon("start", site.config);
    const checked = await waitFor("a report after the restart", () => reportTime(second.url, site.adminKey));
    expect(Date.parse(checked)).toBeGreaterThan(0);
    second.child.kill("SIGTERM");
    expect(await exitOf(second.child)).toBe(0);
  });

  test("Redis restarted mid-run (AOF): no violation or ledger entry is lost, and monitoring goes on", async () => {
    const { sim, site } = await setUp();
    const d = await spawnDaemon("start", site.config);
    await waitFor("a first report", () => reportTime(d.url, site.adminKey));
    sim.device("nvr1").setChannel(2, { online: false });
    type V = { items: { id: string; kind: string; state: string }[] };
    const opened = await waitFor("camera_offline open", async () =>
      (await api<V>(d.url, site.adminKey, "/api/v1/violations")).items.find(
        (v) => v.kind === "camera_offline",
      ),
    );
    const ledgerBefore = (
      await api<{ entries: unknown[] }>(d.url, site.adminKey, "/api/v1/ledger?limit=1000")
    ).entries.length;

    await redis!.kill(); // a crash, not a clean shutdown
    redis = await startPrivateRedis({ dir: redisDir!, appendfsync: "always" });

    const still = await waitFor("the API back on the restarted Redis", async () =>
      (await api<V>(d.url, site.adminKey, "/api/v1/violations")).items.find((v) => v.id === opened.id),
    );
    expect(still.state).toBe("open");
    const ledgerAfter = (await api<{ entries: unknown[] }>(d.url, site.adminKey, "/api/v1/ledger?limit=1000"))
      .entries.length;
    expect(ledgerAfter).toBeGreaterThanOrEqual(ledgerBefore);

    sim.device("nvr1").setChannel(2, { online: true });
    await waitFor("camera_offline resolved after the restart", async () =>
      (await api<V>(d.url, site.adminKey, "/api/v1/violations")).items.some(
        (v) => v.kind === "camera_offline",
      )
        ? undefined
        : true,
    );
    d.child.kill("SIGTERM");
    expect(await exitOf(d.child)).toBe(0);

    const file = join(site.dir, "ledger.jsonl");
    const exported = await runCli(["ledger", "export", "--config", site.config, "--out", file]);
    expect(exported.code, exported.stderr).toBe(0);
    const verified = await runCli(["ledger", "verify", file, "--json"]);
    expect(verified.code, verified.stdout).toBe(0);
    expect((JSON.parse(verified.stdout) as { ok: boolean; entries: number }).entries).toBeGreaterThanOrEqual(
      ledgerBefore,
    );
  });

  /** `start` with its log (stderr) kept, and its first line on stdout (the announcement). */
  const startWithLog = (config: string) => {
    const child = spawn(process.execPath, [CLI, "start", "--config", config, "--log-level", "info"], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    children.push(child);
    const out = { child, stderr: "" };
    child.stderr.on("data", (c: Buffer) => (out.stderr += c.toString()));
    const started = new Promise<string>((resolve) =>
      createInterface({ input: child.stdout }).once("line", resolve),
    );
    const tries = () => (out.stderr.match(/is not reachable/g) ?? []).length;
    return { child, out, started, tries };
  };

  test("Redis down at start: it says which Redis and what is wrong, waits calmly, and starts once Redis is there", async () => {
    const { site } = await setUp();
    const url = redis!.url;
    await redis!.stop();
    const { child, out, started, tries } = startWithLog(site.config);
    await waitFor("two calm tries logged", () => (tries() >= 2 ? true : undefined));
    expect(child.exitCode).toBeNull();
    expect(out.stderr).toContain(displayRedisUrl(url));
    expect(out.stderr).toMatch(/ENOENT|ECONNREFUSED/);
    expect(out.stderr).not.toMatch(/MaxRetriesPerRequestError|\n\s+at /);

    redis = await startPrivateRedis({ dir: redisDir!, appendfsync: "always" });
    expect(await started).toMatch(/nurserywatch is watching/);
    child.kill("SIGTERM");
    expect(await exitOf(child)).toBe(0);
  });

  test("SIGTERM while waiting for Redis ends the wait with exit 0", async () => {
    const { site } = await setUp();
    await redis!.stop();
    redis = null;
    const { child, tries } = startWithLog(site.config);
    await waitFor("a try logged", () => (tries() >= 1 ? true : undefined));
    child.kill("SIGTERM");
    expect(await exitOf(child)).toBe(0);
  });

  test("SIGHUP reloads keys and sites; a broken file is logged and the configuration in force stays", async () => {
    const { site, redis } = await setUp();
    const { child, out, started } = startWithLog(site.config);
    const url = /(http:\/\/\S+)/.exec(await started)![1]!;
    const status = async (key: string) =>
      (await fetch(`${url}/api/v1/status`, { headers: { authorization: `Bearer ${key}` } })).status;
    expect(await status(site.adminKey)).toBe(200);

    // A new key instead of the old one, and a second device.
    const doc = parse(readFileSync(site.config, "utf8")) as {
      http: { apiKeys: unknown[] };
      devices: Record<string, unknown>[];
    };
    const fresh = newApiKey();
    doc.http.apiKeys = [{ name: "ops2", role: "admin", sha256: fresh.sha256 }];
    doc.devices.push({ ...doc.devices[0]!, id: "nvr2" });
    writeFileSync(site.config, stringify(doc));
    child.kill("SIGHUP");
    await waitFor("the new key accepted", async () => ((await status(fresh.key)) === 200 ? true : undefined));
    expect(await status(site.adminKey)).toBe(401);
    const conn = new Redis(redis.url);
    conn.on("error", () => undefined);
    const queue = new Queue("poll", { connection: conn, prefix: QUEUE_PREFIX });
    try {
      await waitFor("a schedule for the new device", async () =>
        (await queue.getJobSchedulers(0, -1)).some((s) => s.key === "poll:site1:nvr2") ? true : undefined,
      );
    } finally {
      await queue.close();
      conn.disconnect();
    }

    writeFileSync(site.config, "site: [\n");
    child.kill("SIGHUP");
    await waitFor("the broken file logged", () =>
      out.stderr.includes("configuration not reloaded") ? true : undefined,
    );
    expect(await status(fresh.key)).toBe(200);
    expect(child.exitCode).toBeNull();
    child.kill("SIGTERM");
    expect(await exitOf(child)).toBe(0);
  });

  test("one site file named twice is a usage error (exit 2) with the reason, not a stack", async () => {
    const { site } = await setUp();
    const r = await runCli(["start", "--config", site.config, "--config", site.config]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("site id site1 is configured twice");
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  test("two worker processes share a device without ever polling it twice at once", async () => {
    // Each poll takes about 2.5 s; polls are due every second.
    const { sim, site } = await setUp({ GetRecordings: { slowMs: 2500 } });
    const main = await spawnDaemon("start", site.config);
    const extra = await spawnDaemon("worker", site.config);
    const t0 = Date.now();
    // GetDeviceInformation is asked once per poll and by nothing else the daemon runs (probes and
    // retention scans read the clock too, so GetSystemDateAndTime would count them as well).
    const before = sim.device("nvr1").state().requests.byOperation["GetDeviceInformation"] ?? 0;
    await waitFor("10 s of polling", () => (Date.now() - t0 > 10_000 ? true : undefined), {
      timeoutMs: 15_000,
      everyMs: 500,
    });
    const polls = (sim.device("nvr1").state().requests.byOperation["GetDeviceInformation"] ?? 0) - before;
    // Without the device lock two workers would start ~20 polls in 10 s; serialised, at most 10 s / 2.5 s + slack.
    expect(polls).toBeGreaterThanOrEqual(2);
    expect(polls).toBeLessThanOrEqual(6);
    main.child.kill("SIGTERM");
    extra.child.kill("SIGTERM");
    expect(await exitOf(main.child)).toBe(0);
    expect(await exitOf(extra.child)).toBe(0);
  });
});
