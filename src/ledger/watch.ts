import type { LedgerState, SignedHead } from "../domain/ledger.ts";
import type { Site } from "../domain/site.ts";
import type { Logger } from "../logging/logger.ts";
import type { LedgerBrokenError } from "./ledger.ts";

/**
 * What the daemon does with each signing of the ledger head (headSigner.ts): a refused signing
 * (the chain in Redis does not extend the last head the monitor signed) is stored as the
 * ledger's state at each signing attempt; every site evaluation reads it (monitor/) and has a
 * `ledger_broken` finding from it, so the violation lifecycle opens it (and resolves it once
 * signing goes through again, e.g. after an operator's `ledger new-chain`). One error in the log
 * per change of state, not one per attempt.
 */
export interface LedgerWatch {
  readonly signed: (head: SignedHead) => Promise<void>;
  readonly broken: (error: LedgerBrokenError) => Promise<void>;
}

export interface LedgerWatchOptions {
  /** Named in the log. */
  readonly sites: readonly Pick<Site, "id">[];
  /** Stores the ledger's state (store/ledgerState.ts), read by the site evaluations. */
  readonly record: (state: LedgerState) => Promise<void>;
  readonly logger: Logger;
  /** Named in the log, for `ledger verify --head`. */
  readonly keptHeadPath: string;
  /** The site configuration file, named in the log's advice. */
  readonly configFile?: string;
}

export function createLedgerWatch(options: LedgerWatchOptions): LedgerWatch {
  const { sites, logger } = options;
  let state: string | null = null;
  const config = options.configFile ?? "SITE.yaml";

  const observe = async (ledger: LedgerState): Promise<void> => {
    try {
      await options.record(ledger);
    } catch (err) {
      logger.warn({ err: (err as Error).message }, "could not record the ledger's state");
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
      await observe({ status: "intact", head: { seq: head.seq, hash: head.hash, at: head.at } });
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
      await observe(ledgerBroken(error));
    },
  };
}

/** The stored state of a refused signing. */
export function ledgerBroken(error: LedgerBrokenError): LedgerState {
  return {
    status: "broken",
    problem: error.reason,
    detail: error.message,
    kept: error.kept === null ? null : { seq: error.kept.seq, hash: error.kept.hash, at: error.kept.at },
    current: { seq: error.current.seq, hash: error.current.hash },
  };
}
