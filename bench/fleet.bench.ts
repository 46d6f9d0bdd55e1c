/**
 * bench:fleet — the daemon over a district: 250 nurseries x one 20-channel NVR = 5,000 cameras,
 * every NVR polled each 30 s. The real daemon (`nurserywatch start --config FOLDER`) runs as a
 * child process against a private redis-server started for the benchmark (so Redis's memory is
 * the daemon's alone); the NVRs are simulated by a few `nurserywatch simulate` processes.
 *
 * After a warm-up interval it measures for a few intervals:
 * - sustained polls/s and poll lateness (when BullMQ started a poll minus the slot its scheduler
 *   gave it), from BullMQ's event stream in the private Redis (every job, not a sample),
 *   cross-checked against processedOn - (timestamp + delay) of the completed jobs BullMQ keeps;
 * - CPU and RSS of the daemon process (/proc/PID/stat, /proc/PID/status);
 * - Redis memory per camera (used_memory after the run minus the empty server's, / cameras);
 * - retention scans: how long the start-up full-window scans of every NVR took, and the
 *   scans (full or incremental) that ran inside the window.
 * Picture probes are off (`--no-probes`): they run ffmpeg per camera and have bench:probe.
 * Targets (the issue): p99 lateness < 2 s, <= 100 KB of daemon RSS and <= 20 KB of Redis per camera.
 *
 * Environment (all optional): NW_FLEET_NURSERIES [250], NW_FLEET_CAMERAS_PER_NURSERY [20],
 * NW_FLEET_INTERVAL_SECONDS [30], NW_FLEET_WARMUP_SECONDS [one interval],
 * NW_FLEET_MEASURE_SECONDS [120], NW_FLEET_SIMULATORS [3], NW_FLEET_RETENTION_INTERVAL_SECONDS [3600]
 * (every NVR's first retention scan searches 90 days at start; later ones only what is new: a
 * short interval puts those incremental scans inside the window), NW_FLEET_DAEMON_NODE_ARGS [none]: extra
 * node options for the daemon, space-separated (e.g. "--cpu-prof --cpu-prof-dir=/tmp/prof").
 * The last stdout line is one JSON object with every figure.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { availableParallelism, tmpdir } from "node:os";
import { join } from "node:path";
import { Queue } from "bullmq";
import { Redis } from "ioredis";
import { startPrivateRedis, type PrivateRedis } from "../src/app/privateRedis.ts";
import { CLI } from "./paths.ts";
import { spawnBenchChild, sleep, type BenchChild } from "./fleetProcesses.ts";
import { writeScenarios, writeSites, type FleetShape } from "./fleetSetup.ts";
import {
  childPids,
  createCompletedSampler,
  createEventFollower,
  machineCpu,
  memoryByKeyGroup,
  percentile,
  procSample,
  usedMemory,
  type JobTimeline,
  type ProcSample,
} from "./fleetSampling.ts";

const TARGETS = { p99LatenessMs: 2000, rssKbPerCamera: 100, redisKbPerCamera: 20 } as const;
const QUEUE_PREFIX = "{nw}";
const QUEUE_NAME = "poll";
const PASSWORD = "fleet-bench-password-1";
const SIM_READY_MS = 180_000;
const DAEMON_READY_MS = 240_000;
/** After the window: time for the polls started inside it to report, before the last read. */
const DRAIN_MS = 5_000;

function envInt(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === "") return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < min) throw new Error(`${name} must be an integer >= ${min}, not ${raw}`);
  return n;
}

const shape: FleetShape = {
  nurseries: envInt("NW_FLEET_NURSERIES", 250, 1),
  camerasPerNursery: envInt("NW_FLEET_CAMERAS_PER_NURSERY", 20, 1),
  intervalSeconds: envInt("NW_FLEET_INTERVAL_SECONDS", 30, 1),
  simulators: envInt("NW_FLEET_SIMULATORS", 3, 1),
  retentionIntervalSeconds: envInt("NW_FLEET_RETENTION_INTERVAL_SECONDS", 3600, 1),
};
const warmupSeconds = envInt("NW_FLEET_WARMUP_SECONDS", shape.intervalSeconds, 0);
const measureSeconds = envInt("NW_FLEET_MEASURE_SECONDS", 120, 5);
const cameras = shape.nurseries * shape.camerasPerNursery;
const daemonNodeArgs = (process.env["NW_FLEET_DAEMON_NODE_ARGS"] ?? "").split(" ").filter(Boolean);

