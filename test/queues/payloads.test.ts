import { describe, expect, it } from "vitest";
import { QUEUE_PREFIX, QUEUES } from "../../src/queues/names.ts";
import {
  isPollJob,
  pollSchedulerId,
  probeSchedulerId,
  retentionSchedulerId,
} from "../../src/queues/payloads.ts";

describe("job payloads", () => {
  it("accept exactly a site id and a device id", () => {
    expect(isPollJob({ siteId: "s1", deviceId: "nvr1" })).toBe(true);
  });

  it.each([
    ["null", null],
    ["a string", "s1:nvr1"],
    ["a missing device id", { siteId: "s1" }],
    ["a numeric id", { siteId: "s1", deviceId: 7 }],
    // Anything more could be a credential or a device answer: payloads in Redis carry ids only.
    ["an extra field", { siteId: "s1", deviceId: "nvr1", password: "x" }],
  ])("refuse %s", (_what, data) => {
    expect(isPollJob(data)).toBe(false);
  });

  it("name one scheduler per device and queue, distinct across queues", () => {
    const job = { siteId: "s1", deviceId: "nvr1" };
    const ids = [pollSchedulerId(job), probeSchedulerId(job), retentionSchedulerId(job)];
    expect(ids).toEqual(["poll:s1:nvr1", "probe:s1:nvr1", "retention:s1:nvr1"]);
    expect(pollSchedulerId({ siteId: "s1", deviceId: "nvr2" })).not.toBe(ids[0]);
  });
});

describe("queue names", () => {
  it("share one Redis Cluster hash tag, so a queue's keys land in one slot", () => {
    expect(QUEUE_PREFIX).toMatch(/^\{[^{}]+\}$/);
    expect(new Set(Object.values(QUEUES)).size).toBe(Object.keys(QUEUES).length);
  });
});
