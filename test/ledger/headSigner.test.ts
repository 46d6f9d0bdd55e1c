import { afterEach, describe, expect, it, vi } from "vitest";
import type { SignedHead } from "../../src/domain/ledger.ts";
import { createHeadSigner } from "../../src/ledger/headSigner.ts";
import type { Ledger } from "../../src/ledger/ledger.ts";

function fakeLedger(fail: () => boolean): { ledger: Ledger; signed: number } {
  const state = { signed: 0 };
  const ledger = {
    signHead: async (): Promise<SignedHead> => {
      await Promise.resolve();
      if (fail()) throw new Error("redis away");
      state.signed++;
      return { seq: state.signed, hash: "0".repeat(64), at: "x", signature: "s", publicKey: "k" };
    },
  } as unknown as Ledger;
  return {
    ledger,
    get signed() {
      return state.signed;
    },
  };
}

describe("createHeadSigner", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("signs at start and at every interval, reports failures and keeps going, stops cleanly", async () => {
    vi.useFakeTimers();
    let failing = false;
    const fake = fakeLedger(() => failing);
    const heads: number[] = [];
    const errors: string[] = [];
    const signer = createHeadSigner({
      ledger: fake.ledger,
      intervalMs: 300_000,
      onSigned: (h) => {
        heads.push(h.seq);
      },
      onError: (e) => errors.push(e.message),
    });
    signer.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(heads).toEqual([1]);
    await vi.advanceTimersByTimeAsync(299_999);
    expect(heads).toEqual([1]);
    await vi.advanceTimersByTimeAsync(1);
    expect(heads).toEqual([1, 2]);
    failing = true;
    await vi.advanceTimersByTimeAsync(300_000);
    expect(errors).toEqual(["redis away"]);
    failing = false;
    await vi.advanceTimersByTimeAsync(300_000);
    expect(heads).toEqual([1, 2, 3]);
    await signer.stop();
    await vi.advanceTimersByTimeAsync(900_000);
    expect(heads).toEqual([1, 2, 3]);
  });

  it("signs without an onSigned listener (the daemon passes none)", async () => {
    vi.useFakeTimers();
    const fake = fakeLedger(() => false);
    const signer = createHeadSigner({ ledger: fake.ledger, intervalMs: 1000 });
    signer.start();
    await vi.advanceTimersByTimeAsync(0);
    expect(fake.signed).toBe(1);
    await vi.advanceTimersByTimeAsync(1000);
    expect(fake.signed).toBe(2);
    await signer.stop();
  });
});
