import { randomBytes } from "node:crypto";
import { Queue } from "bullmq";
import { afterEach, describe, expect, test, vi } from "vitest";
import { missingSchedules, syncPollSchedulers } from "../../src/queues/schedulers.ts";
import { device, healthySite } from "../compliance/builders.ts";
import { useTestRedis } from "../store/testRedis.ts";

/** Schedulers on the shared Redis, each test on its own BullMQ prefix (removed after it). */
describe("syncPollSchedulers", () => {
  const redis = useTestRedis();
  let queue: Queue | null = null;
  afterEach(async () => {
    await queue?.obliterate({ force: true });
    await queue?.close();
    queue = null;
  });
  const open = (): Queue => {
    queue = new Queue("poll", {
      connection: redis().connect("queue"),
      prefix: `{nwtestq${randomBytes(4).toString("hex")}}`,
    });
    return queue;
  };
  const siteA = healthySite({ id: "a", devices: [device("nvr1")] });
  const siteB = healthySite({ id: "b", devices: [device("nvr1"), device("nvr2")] });
  const keys = async (q: Queue) => (await q.getJobSchedulers(0, -1)).map((s) => s.key).sort();

  test("two processes with different site files keep each other's schedulers", async () => {
    const q = open();
    await syncPollSchedulers(q, [siteA]);
    await syncPollSchedulers(q, [siteB]);
    expect(await keys(q)).toEqual(["poll:a:nvr1", "poll:b:nvr1", "poll:b:nvr2"]);
  });

  test("removes the schedulers of devices (and sites) it owns and no longer wants", async () => {
    const q = open();
    await syncPollSchedulers(q, [siteA, siteB]);
    const fewer = healthySite({ id: "b", devices: [device("nvr2")] });
    const r = await syncPollSchedulers(q, [fewer], "poll", { owned: ["a", "b"] });
    expect(r.removed).toBe(2);
    expect(await keys(q)).toEqual(["poll:b:nvr2"]);
  });

  test("creates only what is missing, and says which", async () => {
    const q = open();
    await syncPollSchedulers(q, [siteB]);
    await q.removeJobScheduler("poll:b:nvr2");
    expect(await missingSchedules(q, [siteB])).toEqual([{ siteId: "b", deviceId: "nvr2" }]);
    const r = await syncPollSchedulers(q, [siteB]);
    expect(r.created).toEqual([{ siteId: "b", deviceId: "nvr2" }]);
    expect(r.updated).toBe(0);
    expect(await missingSchedules(q, [siteB])).toEqual([]);
  });

  test("a schedule planned by a clock that ran an hour fast is planned anew", async () => {
    const q = open();
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      vi.setSystemTime(Date.now() + 3_600_000);
      await syncPollSchedulers(q, [siteA]);
    } finally {
      vi.useRealTimers();
    }
    const every = siteA.policy.pollIntervalSeconds * 1000;
    const r = await syncPollSchedulers(q, [siteA], "poll", { now: Date.now() });
    expect(r.rescheduled).toBe(1);
    const [s] = await q.getJobSchedulers(0, -1);
    expect(s?.next).toBeLessThanOrEqual(Date.now() + every);
    // In step now: left alone.
    expect((await syncPollSchedulers(q, [siteA], "poll", { now: Date.now() })).rescheduled).toBe(0);
  });
});
