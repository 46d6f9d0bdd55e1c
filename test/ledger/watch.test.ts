import { pino } from "pino";
import { describe, expect, it } from "vitest";
import type { LedgerState, SignedHead } from "../../src/domain/ledger.ts";
import { GENESIS_HASH } from "../../src/ledger/canonical.ts";
import { LedgerBrokenError } from "../../src/ledger/ledger.ts";
import { createLedgerWatch } from "../../src/ledger/watch.ts";
import { healthySite } from "../compliance/builders.ts";

/** A logger that keeps its lines. */
function memoryLogger() {
  const lines: { level: number; msg: string }[] = [];
  const logger = pino({ level: "info" }, { write: (line: string) => lines.push(JSON.parse(line) as never) });
  return { logger, lines };
}

describe("the ledger watch", () => {
  it("records the ledger's state at each signing (the site evaluations read it), and logs one error per change of state", async () => {
    const recorded: LedgerState[] = [];
    const record = async (state: LedgerState) => {
      await Promise.resolve();
      recorded.push(state);
    };
    const site = healthySite({ id: "site1" });
    const { logger, lines } = memoryLogger();
    const watch = createLedgerWatch({
      sites: [site, { ...site, id: "site2" }],
      record,
      logger,
      keptHeadPath: "/var/nw/monitor.head.json",
    });
    const kept: SignedHead = {
      seq: 4,
      hash: "a".repeat(64),
      at: "2026-10-01T00:00:00.000Z",
      signature: "s",
      publicKey: "k",
    };
    const error = new LedgerBrokenError("entries were removed", "shorter", kept, {
      seq: 3,
      hash: GENESIS_HASH,
    });

    await watch.signed(kept);
    await watch.broken(error);
    await watch.broken(error);
    await watch.broken(new LedgerBrokenError("rewritten", "rewritten", kept, { seq: 5, hash: GENESIS_HASH }));
    await watch.signed({ ...kept, seq: 6 });

    expect(recorded.map((r) => r.status)).toEqual(["intact", "broken", "broken", "broken", "intact"]);
    expect(recorded[1]).toEqual({
      status: "broken",
      problem: "shorter",
      detail: "entries were removed",
      kept: { seq: 4, hash: "a".repeat(64), at: "2026-10-01T00:00:00.000Z" },
      current: { seq: 3, hash: GENESIS_HASH },
    });
    expect(recorded[4]).toEqual({
      status: "intact",
      head: { seq: 6, hash: "a".repeat(64), at: "2026-10-01T00:00:00.000Z" },
    });
    const errors = lines.filter((l) => l.level === 50);
    expect(errors).toHaveLength(2);
    expect(errors[0]!.msg).toContain("LEDGER BROKEN, NOT SIGNED: entries were removed");
    expect(errors[0]!.msg).toContain("--head /var/nw/monitor.head.json");
    expect(errors[0]!.msg).toContain("ledger new-chain");
    expect(lines.filter((l) => l.msg.includes("signing resumed"))).toHaveLength(1);
  });
});
