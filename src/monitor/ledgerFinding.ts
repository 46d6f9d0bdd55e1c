import type { Finding } from "../domain/finding.ts";
import type { LedgerState } from "../domain/ledger.ts";

/**
 * The site's ledger_broken finding from the ledger's stored state (pure): ok while the head is
 * signed, a violation while signing is refused (the chain in Redis does not extend the last
 * head the monitor signed).
 */
export function ledgerFinding(siteId: string, state: LedgerState): Finding {
  const base = {
    kind: "ledger_broken",
    subject: { type: "site", id: siteId },
    required: true,
    causedBy: null,
  } as const;
  if (state.status === "intact") {
    return {
      ...base,
      status: "ok",
      reason: "ledger_extends_signed_head",
      params: { seq: state.head.seq },
      evidence: { signedHead: state.head },
    };
  }
  return {
    ...base,
    status: "violation",
    reason: "ledger_not_extending_signed_head",
    params: {
      problem: state.problem,
      signedSeq: state.kept?.seq ?? null,
      signedAt: state.kept?.at ?? null,
      currentSeq: state.current.seq,
    },
    evidence: {
      problem: state.problem,
      detail: state.detail,
      keptHead: state.kept,
      redisHead: state.current,
    },
  };
}
