import { createHash, randomUUID } from "node:crypto";
import { Queue, Worker, type Job } from "bullmq";
import { Registry } from "prom-client";
import { createPollProcessor } from "../workers/poller.ts";
import { createProbeProcessor } from "../workers/prober.ts";
import { sessionOpener } from "../workers/deviceJob.ts";
import { createRetentionScanProcessor } from "../workers/retentionScanner.ts";
import { createPictureProber, type PictureProber } from "../check/pictureProbes.ts";
import { missingProbeFilters } from "../media/index.ts";
import { createPictureRepository } from "../store/pictures.ts";
import type { LoadedConfig } from "../config/types.ts";
import type { Site } from "../domain/site.ts";
import { createAccessService } from "../access/service.ts";
import { createViewerService } from "../access/viewers.ts";
import { createHttpServer, type HttpServer } from "../http/server.ts";
import { createMetrics } from "../metrics/metrics.ts";
import { createHeadSigner } from "../ledger/headSigner.ts";
import { createSigner, loadOrCreateMonitorKey } from "../ledger/keys.ts";
import { createKeptHeadFile, keptHeadPath } from "../ledger/keptHead.ts";
import { createLedger, type Ledger } from "../ledger/ledger.ts";
import { createLedgerWatch } from "../ledger/watch.ts";
import { createMonitor } from "../monitor/monitor.ts";
import { createFollowUpQueue } from "../queues/followUps.ts";
import type { Logger } from "../logging/logger.ts";
import { createDeviceHttp } from "../net/deviceHttp.ts";
import { QUEUE_PREFIX, QUEUES, type QueueName } from "../queues/names.ts";
import { createLedgerStateRepository } from "../store/ledgerState.ts";
import { createDeviceRepository } from "../store/devices.ts";
import { createHistoryRepository } from "../store/histories.ts";
import { createKeys } from "../store/keys.ts";
import { createObservationRepository } from "../store/observations.ts";
import { QUEUE_CONNECTION, closeRedis, createRedisFactory } from "../store/redis.ts";
import { createReportRepository } from "../store/reports.ts";
import { createSessionRepository } from "../store/sessions.ts";
import { checkRedisSettings } from "../store/settings.ts";
import { createViolationEngine } from "../violations/engine.ts";
import { createMaintenanceService } from "../violations/maintenance.ts";
import { createUptimeService } from "../violations/uptimeService.ts";
import { createHttpPorts } from "./httpPorts.ts";
import { openRedis, waitForRedis } from "./redis.ts";
import { createScheduleKeeper, type ScheduleKeeper } from "./scheduleKeeper.ts";

export interface DaemonRoles {
  /** Keeps the job schedulers in step with the configuration, signs the ledger head. */
  readonly scheduler: boolean;
  /** Runs the BullMQ workers (polls). */
  readonly workers: boolean;
  /** Serves the API, metrics and dashboard. */
  readonly http: boolean;
}

export interface DaemonOptions {
  readonly configs: readonly LoadedConfig[];
  readonly roles: DaemonRoles;
  readonly logger: Logger;
  readonly now?: () => number;
  /** Concurrent polls in this process; a slow device holds one slot, never the others. */
  readonly pollConcurrency?: number;
  /** Redis key prefix (tests use their own). */
  readonly keyPrefix?: string;
  /** BullMQ prefix (tests use their own). */
  readonly queuePrefix?: string;
  /** Overrides the config's listen address (tests: port 0). */
  readonly listen?: { host: string; port: number };
  /** Look at pictures (ffmpeg) every probeIntervalSeconds. Default true; without ffmpeg the workers say so and go on without. */
  readonly probes?: boolean;
  /** Concurrent probe jobs (devices) in this process; each runs a few ffmpeg processes. */
  readonly probeConcurrency?: number;
  /** Concurrent retention scans (devices) in this process; a full-window search can take a while on a big NVR. */
  readonly retentionConcurrency?: number;
  /** How often the job schedulers are checked against the configuration (default 30 s). */
  readonly scheduleCheckMs?: number;
  /** Aborted (SIGTERM) while starting: waiting for Redis ends with StartAbortedError. */
  readonly signal?: AbortSignal;
}

export type ReloadResult =
  | { readonly status: "reloaded"; readonly sites: readonly string[]; readonly apiKeys: number }
  /** The new configuration cannot be taken while running; the one in force stays. */
  | { readonly status: "refused"; readonly reason: string };

export interface Daemon {
  readonly httpUrl: string | null;
  readonly redisUrl: string;
  readonly ledger: Ledger;
  /**
   * Takes new site files while running (SIGHUP): sites, devices and policies for the workers,
   * the job schedules, the API keys; each changed site's configuration goes into the ledger.
   * Redis, the ledger key and the listen address stay as started (they need a restart).
   */
  reload(configs: readonly LoadedConfig[]): Promise<ReloadResult>;
  stop(): Promise<void>;
}

