import { describe, expect, it } from "vitest";
import type { FollowUp } from "../../src/domain/followUp.ts";
import { createFollowUpQueue, followUpJobId } from "../../src/queues/followUps.ts";

/** A queue that keeps what was added, and like BullMQ does not add a job id it still holds. */
function fakeQueue() {
  const added: { name: string; data: unknown; opts: Record<string, unknown> }[] = [];
  const ids = new Set<string>();
  return {
    added,
    add: (name: string, data: unknown, opts: Record<string, unknown> = {}) => {
      const id = String(opts["jobId"]);
      if (!ids.has(id)) {
        ids.add(id);
        added.push({ name, data, opts });
      }
      return Promise.resolve({} as never);
    },
  };
}

const probe: FollowUp = { kind: "probe", siteId: "s1", deviceId: "nvr1", withinMs: 120_000 };
const retention: FollowUp = { kind: "retention", siteId: "s1", deviceId: "nvr1", withinMs: 300_000 };

describe("follow-up queue", () => {
  it("queues each kind on its own queue with an ids-only payload, kept for its bucket", async () => {
    const probes = fakeQueue();
    const scans = fakeQueue();
    const now = 1_000_000;
    const enqueue = createFollowUpQueue({ probe: probes, retention: scans }, () => now);
    await enqueue(probe);
    await enqueue(retention);
    expect(probes.added).toEqual([
      {
        name: "probe",
        data: { siteId: "s1", deviceId: "nvr1" },
        opts: {
          jobId: `recheck-s1-nvr1-${Math.floor(now / 120_000)}`,
          removeOnComplete: { age: 120 },
          removeOnFail: { count: 10 },
        },
      },
    ]);
    expect(scans.added.map((a) => [a.name, a.data])).toEqual([
      ["retention", { siteId: "s1", deviceId: "nvr1" }],
    ]);
  });

  it("at most one per device and bucket, however often asked; the next bucket gets another", async () => {
    const probes = fakeQueue();
    let now = 0;
    const enqueue = createFollowUpQueue({ probe: probes, retention: fakeQueue() }, () => now);
    await enqueue(probe);
    now = 119_999;
    await enqueue(probe);
    await enqueue({ ...probe, deviceId: "nvr2" });
    now = 120_000;
    await enqueue(probe);
    expect(probes.added.map((a) => a.opts["jobId"])).toEqual([
      "recheck-s1-nvr1-0",
      "recheck-s1-nvr2-0",
      "recheck-s1-nvr1-1",
    ]);
    expect(followUpJobId(probe, 240_000)).toBe("recheck-s1-nvr1-2");
  });

  it("no probe queue (no ffmpeg): probe follow-ups are dropped, scans still queued", async () => {
    const scans = fakeQueue();
    const enqueue = createFollowUpQueue({ probe: null, retention: scans }, () => 0);
    await enqueue(probe);
    await enqueue(retention);
    expect(scans.added).toHaveLength(1);
  });
});
