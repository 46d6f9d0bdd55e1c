import { randomBytes } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Redis } from "ioredis";
import { afterEach } from "vitest";
import { createKeys, type Keys } from "../../src/store/keys.ts";
import { closeRedis, createRedisFactory } from "../../src/store/redis.ts";
import { startPrivateRedis, type PrivateRedis } from "../../src/app/privateRedis.ts";

/** The machine's Redis (nothing on disk); tests keep to their own unique key prefix. */
export const TEST_REDIS_URL = process.env["NURSERYWATCH_TEST_REDIS_URL"] ?? "redis://127.0.0.1:6379/0";

export interface TestRedis {
  readonly keys: Keys;
  /** A new connection, closed after the test. */
  connect(purpose?: string): Redis;
  /** Every key of this test's prefix. */
  allKeys(): Promise<string[]>;
}

/**
 * Call at the top of a describe(): each test gets a unique prefix; after it, its keys are
 * deleted and its connections closed.
 */
export function useTestRedis(url: string | (() => string) = TEST_REDIS_URL): () => TestRedis {
  let current: { t: TestRedis; conns: Redis[]; cleaner: Redis } | null = null;
  afterEach(async () => {
    if (current === null) return;
    const { conns, cleaner, t } = current;
    current = null;
    if (cleaner.status === "ready") {
      const found = await scanAll(cleaner, t.keys.pattern);
      for (let i = 0; i < found.length; i += 500) await cleaner.del(...found.slice(i, i + 500));
    }
    await Promise.all([...conns, cleaner].map((c) => closeRedis(c)));
  });
  return () => {
    if (current !== null) return current.t;
    const resolved = typeof url === "string" ? url : url();
    const factory = createRedisFactory(resolved, { maxRetriesPerRequest: 1, onError: () => undefined });
    const keys = createKeys(`nwtest-${randomBytes(6).toString("hex")}`);
    const conns: Redis[] = [];
    const cleaner = factory("test-cleaner");
    const t: TestRedis = {
      keys,
      connect: (purpose = "test") => {
        const c = factory(purpose);
        conns.push(c);
        return c;
      },
      allKeys: () => scanAll(cleaner, keys.pattern),
    };
    current = { t, conns, cleaner };
    return t;
  };
}

async function scanAll(redis: Redis, pattern: string): Promise<string[]> {
  const out: string[] = [];
  let cursor = "0";
  do {
    const [next, batch] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 1000);
    cursor = next;
    out.push(...batch);
  } while (cursor !== "0");
  return out;
}

/** A private redis-server in a temp folder, for tests that restart or kill Redis. */
export async function withPrivateRedis(options: { appendfsync?: "always" | "everysec" } = {}): Promise<{
  server: PrivateRedis;
  dir: string;
  restart(): Promise<PrivateRedis>;
  cleanup(): Promise<void>;
}> {
  const dir = await mkdtemp(join(tmpdir(), "nw-redis-"));
  let server = await startPrivateRedis({ dir, ...options });
  return {
    get server() {
      return server;
    },
    dir,
    async restart() {
      server = await startPrivateRedis({ dir, ...options });
      return server;
    },
    async cleanup() {
      await server.stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
}