/** Site files that cannot make one deployment (no site, two Redis, a site id twice). */
export class DeploymentConfigError extends Error {
  override readonly name = "DeploymentConfigError";
}

/** The sites of a deployment by id, checked to name one Redis and each site once. */
function sitesOf(configs: readonly LoadedConfig[]): Map<string, Site> {
  if (configs.length === 0) throw new DeploymentConfigError("no site configuration given");
  const urls = new Set(configs.map((c) => c.redis.url));
  if (urls.size > 1)
    throw new DeploymentConfigError(
      "every site file of one deployment must name the same Redis (redis.url / REDIS_URL)",
    );
  const sites = new Map<string, Site>();
  for (const c of configs) {
    if (sites.has(c.site.id))
      throw new DeploymentConfigError(`site id ${c.site.id} is configured twice (${c.file})`);
    sites.set(c.site.id, c.site);
  }
  return sites;
}

/**
 * The one place the monitor is wired: Redis, ledger and its signing key, violation engine,
 * poll queue and its schedulers, workers, HTTP. Every part gets what it needs passed in and
 * is stopped here, in reverse order, on SIGTERM.
 */
export async function startDaemon(opts: DaemonOptions): Promise<Daemon> {
  const { configs, logger } = opts;
  const now = opts.now ?? Date.now;
  // One map, shared by reference with the workers: a reload changes its contents in place.
  const sites = sitesOf(configs);
  const first = configs[0]!;
  let inForce: readonly LoadedConfig[] = configs;

  // Connection trouble is expected (Redis restarts are routine): one warning per connection and outage, not a flood.
  const failing = new Set<string>();
  const onError = (purpose: string, err: Error): void => {
    if (failing.has(purpose)) return;
    failing.add(purpose);
    logger.warn({ purpose, err: err.message }, "Redis connection lost; retrying");
  };
  const redisHandle = await openRedis(first.redis.url, { connection: { onError } });
  try {
    // Redis not there yet: say which and why, and wait for it (SIGTERM ends the wait).
    await waitForRedis(redisHandle.url, { logger, ...(opts.signal ? { signal: opts.signal } : {}) });
  } catch (err) {
    await redisHandle.close();
    throw err;
  }
  const stack: (() => Promise<void>)[] = [() => redisHandle.close()];
  const stopAll = async (): Promise<void> => {
    for (const stop of stack.reverse()) {
      try {
        await stop();
      } catch (err) {
        logger.error({ err }, "error while stopping");
      }
    }
  };
  try {
    const redis = redisHandle.factory("state");
    redis.on("ready", () => failing.clear());
    stack.push(() => closeRedis(redis));
    for (const warning of await checkRedisSettings(redis)) logger.warn({ redis: redisHandle.url }, warning);

    const keys = createKeys(opts.keyPrefix);
    const key = await loadOrCreateMonitorKey(first.ledger.keyFile);
    for (const w of key.warnings) logger.warn({ file: first.ledger.keyFile }, w);
    // The last signed head is kept beside the key too: the monitor signs only a chain that extends it.
    const keptHead = createKeptHeadFile(keptHeadPath(first.ledger.keyFile));
    const ledger = createLedger({ redis, keys, now, signer: createSigner(key), keptHead });
    const engine = createViolationEngine({ redis, keys, ledger, now, newId: randomUUID });
    const devices = createDeviceRepository(redis, keys);
    const reports = createReportRepository(redis, keys);
    const observations = createObservationRepository(redis, keys);
    // Written by the ledger watch after each signing, read by every site evaluation.
    const ledgerState = createLedgerStateRepository(redis, keys);
    const registry = new Registry();
    const metrics = createMetrics(registry, { processMetrics: true });
    const queuePrefix = opts.queuePrefix ?? QUEUE_PREFIX;
    // BullMQ's connections wait for Redis rather than failing commands (maxRetriesPerRequest null).
    const queueFactory = createRedisFactory(redisHandle.url, { ...QUEUE_CONNECTION, onError });
    const connection = queueFactory("queue");
    stack.push(() => closeRedis(connection));
    const queue = new Queue(QUEUES.poll, { connection: connection, prefix: queuePrefix });
    queue.on("error", (err) => onError("queue", err));
    stack.push(() => queue.close());
    const probesWanted = opts.probes !== false;
    const probeQueue = new Queue(QUEUES.probe, { connection: connection, prefix: queuePrefix });
    probeQueue.on("error", (err) => onError("queue", err));
    stack.push(() => probeQueue.close());
    const retentionQueue = new Queue(QUEUES.retention, { connection: connection, prefix: queuePrefix });
    retentionQueue.on("error", (err) => onError("queue", err));
    stack.push(() => retentionQueue.close());
    const pictures = createPictureRepository(redis, keys);
    const histories = createHistoryRepository(redis, keys);

    let schedules: ScheduleKeeper | null = null;
    // Read by the ledger watch at each signing; a reload refills it in place.
    const watchedSites: Site[] = [...sites.values()];
    if (opts.roles.scheduler) {
      for (const c of configs) await recordConfig(ledger, c);
      await ledger.append("monitor.started", first.site.id, { sites: [...sites.keys()] });
      const keeper = createScheduleKeeper({
        queues: { poll: queue, probe: probeQueue, retention: retentionQueue },
        probes: probesWanted,
        logger,
        now,
        ...(opts.scheduleCheckMs === undefined ? {} : { intervalMs: opts.scheduleCheckMs }),
      });
      await keeper.start([...sites.values()]);
      schedules = keeper;
      // Redis back after an outage: it may have come back without its data (and schedulers).
      const onReady = (): void => void keeper.reconcile("reconnect");
      connection.on("ready", onReady);
      stack.push(() => {
        connection.off("ready", onReady);
        return keeper.stop();
      });
      const watch = createLedgerWatch({
        sites: watchedSites,
        record: (state) => ledgerState.put(state),
        logger,
        keptHeadPath: keptHead.path,
        configFile: first.file,
      });
      const signer = createHeadSigner({
        ledger,
        intervalMs: first.ledger.signIntervalSeconds * 1000,
        onSigned: watch.signed,
        onBroken: watch.broken,
        onError: (err) => logger.warn({ err }, "signing the ledger head failed; will try again"),
      });
      signer.start();
      stack.push(async () => {
        await signer.stop();
        await ledger.append("monitor.stopped", first.site.id, {}).catch(() => undefined);
      });
    }

    if (opts.roles.workers) {
      const http = createDeviceHttp();
      stack.push(() => http.close());
      const openSession = sessionOpener({ http, now, logger });
      /**
       * One BullMQ worker on its own connection. Closing waits for the jobs in progress: a
       * SIGTERM mid-poll finishes the poll, then exits. A worker that dies mid-job gives the job
       * back after lockDurationMs.
       */
      const runWorker = (
        name: QueueName,
        processor: (job: Job) => Promise<unknown>,
        concurrency: number,
        lockDurationMs: number,
      ): void => {
        const workerConnection = queueFactory(`${name}-worker`);
        stack.push(() => closeRedis(workerConnection));
        const w = new Worker(name, processor, {
          connection: workerConnection,
          prefix: queuePrefix,
          concurrency,
          lockDuration: lockDurationMs,
        });
        w.on("error", (err) => onError(`${name}-worker`, err));
        w.on("failed", (job, err) =>
          logger.warn({ queue: name, job: job?.id, err: err.message }, "job failed"),
        );
        stack.push(() => w.close());
      };
      let prober: PictureProber | null = null;
      if (probesWanted) {
        try {
          prober = await createPictureProber({ http, now, logger });
          const t = prober.tools;
          logger.info({ ffmpeg: t.ffmpeg, ffprobe: t.ffprobe, filters: t.filters }, "pictures: media tools");
          const missing = missingProbeFilters(t);
          if (missing.length > 0) logger.warn({ missing }, "pictures: ffmpeg lacks filters the probes need");
        } catch (err) {
          logger.warn(
            { err: (err as Error).message },
            "pictures are not looked at: no usable ffmpeg/ffprobe",
          );
        }
      }
      const monitor = createMonitor({
        observations,
        pictures,
        histories,
        ledgerState,
        reports,
        engine,
        now,
        probing: prober !== null,
        logger,
      });
      // Pictures in doubt get an early look, so a camera that was fixed stops counting as broken
      // within a poll or two, not a probe interval; a recording not yet searched (a new channel,
      // say) gets its retention scan the same way (monitor/followUps.ts decides).
      const followUp = createFollowUpQueue(
        { probe: prober === null ? null : probeQueue, retention: retentionQueue },
        now,
      );
      const processor = createPollProcessor({
        sites,
        openSession,
        redis,
        keys,
        observations,
        devices,
        monitor,
        searchHistory: false,
        now,
        logger,
        metrics,
        followUp,
      });
      // A slow device holds one slot, never the others.
      runWorker(QUEUES.poll, processor, opts.pollConcurrency ?? 32, 60_000);
      if (prober !== null) {
        const probeProcessor = createProbeProcessor({
          sites,
          openSession,
          redis,
          keys,
          prober,
          pictures,
          monitor,
          now,
          logger,
          metrics,
        });
        runWorker(QUEUES.probe, probeProcessor, opts.probeConcurrency ?? 2, 120_000);
      }
      const scanProcessor = createRetentionScanProcessor({
        sites,
        openSession,
        redis,
        keys,
        histories,
        monitor,
        now,
        logger,
        metrics,
      });
      runWorker(QUEUES.retention, scanProcessor, opts.retentionConcurrency ?? 4, 120_000);
    }

    let server: HttpServer | null = null;
    let httpUrl: string | null = null;
    if (opts.roles.http) {
      const sessions = createSessionRepository(redis, keys, now);
      // Asks the configuration in force at each use: a reload that turns parents off, narrows
      // the windows or makes a zone private applies at once.
      const access = createAccessService({
        redis,
        keys,
        ledger,
        now,
        newId: randomUUID,
        site: (id) => {
          const c = inForce.find((x) => x.site.id === id);
          return c === undefined ? null : { site: c.site, parents: c.parents, publicUrl: c.http.publicUrl };
        },
        siteIds: () => inForce.map((c) => c.site.id),
      });
      const viewers = createViewerService({ redis, keys, access, now });
      const ports = createHttpPorts({
        configs: () => inForce,
        redis,
        logger,
        metrics,
        now,
        engine,
        uptime: createUptimeService({ redis, keys, now }),
        maintenance: createMaintenanceService({ redis, keys, ledger, now, newId: randomUUID }),
        ledger,
        reports,
        devices,
        sessions,
        access,
        viewers,
        workersAlive: async () => (await queue.getWorkersCount()) > 0,
        ...(schedules === null ? {} : { schedulesComplete: () => schedules.complete() }),
        queueDepths: async () => {
          const states = ["waiting", "active", "delayed", "failed"] as const;
          const entries = await Promise.all(
            [queue, probeQueue, retentionQueue].map(
              async (q) => [q.name, await q.getJobCounts(...states)] as const,
            ),
          );
          return Object.fromEntries(entries);
        },
      });
      server = createHttpServer(ports);
      const listen = opts.listen ?? { host: first.http.host, port: first.http.port };
      httpUrl = await server.start(listen);
      const s = server;
      stack.push(() => s.stop());
    }

    const keeper = schedules;
    const reload = async (next: readonly LoadedConfig[]): Promise<ReloadResult> => {
      let nextSites: Map<string, Site>;
      try {
        nextSites = sitesOf(next);
      } catch (err) {
        if (err instanceof DeploymentConfigError) return { status: "refused", reason: err.message };
        throw err;
      }
      const nextFirst = next[0]!;
      if (nextFirst.redis.url !== first.redis.url)
        return {
          status: "refused",
          reason: "redis.url cannot change while running: restart to use another Redis",
        };
      const restartOnly = [
        ["ledger.keyFile", nextFirst.ledger.keyFile !== first.ledger.keyFile],
        [
          "ledger.signIntervalSeconds",
          nextFirst.ledger.signIntervalSeconds !== first.ledger.signIntervalSeconds,
        ],
        ["http.listen", nextFirst.http.listen !== first.http.listen],
        ["http.openMetrics", next.some((c, i) => c.http.openMetrics !== inForce[i]?.http.openMetrics)],
      ] as const;
      const changed = restartOnly.filter(([, differs]) => differs).map(([name]) => name);
      if (changed.length > 0) logger.warn({ changed }, "these settings take effect at the next start only");
      inForce = next;
      sites.clear();
      for (const [id, site] of nextSites) sites.set(id, site);
      watchedSites.splice(0, watchedSites.length, ...nextSites.values());
      if (keeper !== null) {
        await keeper.setSites([...nextSites.values()]);
        for (const c of next) await recordConfig(ledger, c);
      }
      return {
        status: "reloaded",
        sites: [...nextSites.keys()],
        apiKeys: next.reduce((n, c) => n + c.http.apiKeys.length, 0),
      };
    };

    return { httpUrl, redisUrl: redisHandle.url, ledger, reload, stop: stopAll };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

/** Records each site's configuration in the ledger when it differs from the last one recorded (commissioning dates included). */
async function recordConfig(ledger: Ledger, c: LoadedConfig): Promise<void> {
  const digest = createHash("sha256").update(JSON.stringify(c.site)).digest("hex");
  const summary = {
    configSha256: digest,
    commissionedAt: c.site.commissionedAt,
    cameras: c.site.cameras.map((cam) => ({ id: cam.id, commissionedAt: cam.commissionedAt })),
    policy: c.site.policy,
  };
  // The event id makes the same configuration one entry however often the daemon restarts.
  await ledger.append("config.loaded", c.site.id, summary, { eventId: `config:${c.site.id}:${digest}` });
}