const round = (n: number | null, digits = 1): number | null =>
  n === null || !Number.isFinite(n) ? null : Math.round(n * 10 ** digits) / 10 ** digits;
const log = (msg: string): void => void process.stderr.write(`[bench:fleet] ${msg}\n`);

/** The daemon without whatever Redis or overrides the caller's shell points at. */
function daemonEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (k === "REDIS_URL" || k.startsWith("NURSERYWATCH_")) continue;
    env[k] = v;
  }
  return env;
}

interface Window {
  readonly at: number;
  readonly daemon: ProcSample;
  readonly simulators: readonly (ProcSample | null)[];
  readonly redis: ProcSample | null;
  readonly machine: { busyMs: number; totalMs: number };
  readonly soapRequests: number | null;
}

async function soapRequests(controlUrls: readonly string[]): Promise<number | null> {
  try {
    let total = 0;
    for (const url of controlUrls) {
      const res = await fetch(`${url}/sim/state`);
      const state = (await res.json()) as { devices: { requests: { total: number } }[] };
      total += state.devices.reduce((n, d) => n + d.requests.total, 0);
    }
    return total;
  } catch {
    return null;
  }
}

const stop = new AbortController();
const onSignal = (): void => {
  log("interrupted; cleaning up");
  stop.abort();
};
process.once("SIGINT", onSignal);
process.once("SIGTERM", onSignal);

const dir = mkdtempSync(join(tmpdir(), "nw-fleet-"));
let redisServer: PrivateRedis | null = null;
let client: Redis | null = null;
let queue: Queue | null = null;
const simulators: BenchChild[] = [];
let daemon: BenchChild | null = null;
let queueConnection: Redis | null = null;
/** The background sampler runs while this holds; cleared in finally so it can never outlive the benchmark. */
let sampling = false;
let exitCode = 0;

