import { Redis } from "ioredis";

/**
 * How every part of the daemon gets a Redis connection: one factory, created from the
 * configured URL and passed in. `purpose` names the connection (CLIENT SETNAME), so CLIENT LIST
 * shows who holds what.
 */
export type RedisFactory = (purpose: string) => Redis;

export interface RedisFactoryOptions {
  /**
   * How often a command is retried across reconnects before it fails. BullMQ requires `null`
   * (wait for ever) on its connections; reads behind the API want a small number so a request
   * fails fast while Redis is away. Default 2.
   */
  readonly maxRetriesPerRequest?: number | null;
  /** Connect deadline per attempt. Default 5000 ms. */
  readonly connectTimeoutMs?: number;
  /**
   * Give up reconnecting after this many failed attempts (commands then fail at once): for a
   * one-shot CLI command. Default: never give up, Redis restarts are routine for the daemon.
   */
  readonly connectAttempts?: number;
  /**
   * Connection errors (Redis restarting, refused): ioredis reconnects by itself and emits them
   * as events; without a listener it prints them. The daemon logs them here.
   */
  readonly onError?: (purpose: string, error: Error) => void;
}

/** The `maxRetriesPerRequest` BullMQ demands on its queue and worker connections. */
export const QUEUE_CONNECTION: RedisFactoryOptions = { maxRetriesPerRequest: null };

export function createRedisFactory(url: string, options: RedisFactoryOptions = {}): RedisFactory {
  const maxRetriesPerRequest = options.maxRetriesPerRequest === undefined ? 2 : options.maxRetriesPerRequest;
  return (purpose) => {
    const redis = new Redis(url, {
      lazyConnect: false,
      maxRetriesPerRequest,
      connectTimeout: options.connectTimeoutMs ?? 5000,
      connectionName: `nurserywatch:${purpose.replace(/[^A-Za-z0-9._:-]/g, "_")}`,
      // Back off up to 2 s between reconnects.
      retryStrategy: (times) =>
        options.connectAttempts !== undefined && times >= options.connectAttempts
          ? null
          : Math.min(50 * 2 ** Math.min(times, 6), 2000),
    });
    const onError = options.onError;
    if (onError) redis.on("error", (err: Error) => onError(purpose, err));
    return redis;
  };
}

/** Closes a connection: QUIT when it is up, disconnect when it is not (QUIT would wait for it). */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === "ready") {
    try {
      await redis.quit();
      return;
    } catch {
      // fall through to a hard disconnect
    }
  }
  redis.disconnect();
}

/** Whether Redis answers (PING); throws the connection's error when it does not. */
export async function pingRedis(redis: Redis): Promise<void> {
  await redis.ping();
}
