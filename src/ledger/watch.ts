import type { Finding } from "../domain/finding.ts";
import type { SignedHead } from "../domain/ledger.ts";
import type { Site } from "../domain/site.ts";
import type { Logger } from "../logging/logger.ts";
import type { ViolationEngine } from "../violations/engine.ts";
import type { LedgerBrokenError } from "./ledger.ts";

/**
 * What the daemon does with each signing of the ledger head (headSigner.ts): a refused signing
 * (the chain in Redis does not extend the last head the monitor signed) is a `ledger_broken`
 * finding for every site on this ledger, observed at each signing attempt so the violation
 * lifecycle opens it (and resolves it once signing goes through again, e.g. after an operator's
 * `ledger new-chain`), and one error in the log per change of state, not one per attempt.
 */
export interface LedgerWatch {
  readonly signed: (head: SignedHead) => Promise<void>;
  readonly broken: (error: LedgerBrokenError) => Promise<void>;
}

export interface LedgerWatchOptions {
  readonly sites: readonly Pick<Site, "id" | "policy">[];
  readonly engine: Pick<ViolationEngine, "apply">;
  readonly logger: Logger;
  readonly now: () => number;
  /** Named in the log, for `ledger verify --head`. */
  readonly keptHeadPath: string;
  /** The site configuration file, named in the log's advice. */
  readonly configFile?: string;
}

export function createLedgerWatch(options: LedgerWatchOptions): LedgerWatch {
  const { sites, engine, logger, now } = options;
  let state: string | null = null;
  const config = options.configFile ?? "SITE.yaml";

  const observe = async (make: (siteId: string) => Finding): Promise<void> => {
    const at = now();
    for (const site of sites) {
      try {
        await engine.apply(site.id, site.policy, [make(site.id)], at);
      } catch (err) {
        logger.warn({ site: site.id, err: (err as Error).message }, "could not record the ledger's state");
      }
    }
  };

  return {
    signed: async (head) => {
      if (state !== null && state !== "intact") {
        logger.warn(
          { seq: head.seq, hash: head.hash },
          "ledger: the chain extends the kept head again; signing resumed",
        );
      }
      state = "intact";
      await observe((siteId) => ledgerFinding(siteId, { head }));
    },
    broken: async (error) => {
      const key = `broken:${error.reason}:${error.kept?.seq ?? "-"}:${error.kept?.hash ?? "-"}`;
      if (state !== key) {
        state = key;
        logger.error(
          {
            reason: error.reason,
            keptHead:
              error.kept === null ? null : { seq: error.kept.seq, hash: error.kept.hash, at: error.kept.at },
            redisHead: error.current,
            keptHeadFile: options.keptHeadPath,
            sites: sites.map((s) => s.id),
          },
          `LEDGER BROKEN, NOT SIGNED: ${error.message}. ` +
            `Look with \`nurserywatch ledger export --config ${config} --out ledger.jsonl\` and ` +
            `\`nurserywatch ledger verify ledger.jsonl --head ${options.keptHeadPath}\`; only if this is understood ` +
            `(e.g. Redis lost its data), start a new chain with \`nurserywatch ledger new-chain --config ${config} --reason TEXT\``,
        );
      }
      await observe((siteId) => ledgerFinding(siteId, { error }));
    },
  };
}

/** The site's ledger_broken finding: ok when the head was signed, a violation when refused. */
export function ledgerFinding(
  siteId: string,
  outcome: { readonly head: SignedHead } | { readonly error: LedgerBrokenError },
): Finding {
  const base = {
    kind: "ledger_broken",
    subject: { type: "site", id: siteId },
    required: true,
    causedBy: null,
  } as const;
  if ("head" in outcome) {
    return {
      ...base,
      status: "ok",
      reason: "ledger_extends_signed_head",
      params: { seq: outcome.head.seq },
      evidence: { signedHead: { seq: outcome.head.seq, hash: outcome.head.hash, at: outcome.head.at } },
    };
  }
  const { error } = outcome;
  return {
    ...base,
    status: "violation",
    reason: "ledger_not_extending_signed_head",
    params: {
      problem: error.reason,
      signedSeq: error.kept?.seq ?? null,
      signedAt: error.kept?.at ?? null,
      currentSeq: error.current.seq,
    },
    evidence: {
      problem: error.reason,
      detail: error.message,
      keptHead:
        error.kept === null ? null : { seq: error.kept.seq, hash: error.kept.hash, at: error.kept.at },
      redisHead: { seq: error.current.seq, hash: error.current.hash },
    },
  };
}
