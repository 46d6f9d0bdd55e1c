import { describe, expect, it } from "vitest";
import { pollOffsetMs } from "../../src/queues/jitter.ts";

describe("pollOffsetMs", () => {
  const interval = 30_000;

  it("is stable for a device (a restart keeps its slot) and inside the interval", () => {
    const a = pollOffsetMs("s1", "nvr1", interval);
    expect(pollOffsetMs("s1", "nvr1", interval)).toBe(a);
    expect(a).toBeGreaterThanOrEqual(0);
    expect(a).toBeLessThan(interval);
  });

  it("spreads a district's devices over the interval rather than one second", () => {
    const offsets = Array.from({ length: 200 }, (_, i) => pollOffsetMs(`site${i % 10}`, `dev${i}`, interval));
    const seconds = new Set(offsets.map((o) => Math.floor(o / 1000)));
    // 200 devices over 30 one-second slots: nearly every slot is used.
    expect(seconds.size).toBeGreaterThan(25);
  });

  it("keeps site and device apart (s1/ab and s1a/b are different devices)", () => {
    expect(pollOffsetMs("s1", "ab", 1e9)).not.toBe(pollOffsetMs("s1a", "b", 1e9));
  });

  it("is 0 for an interval under a millisecond instead of dividing by zero", () => {
    expect(pollOffsetMs("s1", "nvr1", 0)).toBe(0);
  });
});
