import { pino } from "pino";
import { describe, expect, it } from "vitest";
import type { Finding } from "../../src/domain/finding.ts";
import type { SignedHead } from "../../src/domain/ledger.ts";
import { GENESIS_HASH } from "../../src/ledger/canonical.ts";
import { LedgerBrokenError } from "../../src/ledger/ledger.ts";
import { createLedgerWatch } from "../../src/ledger/watch.ts";
import { healthySite } from "../compliance/builders.ts";
import { fakeClock } from "./helpers.ts";

/** A logger that keeps its lines. */
function memoryLogger() {
  const lines: { level: number; msg: string }[] = [];
  const logger = pino({ level: "info" }, { write: (line: string) => lines.push(JSON.parse(line) as never) });
  return { logger, lines };
}

describe("the ledger watch", () => {
  it("observes ledger_broken for every site at each signing, and logs one error per change of state", async () => {
    const clock = fakeClock();
    const applied: { siteId: string; findings: readonly Finding[]; at: number }[] = [];
    const engine = {
      apply: async (siteId: string, _policy: unknown, findings: readonly Finding[], at: number) => {
        await Promise.resolve();
        applied.push({ siteId, findings, at });
        return { skipped: null, transitions: [], ledger: [] };
      },
    };
    const site = healthySite({ id: "site1" });
    const { logger, lines } = memoryLogger();
    const watch = createLedgerWatch({
      sites: [site, { ...site, id: "site2" }],
      engine,
      logger,
      now: clock.now,
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
    clock.advance(1000);
    await watch.broken(error);
    await watch.broken(new LedgerBrokenError("rewritten", "rewritten", kept, { seq: 5, hash: GENESIS_HASH }));
    await watch.signed({ ...kept, seq: 6 });

    expect(applied.map((a) => `${a.siteId}:${a.findings[0]!.status}`)).toEqual([
      "site1:ok",
      "site2:ok",
      ...Array(6)
        .fill(null)
        .map((_, i) => `site${(i % 2) + 1}:violation`),
      "site1:ok",
      "site2:ok",
    ]);
    const first = applied[2]!.findings[0]!;
    expect(first).toMatchObject({
      kind: "ledger_broken",
      subject: { type: "site", id: "site1" },
      required: true,
      reason: "ledger_not_extending_signed_head",
      params: { problem: "shorter", signedSeq: 4, currentSeq: 3 },
    });
    const errors = lines.filter((l) => l.level === 50);
    expect(errors).toHaveLength(2);
    expect(errors[0]!.msg).toContain("LEDGER BROKEN, NOT SIGNED: entries were removed");
    expect(errors[0]!.msg).toContain("--head /var/nw/monitor.head.json");
    expect(errors[0]!.msg).toContain("ledger new-chain");
    expect(lines.filter((l) => l.msg.includes("signing resumed"))).toHaveLength(1);
  });
});
