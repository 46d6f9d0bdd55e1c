import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import type { Logger } from "../logging/logger.ts";
import { privateRedisConfFile, privateRedisSocket, socketUrl, startPrivateRedis } from "./privateRedis.ts";
import { createRedisFactory, type RedisFactory, type RedisFactoryOptions } from "../store/redis.ts";

/** The project's var folder: private Redis data, the monitor key by default, caches. */
export const VAR_DIR = join(dirname(fileURLToPath(import.meta.url)), "../../var");

/** A one-shot command's connection: fail within seconds when Redis is away, rather than wait as the daemon does. */
export const CLI_CONNECTION: RedisFactoryOptions = {
  maxRetriesPerRequest: 1,
  connectAttempts: 3,
  connectTimeoutMs: 3000,
  onError: () => undefined,
};

export interface RedisHandle {
  readonly url: string;
  /** True when this process started a private redis-server (and stops it on close). */
  readonly private: boolean;
  readonly factory: RedisFactory;
  close(): Promise<void>;
}

/**
 * The Redis a configuration points at: `redis.url` (or REDIS_URL, already folded into the
 * config) when set; otherwise a private redis-server with AOF under var/redis, on a unix socket
 * there and no TCP port (app/privateRedis.ts) — reused when one of ours already answers on
 * that socket, started otherwise. Never whatever happens to listen on 6379.
 */
export async function openRedis(
  url: string | null,
  opts: { varDir?: string; connection?: RedisFactoryOptions } = {},
): Promise<RedisHandle> {
  if (url !== null) {
    return {
      url,
      private: false,
      factory: createRedisFactory(url, opts.connection),
      close: () => Promise.resolve(),
    };
  }
  const dir = join(opts.varDir ?? VAR_DIR, "redis");
  if (await runningPrivateRedis(dir)) {
    const existing = socketUrl(privateRedisSocket(dir));
    return {
      url: existing,
      private: false,
      factory: createRedisFactory(existing, opts.connection),
      close: () => Promise.resolve(),
    };
  }
  const server = await startPrivateRedis({ dir });
  return {
    url: server.url,
    private: true,
    factory: createRedisFactory(server.url, opts.connection),
    close: () => server.stop(),
  };
}

/** Whether our own private Redis (started from the configuration file of `dir`) answers on its socket. */
async function runningPrivateRedis(dir: string): Promise<boolean> {
  const probe = new Redis({
    path: privateRedisSocket(dir),
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 500,
    retryStrategy: () => null,
  });
  probe.on("error", () => undefined);
  try {
    await probe.connect();
    const info = await probe.info("server");
    return /^config_file:(.*)$/m.exec(info)?.[1]?.trim() === privateRedisConfFile(dir);
  } catch {
    return false;
  } finally {
    probe.disconnect();
  }
}

/** A Redis address as it may be shown: any password replaced. */
export function displayRedisUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password !== "") u.password = "***";
    return u.toString();
  } catch {
    return "(an unparsable redis URL)";
  }
}

/** The start was given up (SIGTERM/SIGINT) while waiting for Redis. */
export class StartAbortedError extends Error {
  override readonly name = "StartAbortedError";
  constructor() {
    super("start given up while waiting for Redis");
  }
}

export interface WaitForRedisDeps {
  readonly logger: Pick<Logger, "warn" | "info">;
  /** Aborted by SIGTERM/SIGINT: the wait ends with StartAbortedError. */
  readonly signal?: AbortSignal;
  /** Waits between tries (tests pass their own; no real sleep there). */
  readonly sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** First wait between tries; doubled up to maxDelayMs. Default 1 s, at most 30 s. */
  readonly firstDelayMs?: number;
  readonly maxDelayMs?: number;
}

/**
 * Waits until Redis answers PING, saying once per try which Redis and what is wrong and when
 * the next try is, with the wait doubling up to 30 s: a monitor started before its Redis (a
 * host booting, Redis restarting) starts once Redis is there, instead of dying with a stack.
 */
export async function waitForRedis(url: string, deps: WaitForRedisDeps): Promise<void> {
  const sleep = deps.sleep ?? abortableSleep;
  const shown = displayRedisUrl(url);
  let delay = deps.firstDelayMs ?? 1000;
  for (let attempt = 1; ; attempt++) {
    if (deps.signal?.aborted) throw new StartAbortedError();
    const error = await pingOnce(url);
    if (error === null) {
      if (attempt > 1) deps.logger.info({ redis: shown, attempts: attempt }, "Redis is reachable; starting");
      return;
    }
    deps.logger.warn(
      { redis: shown, error, attempt, retryInSeconds: delay / 1000 },
      `Redis at ${shown} is not reachable (${error}); waiting for it`,
    );
    await sleep(delay, deps.signal);
    delay = Math.min(delay * 2, deps.maxDelayMs ?? 30_000);
  }
}

/** One PING on a throw-away connection: null when it answered, otherwise what went wrong. */
async function pingOnce(url: string): Promise<string | null> {
  const probe = new Redis(url, {
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 3000,
    enableOfflineQueue: false,
    retryStrategy: () => null,
  });
  let lastError: Error | null = null;
  probe.on("error", (err: Error) => {
    lastError = err;
  });
  try {
    await probe.connect();
    await probe.ping();
    return null;
  } catch (err) {
    const e = lastError ?? (err as Error);
    return e.message || e.name;
  } finally {
    probe.disconnect();
  }
}

function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(done, ms);
    function done(): void {
      clearTimeout(timer);
      signal?.removeEventListener("abort", done);
      resolve();
    }
    signal?.addEventListener("abort", done, { once: true });
  });
}