try {
  const benchStarted = Date.now();
  log(
    `${shape.nurseries} nurseries x ${shape.camerasPerNursery} cameras = ${cameras} cameras, every ${shape.intervalSeconds} s; warm-up ${warmupSeconds} s, measure ${measureSeconds} s`,
  );
  redisServer = await startPrivateRedis({ dir: join(dir, "redis") });
  client = new Redis(redisServer.url, { maxRetriesPerRequest: 2, connectionName: "bench-fleet" });
  await sleep(500, stop.signal);
  const baselineMemory = await usedMemory(client);

  const scenarios = writeScenarios(dir, shape, PASSWORD);
  for (const [i, file] of scenarios.entries()) {
    simulators.push(
      spawnBenchChild(`simulator ${i + 1}`, process.execPath, [
        CLI,
        "simulate",
        "--scenario",
        file,
        "--json",
        "--log-level",
        "error",
      ]),
    );
  }
  const urls = new Map<string, string>();
  const controlUrls: string[] = [];
  for (const sim of simulators) {
    const line = await sim.waitForLine((l) => l.startsWith("{"), SIM_READY_MS);
    const ready = JSON.parse(line) as { controlUrl: string; devices: { id: string; url: string }[] };
    controlUrls.push(ready.controlUrl);
    for (const d of ready.devices) urls.set(d.id, d.url);
  }
  if (stop.signal.aborted) throw new Error("interrupted");
  log(
    `${urls.size} simulated NVRs up in ${simulators.length} processes after ${Date.now() - benchStarted} ms`,
  );

  const sitesDir = writeSites(dir, shape, urls, redisServer.url, PASSWORD);
  const follower = createEventFollower(client, `${QUEUE_PREFIX}:${QUEUE_NAME}:events`);
  const scanFollower = createEventFollower(client, `${QUEUE_PREFIX}:retention:events`);
  queueConnection = new Redis(redisServer.url, {
    maxRetriesPerRequest: null,
    connectionName: "bench-fleet-queue",
  });
  queue = new Queue(QUEUE_NAME, { connection: queueConnection, prefix: QUEUE_PREFIX });
  queue.on("error", () => undefined);
  const completed = createCompletedSampler(queue);

  const daemonStarted = Date.now();
  daemon = spawnBenchChild(
    "daemon",
    process.execPath,
    // Polling is measured here; picture probes (ffmpeg per camera) have their own bench:probe.
    [...daemonNodeArgs, CLI, "start", "--config", sitesDir, "--no-probes", "--log-level", "warn"],
    daemonEnv(),
  );
  const d = daemon;

  // Background sampling: the event stream, the completed set and the daemon's RSS.
  const rssSeries: { at: number; rssKb: number }[] = [];
  sampling = true;
  let samplingError: Error | null = null;
  const sampler = (async () => {
    let tick = 0;
    while (sampling && !stop.signal.aborted) {
      try {
        await follower.read();
        await scanFollower.read();
        if (tick % 2 === 0) {
          await completed.sample();
          const s = procSample(d.pid);
          if (s) rssSeries.push({ at: Date.now(), rssKb: s.rssKb });
        }
      } catch (err) {
        samplingError = err as Error;
      }
      tick++;
      await sleep(500, stop.signal);
    }
  })();

  const readyLine = await Promise.race([
    d.waitForLine((l) => l.startsWith("nurserywatch is watching"), DAEMON_READY_MS),
    new Promise<never>((_, reject) =>
      stop.signal.addEventListener("abort", () => reject(new Error("interrupted")), { once: true }),
    ),
  ]);
  const readyMs = Date.now() - daemonStarted;
  const atReady = procSample(d.pid);
  log(`daemon ready after ${readyMs} ms (${readyLine.replace(/^.*: /, "")}); warming up ${warmupSeconds} s`);
  await sleep(warmupSeconds * 1000, stop.signal);
  if (stop.signal.aborted) throw new Error("interrupted");

  const sampleWindow = async (): Promise<Window> => {
    const daemonSample = procSample(d.pid);
    if (!daemonSample) throw new Error(`the daemon exited:\n${d.stderrTail()}`);
    return {
      at: Date.now(),
      daemon: daemonSample,
      simulators: simulators.map((s) => procSample(s.pid)),
      redis: procSample(redisServer!.pid),
      machine: machineCpu(),
      soapRequests: await soapRequests(controlUrls),
    };
  };
  const a = await sampleWindow();
  const stderrAtA = d.stderrLines();
  log(`measuring ${measureSeconds} s`);
  await sleep(measureSeconds * 1000, stop.signal);
  if (stop.signal.aborted) throw new Error("interrupted");
  const b = await sampleWindow();
  const stderrAtB = d.stderrLines();
  const children = childPids(d.pid).map((pid) => ({ pid, sample: procSample(pid) }));

  // Redis at the end of the window, the daemon still running (its state is all there).
  const endMemory = await usedMemory(client);
  const dbsize = await client.dbsize();
  const groups = await memoryByKeyGroup(client);

  await sleep(DRAIN_MS, stop.signal);
  sampling = false;
  await sampler;
  await follower.read();
  await scanFollower.read();
  const lastRead = Date.now();
  if (samplingError) log(`a sampling read failed (kept going): ${(samplingError as Error).message}`);

  // --- polls and lateness --------------------------------------------------------------------
  const windowS = (b.at - a.at) / 1000;
  const all = [...follower.jobs.values()];
  const scheduled = all.filter((j): j is JobTimeline & { scheduledAt: number } => j.scheduledAt !== null);
  const dueInWindow = scheduled.filter((j) => j.scheduledAt >= a.at && j.scheduledAt < b.at);
  // A poll not started by the last read counts with the lateness it had reached then (a lower bound).
  const censored = dueInWindow.filter((j) => j.activeAt === null);
  const lateness = dueInWindow.map((j) => (j.activeAt ?? lastRead) - j.scheduledAt).sort((x, y) => x - y);
  const finishedInWindow = all.filter(
    (j) => j.finishedAt !== null && j.finishedAt >= a.at && j.finishedAt < b.at,
  );
  const outcomes: Record<string, number> = {};
  for (const j of finishedInWindow) outcomes[j.result ?? "?"] = (outcomes[j.result ?? "?"] ?? 0) + 1;
  const polled = finishedInWindow.filter((j) => j.result?.startsWith("polled")).length;
  const durations = finishedInWindow
    .filter((j) => j.activeAt !== null)
    .map((j) => j.finishedAt! - j.activeAt!)
    .sort((x, y) => x - y);
  // Slots the scheduler skipped (it jumps to the next slot when it falls behind, rather than run late).
  const everyMs = shape.intervalSeconds * 1000;
  const bySchedulerId = new Map<string, number[]>();
  for (const j of scheduled) {
    const sid = j.id.slice(0, j.id.lastIndexOf(":"));
    const list = bySchedulerId.get(sid) ?? [];
    list.push(j.scheduledAt);
    bySchedulerId.set(sid, list);
  }
  let missedSlots = 0;
  for (const slots of bySchedulerId.values()) {
    const inWindow = slots.filter((s) => s >= a.at - everyMs && s < b.at).sort((x, y) => x - y);
    for (let i = 1; i < inWindow.length; i++)
      missedSlots += Math.max(0, Math.round((inWindow[i]! - inWindow[i - 1]!) / everyMs) - 1);
  }
  const sampledLate = [...completed.seen.values()]
    .filter((s) => s.processedOn >= a.at && s.processedOn < b.at)
    .map((s) => s.lateMs)
    .sort((x, y) => x - y);

  // --- retention scans -------------------------------------------------------------------------
  const scans = [...scanFollower.jobs.values()].filter((j) => j.finishedAt !== null && j.activeAt !== null);
  const fullScans = scans.filter((j) => j.result === "scanned:full");
  const firstFullDoneAt =
    fullScans.length >= shape.nurseries ? Math.max(...fullScans.map((j) => j.finishedAt!)) : null;
  const scansInWindow = scans.filter((j) => j.finishedAt! >= a.at && j.finishedAt! < b.at);
  const scanOutcomes: Record<string, number> = {};
  for (const j of scansInWindow) scanOutcomes[j.result ?? "?"] = (scanOutcomes[j.result ?? "?"] ?? 0) + 1;
  const scanMs = (js: readonly JobTimeline[]): number[] =>
    js.map((j) => j.finishedAt! - j.activeAt!).sort((x, y) => x - y);

  // --- CPU and memory -------------------------------------------------------------------------
  const cpuMs = b.daemon.cpuMs - a.daemon.cpuMs;
  const wallMs = b.at - a.at;
  const cpuPercent = (100 * cpuMs) / wallMs;
  const simCpuMs = simulators.reduce(
    (n, _, i) => n + ((b.simulators[i]?.cpuMs ?? 0) - (a.simulators[i]?.cpuMs ?? 0)),
    0,
  );
  const redisCpuMs = (b.redis?.cpuMs ?? 0) - (a.redis?.cpuMs ?? 0);
  const machineBusyMs = b.machine.busyMs - a.machine.busyMs;
  const machineBusy = (100 * machineBusyMs) / (b.machine.totalMs - a.machine.totalMs);
  // CPU of everything else on the machine (other work sharing it skews every figure here).
  const otherCpuMs = Math.max(0, machineBusyMs - cpuMs - simCpuMs - redisCpuMs);
  const windowRss = rssSeries.filter((s) => s.at >= a.at && s.at <= b.at).map((s) => s.rssKb);
  const maxWindowRssKb = Math.max(b.daemon.rssKb, ...windowRss);
  const maxWarmupRssKb = Math.max(0, ...rssSeries.filter((s) => s.at < a.at).map((s) => s.rssKb));
  const hwmKb = b.daemon.hwmKb;
  const soapPerPoll =
    a.soapRequests !== null && b.soapRequests !== null && polled > 0
      ? (b.soapRequests - a.soapRequests) / polled
      : null;
  const redisBytes = endMemory - baselineMemory;

  const p = (v: readonly number[], q: number): number | null => percentile(v, q);
  const result = {
    bench: "fleet",
    shape: { ...shape, cameras, warmupSeconds, measureSeconds: round(windowS, 1) },
    startup: {
      simulatorsMs: daemonStarted - benchStarted,
      daemonReadyMs: readyMs,
      daemonRssMbAtReady: round((atReady?.rssKb ?? 0) / 1024),
    },
    polls: {
      expectedPerSecond: round(shape.nurseries / shape.intervalSeconds, 2),
      sustainedPerSecond: round(polled / windowS, 2),
      cameraPollsPerSecond: round((polled * shape.camerasPerNursery) / windowS, 1),
      finishedInWindow: finishedInWindow.length,
      outcomes,
      missedSlots,
      durationMsP50: p(durations, 50),
      durationMsP99: p(durations, 99),
      soapRequestsPerPoll: round(soapPerPoll, 1),
      daemonStderrLinesInWindow: stderrAtB - stderrAtA,
    },
    retention: {
      intervalSeconds: shape.retentionIntervalSeconds,
      fullScans: fullScans.length,
      allFullScansDoneAfterDaemonStartMs: firstFullDoneAt === null ? null : firstFullDoneAt - daemonStarted,
      fullScanMsP50: p(scanMs(fullScans), 50),
      fullScanMsP99: p(scanMs(fullScans), 99),
      inWindow: scansInWindow.length,
      inWindowOutcomes: scanOutcomes,
      inWindowScanMsP50: p(scanMs(scansInWindow), 50),
      inWindowScanMsP99: p(scanMs(scansInWindow), 99),
    },
    lateness: {
      jobs: lateness.length,
      notStartedByEnd: censored.length,
      p50Ms: p(lateness, 50),
      p90Ms: p(lateness, 90),
      p99Ms: p(lateness, 99),
      maxMs: lateness.at(-1) ?? null,
      crossCheck: {
        source: "completed set: processedOn - (timestamp + delay)",
        jobs: sampledLate.length,
        p50Ms: p(sampledLate, 50),
        p99Ms: p(sampledLate, 99),
      },
      eventsRead: follower.events(),
      eventsLost: follower.lostEvents(),
    },
    daemon: {
      pid: d.pid,
      cpuPercentOfOneCore: round(cpuPercent),
      cpuMsPerPoll: round(polled > 0 ? cpuMs / polled : null, 2),
      cpuMsPerCameraPoll: round(polled > 0 ? cpuMs / (polled * shape.camerasPerNursery) : null, 3),
      rssMbEnd: round(b.daemon.rssKb / 1024),
      rssMbMaxInWindow: round(maxWindowRssKb / 1024),
      rssMbMaxInWarmup: round(maxWarmupRssKb / 1024),
      rssMbPeak: round(hwmKb / 1024),
      rssKbPerCameraPeak: round(hwmKb / cameras, 1),
      rssKbPerCameraEnd: round(b.daemon.rssKb / cameras, 1),
      childProcesses: children.map((c) => ({ pid: c.pid, rssMb: round((c.sample?.rssKb ?? 0) / 1024) })),
    },
    machine: {
      cores: availableParallelism(),
      busyPercentOfAllCores: round(machineBusy),
      simulatorsCpuPercentOfOneCore: round((100 * simCpuMs) / wallMs),
      redisCpuPercentOfOneCore: round((100 * redisCpuMs) / wallMs),
      otherProcessesCpuPercentOfOneCore: round((100 * otherCpuMs) / wallMs),
    },
    redis: {
      baselineUsedMemoryBytes: baselineMemory,
      usedMemoryBytes: endMemory,
      dbsize,
      bytesPerCamera: Math.round(redisBytes / cameras),
      kbPerCamera: round(redisBytes / 1024 / cameras, 2),
      topKeyGroups: groups
        .slice(0, 8)
        .map((g) => ({ group: g.group, keys: g.keys, kb: round(g.bytes / 1024, 0) })),
    },
    targets: {
      p99LatenessMs: {
        target: TARGETS.p99LatenessMs,
        value: p(lateness, 99),
        met: (p(lateness, 99) ?? Infinity) < TARGETS.p99LatenessMs,
      },
      rssKbPerCamera: {
        target: TARGETS.rssKbPerCamera,
        value: round(hwmKb / cameras, 1),
        met: hwmKb / cameras <= TARGETS.rssKbPerCamera,
      },
      redisKbPerCamera: {
        target: TARGETS.redisKbPerCamera,
        value: round(redisBytes / 1024 / cameras, 2),
        met: redisBytes / 1024 / cameras <= TARGETS.redisKbPerCamera,
      },
      sustainedPolls: {
        target: round(shape.nurseries / shape.intervalSeconds, 2),
        value: round(polled / windowS, 2),
        met: polled / windowS >= 0.95 * (shape.nurseries / shape.intervalSeconds),
      },
    },
  };

  // --- report ---------------------------------------------------------------------------------
  const yes = (m: boolean): string => (m ? "met" : "NOT met");
  const rows: [string, string][] = [
    [
      "cameras (nurseries x channels)",
      `${cameras} (${shape.nurseries} x ${shape.camerasPerNursery}), poll every ${shape.intervalSeconds} s`,
    ],
    [
      "measured window",
      `${round(windowS, 1)} s after ${warmupSeconds} s warm-up (daemon ready in ${readyMs} ms)`,
    ],
    [
      "sustained polls/s (NVR polls)",
      `${result.polls.sustainedPerSecond} (expected ${result.polls.expectedPerSecond}); ${result.polls.cameraPollsPerSecond} camera-polls/s`,
    ],
    [
      "poll outcomes in window",
      Object.entries(outcomes)
        .map(([k, v]) => `${k} ${v}`)
        .join(", ") || "none",
    ],
    ["missed scheduler slots", String(missedSlots)],
    [
      "retention scans at start",
      `${result.retention.fullScans} full-window scans, all done ${result.retention.allFullScansDoneAfterDaemonStartMs ?? "?"} ms after the daemon started; ${result.retention.fullScanMsP50} / ${result.retention.fullScanMsP99} ms each (p50 / p99)`,
    ],
    [
      "retention scans in window",
      `${scansInWindow.length} every ${shape.retentionIntervalSeconds} s (${
        Object.entries(scanOutcomes)
          .map(([k, v]) => `${k} ${v}`)
          .join(", ") || "none"
      }); ${result.retention.inWindowScanMsP50} / ${result.retention.inWindowScanMsP99} ms each`,
    ],
    [
      "poll duration p50 / p99",
      `${result.polls.durationMsP50} / ${result.polls.durationMsP99} ms; ${result.polls.soapRequestsPerPoll} SOAP requests per poll`,
    ],
    [
      "lateness p50 / p90 / p99 / max",
      `${result.lateness.p50Ms} / ${result.lateness.p90Ms} / ${result.lateness.p99Ms} / ${result.lateness.maxMs} ms over ${lateness.length} jobs (${censored.length} not started by the end)`,
    ],
    [
      "  cross-check (completed set)",
      `p50 ${result.lateness.crossCheck.p50Ms} / p99 ${result.lateness.crossCheck.p99Ms} ms over ${sampledLate.length} jobs`,
    ],
    [
      "daemon CPU",
      `${result.daemon.cpuPercentOfOneCore}% of one core; ${result.daemon.cpuMsPerPoll} ms per NVR poll, ${result.daemon.cpuMsPerCameraPoll} ms per camera`,
    ],
    [
      "daemon RSS end / max / peak",
      `${result.daemon.rssMbEnd} / ${result.daemon.rssMbMaxInWindow} / ${result.daemon.rssMbPeak} MB (${result.startup.daemonRssMbAtReady} MB at ready, max ${result.daemon.rssMbMaxInWarmup} MB in warm-up; sampled every second)`,
    ],
    [
      "daemon RSS per camera (peak)",
      `${result.daemon.rssKbPerCameraPeak} KB (target <= ${TARGETS.rssKbPerCamera}): ${yes(result.targets.rssKbPerCamera.met)}`,
    ],
    [
      "machine CPU",
      `${result.machine.busyPercentOfAllCores}% of ${result.machine.cores} cores busy; daemon ${result.daemon.cpuPercentOfOneCore}%, simulators ${result.machine.simulatorsCpuPercentOfOneCore}%, redis ${result.machine.redisCpuPercentOfOneCore}%, other processes ${result.machine.otherProcessesCpuPercentOfOneCore}% of one core`,
    ],
    [
      "Redis used_memory",
      `${round(baselineMemory / 1048576, 2)} MB empty -> ${round(endMemory / 1048576, 2)} MB; DBSIZE ${dbsize}`,
    ],
    [
      "Redis per camera",
      `${result.redis.kbPerCamera} KB (target <= ${TARGETS.redisKbPerCamera}): ${yes(result.targets.redisKbPerCamera.met)}`,
    ],
    ["p99 lateness target", `< ${TARGETS.p99LatenessMs} ms: ${yes(result.targets.p99LatenessMs.met)}`],
  ];
  const width = Math.max(...rows.map((r) => r[0].length));
  process.stdout.write(`${rows.map(([k, v]) => `${k.padEnd(width)}  ${v}`).join("\n")}\n`);
  process.stdout.write(
    `\nRedis memory by key group (top 8):\n${result.redis.topKeyGroups.map((g) => `  ${String(g.kb).padStart(8)} KB  ${String(g.keys).padStart(6)} keys  ${g.group}`).join("\n")}\n`,
  );
  process.stdout.write(`${JSON.stringify(result)}\n`);
} catch (err) {
  exitCode = 1;
  process.stderr.write(`bench:fleet failed: ${(err as Error).stack ?? String(err)}\n`);
  if (daemon) process.stderr.write(`daemon stderr (last lines):\n${daemon.stderrTail()}\n`);
} finally {
  sampling = false;
  // The daemon first (it finishes its polls in progress), then the devices, then Redis.
  await daemon?.stop(30_000).catch(() => undefined);
  await Promise.all(simulators.map((s) => s.stop(10_000).catch(() => undefined)));
  await queue?.close().catch(() => undefined);
  queueConnection?.disconnect();
  client?.disconnect();
  await redisServer?.stop().catch(() => undefined);
  rmSync(dir, { recursive: true, force: true });
  process.off("SIGINT", onSignal);
  process.off("SIGTERM", onSignal);
}
process.exitCode = exitCode;
