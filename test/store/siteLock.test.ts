import { describe, expect, it } from "vitest";
import {
  acquireSiteLock,
  cmd,
  commitUnderLock,
  LockLostError,
  SiteBusyError,
} from "../../src/store/siteLock.ts";
import { useTestRedis } from "./testRedis.ts";

describe("site lock and fenced commit", () => {
  const redis = useTestRedis();

  it("one holder at a time; the next gets it once released", async () => {
    const t = redis();
    const a = t.connect("a");
    const b = t.connect("b");
    const key = t.keys.site("s1").lock;
    const first = await acquireSiteLock(a, key);
    await expect(acquireSiteLock(b, key, { waitMs: 100 })).rejects.toBeInstanceOf(SiteBusyError);
    await first.release();
    const second = await acquireSiteLock(b, key, { waitMs: 100 });
    // Releasing an old lock does not free someone else's.
    await first.release();
    expect(await a.get(key)).toBe(second.token);
    await second.release();
    expect(await a.get(key)).toBeNull();
  });

  it("commits all writes together while the lock is held", async () => {
    const t = redis();
    const r = t.connect();
    const k = t.keys.site("s1");
    const lock = await acquireSiteLock(r, k.lock);
    await commitUnderLock(r, lock, [
      cmd("HSET", k.violations, "v1", "{}", "v2", "{}"),
      cmd("ZADD", k.all, 1, "v1", 2, "v2"),
      cmd("HSET", k.meta, "lastAppliedAt", 5),
    ]);
    expect(await r.hlen(k.violations)).toBe(2);
    expect(await r.zrange(k.all, 0, -1)).toEqual(["v1", "v2"]);
    expect(await r.hget(k.meta, "lastAppliedAt")).toBe("5");
    await lock.release();
  });

  it("a writer whose lock expired (a stall) writes nothing", async () => {
    const t = redis();
    const r = t.connect();
    const k = t.keys.site("s1");
    const stalled = await acquireSiteLock(r, k.lock, { ttlMs: 1000 });
    // The lock expires and another writer takes it.
    await r.del(k.lock);
    const other = await acquireSiteLock(t.connect("other"), k.lock);
    await expect(
      commitUnderLock(r, stalled, [cmd("HSET", k.meta, "lastAppliedAt", 1)]),
    ).rejects.toBeInstanceOf(LockLostError);
    expect(await r.hget(k.meta, "lastAppliedAt")).toBeNull();
    await other.release();
  });

  it("trim drops index members older than the cut-off or beyond the count, with their records", async () => {
    const t = redis();
    const r = t.connect();
    const k = t.keys.site("s1");
    for (let i = 1; i <= 10; i++) {
      await r.zadd(k.resolved, i * 100, `v${i}`);
      await r.zadd(k.all, i, `v${i}`);
      await r.hset(k.violations, `v${i}`, "{}");
    }
    const lock = await acquireSiteLock(r, k.lock);
    // Older than 300 -> v1, v2 go; keep at most 5 -> v3..v5 go too.
    await commitUnderLock(r, lock, [
      { op: "trim", index: k.resolved, before: 300, keep: 5, also: [k.violations, k.all] },
    ]);
    const left = ["v6", "v7", "v8", "v9", "v10"];
    expect(await r.zrange(k.resolved, 0, -1)).toEqual(left);
    expect((await r.hkeys(k.violations)).sort()).toEqual([...left].sort());
    expect(await r.zrange(k.all, 0, -1)).toEqual(left);
    await lock.release();
  });
});
