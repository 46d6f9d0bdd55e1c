import { existsSync } from "node:fs";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import {
  RedisServerNotFoundError,
  RedisServerStartError,
  startPrivateRedis,
  type PrivateRedis,
} from "../../src/store/privateRedis.ts";
import { checkRedisSettings } from "../../src/store/settings.ts";

describe("startPrivateRedis", () => {
  const started: PrivateRedis[] = [];
  const dirs: string[] = [];
  const clients: Redis[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.disconnect();
    for (const s of started.splice(0)) await s.stop();
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
  });
  const temp = async () => {
    const d = await mkdtemp(join(tmpdir(), "nw-private-redis-"));
    dirs.push(d);
    return d;
  };
  const client = (url: string) => {
    const c = new Redis(url, { maxRetriesPerRequest: 1, retryStrategy: () => null });
    c.on("error", () => undefined);
    clients.push(c);
    return c;
  };

  it("runs on 127.0.0.1 with AOF under dir, keeps data over a clean restart, and passes the settings check", async () => {
    const dir = join(await temp(), "var");
    const first = await startPrivateRedis({ dir });
    started.push(first);
    expect(first.port).not.toBe(6379);
    expect(first.url).toBe(`redis://127.0.0.1:${first.port}`);
    const c1 = client(first.url);
    await c1.set("k", "v");
    expect(await checkRedisSettings(c1)).toEqual([]);
    c1.disconnect();
    await first.stop();
    started.pop();
    expect(existsSync(join(dir, "appendonlydir"))).toBe(true);
    expect((await readdir(join(dir, "appendonlydir"))).some((f) => f.includes(".aof"))).toBe(true);

    const second = await startPrivateRedis({ dir, port: first.port });
    started.push(second);
    expect(await client(second.url).get("k")).toBe("v");
  });

  it("a kill -9 with appendfsync always loses no acknowledged write", async () => {
    const dir = await temp();
    const server = await startPrivateRedis({ dir, appendfsync: "always" });
    started.push(server);
    const c = client(server.url);
    for (let i = 0; i < 50; i++) await c.rpush("list", String(i));
    c.disconnect();
    await server.kill();
    started.pop();
    const again = await startPrivateRedis({ dir, appendfsync: "always" });
    started.push(again);
    expect(await client(again.url).llen("list")).toBe(50);
  });

  it("without redis-server says how to get one", async () => {
    const err = await startPrivateRedis({
      dir: await temp(),
      command: "redis-server-that-is-not-there",
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RedisServerNotFoundError);
    expect((err as Error).message).toContain("apt-get install redis-server");
    expect((err as Error).message).toContain("REDIS_URL");
  });

  it("never takes 6379, and reports a port already in use with redis-server's own words", async () => {
    await expect(startPrivateRedis({ dir: await temp(), port: 6379 })).rejects.toBeInstanceOf(
      RedisServerStartError,
    );
    const first = await startPrivateRedis({ dir: await temp() });
    started.push(first);
    const err = await startPrivateRedis({ dir: await temp(), port: first.port }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RedisServerStartError);
    expect((err as Error).message).toMatch(/exited .* before answering/);
  });

  it("the settings check warns about appendonly off and an evicting policy", async () => {
    const server = await startPrivateRedis({ dir: await temp() });
    started.push(server);
    const c = client(server.url);
    await c.config("SET", "appendonly", "no");
    await c.config("SET", "maxmemory-policy", "allkeys-lru");
    const warnings = await checkRedisSettings(c);
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toMatch(/appendonly is no/);
    expect(warnings[1]).toMatch(/maxmemory-policy is allkeys-lru.*noeviction/);
  });
});
