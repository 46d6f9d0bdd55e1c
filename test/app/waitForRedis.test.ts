import { afterEach, describe, expect, test } from "vitest";
import { displayRedisUrl, StartAbortedError, waitForRedis } from "../../src/app/redis.ts";
import { withPrivateRedis } from "../store/testRedis.ts";

/** Waiting for a Redis that is not there yet: calm log lines, backoff, no real sleeps. */
type Private = Awaited<ReturnType<typeof withPrivateRedis>>;
let redis: Private | null = null;
afterEach(async () => {
  await redis?.cleanup();
  redis = null;
});

function recorder() {
  const lines: { level: string; obj: Record<string, unknown>; msg: string }[] = [];
  const log =
    (level: string) =>
    (obj: Record<string, unknown>, msg: string): void => {
      lines.push({ level, obj, msg });
    };
  return { lines, logger: { warn: log("warn"), info: log("info") } as never };
}

describe("waitForRedis", () => {
  test("says which Redis and what is wrong, backs off, and returns once it answers", async () => {
    redis = await withPrivateRedis();
    const url = redis.server.url;
    await redis.server.stop(); // nothing listens there now
    const { lines, logger } = recorder();
    const waits: number[] = [];
    await waitForRedis(url, {
      logger,
      sleep: async (ms) => {
        waits.push(ms);
        if (waits.length === 3) await redis!.restart();
      },
    });
    expect(waits).toEqual([1000, 2000, 4000]);
    const warnings = lines.filter((l) => l.level === "warn");
    expect(warnings).toHaveLength(3);
    expect(warnings[0]!.msg).toContain(displayRedisUrl(url));
    expect(warnings[0]!.msg).toMatch(/ECONNREFUSED|connect|Connection/i);
    expect(warnings[0]!.obj).toMatchObject({ attempt: 1, retryInSeconds: 1 });
    expect(lines.at(-1)).toMatchObject({ level: "info", msg: "Redis is reachable; starting" });
  });

  test("the wait is capped, and a stop request ends it", async () => {
    const controller = new AbortController();
    const waits: number[] = [];
    const { logger } = recorder();
    const done = waitForRedis("redis://127.0.0.1:1/0", {
      logger,
      signal: controller.signal,
      maxDelayMs: 4000,
      sleep: (ms) => {
        waits.push(ms);
        if (waits.length === 5) controller.abort();
        return Promise.resolve();
      },
    });
    await expect(done).rejects.toBeInstanceOf(StartAbortedError);
    expect(waits).toEqual([1000, 2000, 4000, 4000, 4000]);
  });

  test("never shows a password", () => {
    expect(displayRedisUrl("redis://:s3cret@redis.example:6380/2")).toBe("redis://:***@redis.example:6380/2");
  });
});
