import { describe, expect, it } from "vitest";
import { createLimit } from "../../src/onvif/limit.ts";

/** A task that finishes when told to, recording when it started. */
function gate(log: string[], name: string): { task: () => Promise<string>; finish: (ok?: boolean) => void } {
  let finish: (ok?: boolean) => void = () => undefined;
  const task = (): Promise<string> => {
    log.push(`start ${name}`);
    return new Promise<string>((resolve, reject) => {
      finish = (ok = true) => (ok ? resolve(name) : reject(new Error(name)));
    });
  };
  return { task, finish: (ok) => finish(ok) };
}

const settle = (): Promise<void> => new Promise((r) => setImmediate(r));

describe("createLimit", () => {
  it("runs at most max tasks at once, the rest in arrival order", async () => {
    const log: string[] = [];
    const limit = createLimit(2);
    const g = ["a", "b", "c", "d"].map((n) => gate(log, n));
    const results = Promise.allSettled(g.map((x) => limit(x.task)));
    await settle();
    expect(log).toEqual(["start a", "start b"]);
    g[1]!.finish();
    await settle();
    expect(log).toEqual(["start a", "start b", "start c"]);
    // A task arriving now must not overtake d when a slot frees.
    const late = gate(log, "e");
    const lateResult = limit(late.task);
    g[0]!.finish(false);
    await settle();
    expect(log.at(-1)).toBe("start d");
    g[2]!.finish();
    await settle();
    expect(log.at(-1)).toBe("start e");
    g[3]!.finish();
    late.finish();
    await expect(results).resolves.toEqual([
      { status: "rejected", reason: new Error("a") },
      { status: "fulfilled", value: "b" },
      { status: "fulfilled", value: "c" },
      { status: "fulfilled", value: "d" },
    ]);
    await expect(lateResult).resolves.toBe("e");
  });

  it("never lets a newcomer overtake a waiting task, whenever it arrives", async () => {
    // The newcomer arrives 0..15 microtask turns after the running task finished: one of these
    // falls between the slot being freed and the waiting task resuming.
    for (let turns = 0; turns < 16; turns++) {
      const log: string[] = [];
      let running = 0;
      let most = 0;
      const limit = createLimit(1);
      const tracked = (name: string, finished: Promise<void>) => async (): Promise<void> => {
        log.push(name);
        most = Math.max(most, ++running);
        await finished;
        running--;
      };
      let finishA: () => void = () => undefined;
      const a = limit(tracked("a", new Promise<void>((r) => (finishA = r))));
      const b = limit(tracked("b", Promise.resolve()));
      finishA();
      for (let i = 0; i < turns; i++) await Promise.resolve();
      const c = limit(tracked("c", Promise.resolve()));
      await Promise.all([a, b, c]);
      expect({ turns, log, most }).toEqual({ turns, log: ["a", "b", "c"], most: 1 });
    }
  });

  it("frees the slot of a task that throws before returning a promise", async () => {
    const limit = createLimit(1);
    await expect(
      limit(() => {
        throw new Error("sync");
      }),
    ).rejects.toThrow("sync");
    await expect(limit(() => Promise.resolve(7))).resolves.toBe(7);
  });

  it("treats a nonsensical maximum as one", async () => {
    const log: string[] = [];
    const limit = createLimit(0);
    const a = gate(log, "a");
    const b = gate(log, "b");
    const done = [limit(a.task), limit(b.task)];
    await settle();
    expect(log).toEqual(["start a"]);
    a.finish();
    await settle();
    expect(log).toEqual(["start a", "start b"]);
    b.finish();
    await Promise.all(done);
  });
});
