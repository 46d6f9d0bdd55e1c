import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import {
  privateRedisConfFile,
  privateRedisSocket,
  socketUrl,
  startPrivateRedis,
} from "../store/privateRedis.ts";
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
 * there and no TCP port (store/privateRedis.ts) — reused when one of ours already answers on
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
