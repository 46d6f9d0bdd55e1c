import { readFile, writeFile, rm } from "node:fs/promises";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Redis } from "ioredis";
import { startPrivateRedis } from "../store/privateRedis.ts";
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
 * config) when set; otherwise a private redis-server with AOF under var/redis — reused when
 * one already runs there (its port is in var/redis/port), started otherwise. Never whatever
 * happens to listen on 6379.
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
  const portFile = join(dir, "port");
  const running = await runningPrivatePort(portFile);
  if (running !== null) {
    const existing = `redis://127.0.0.1:${running}/0`;
    return {
      url: existing,
      private: false,
      factory: createRedisFactory(existing, opts.connection),
      close: () => Promise.resolve(),
    };
  }
  const server = await startPrivateRedis({ dir });
  await writeFile(portFile, String(server.port));
  return {
    url: server.url,
    private: true,
    factory: createRedisFactory(server.url, opts.connection),
    close: async () => {
      await rm(portFile, { force: true });
      await server.stop();
    },
  };
}

async function runningPrivatePort(portFile: string): Promise<number | null> {
  let port: number;
  try {
    port = Number((await readFile(portFile, "utf8")).trim());
  } catch {
    return null;
  }
  if (!Number.isInteger(port) || port <= 0 || port === 6379) return null;
  const probe = new Redis({
    host: "127.0.0.1",
    port,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 500,
    retryStrategy: () => null,
  });
  probe.on("error", () => undefined);
  try {
    await probe.connect();
    const dirReply = (await probe.config("GET", "dir")) as string[];
    // Only our own server: its data folder is the one the port file sits in.
    return dirReply[1] === dirname(portFile) ? port : null;
  } catch {
    return null;
  } finally {
    probe.disconnect();
  }
}
