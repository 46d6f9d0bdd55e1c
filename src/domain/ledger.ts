/** What the ledger records (DESIGN.md §4 "Ledger"); alerts and tokens come with later work. */
export type LedgerEventType =
  | "violation.opened"
  | "violation.resolved"
  | "violation.reminder"
  | "violation.escalated"
  | "incident.retention_gap"
  | "config.loaded"
  | "config.changed"
  | "maintenance.declared"
  | "maintenance.ended"
  | "monitor.started"
  | "monitor.stopped"
  /** Parents' access (src/access): a family's grant set or removed, tokens issued or revoked. */
  | "family.granted"
  | "family.removed"
  | "family.revoked"
  | "token.issued"
  | "token.revoked"
  /** An operator started a new chain (`ledger new-chain`): data names the head it does not extend. */
  | "ledger.new_chain";

/**
 * One entry of the append-only, hash-chained ledger. `hash` = SHA-256 hex over the canonical
 * JSON of every other field (prev included), so editing, removing or reordering an entry
 * breaks the chain; `prev` of the first entry is 64 zeros.
 */
export interface LedgerEntry {
  readonly seq: number;
  readonly at: string;
  readonly type: LedgerEventType;
  readonly siteId: string;
  readonly data: Readonly<Record<string, unknown>>;
  readonly prev: string;
  readonly hash: string;
}

/** The monitor's Ed25519 signature over the chain head at a moment; truncation shows against it. */
export interface SignedHead {
  readonly seq: number;
  readonly hash: string;
  readonly at: string;
  /** Base64 Ed25519 signature over `${seq}:${hash}:${at}`. */
  readonly signature: string;
  /** The monitor's public key, SPKI PEM. */
  readonly publicKey: string;
}

/**
 * What the last signing of the ledger head found (ledger/watch.ts), stored for the site
 * evaluations: intact (the chain extends the kept head, signed) or broken (refused, with why).
 */
export type LedgerState =
  | {
      readonly status: "intact";
      readonly head: { readonly seq: number; readonly hash: string; readonly at: string };
    }
  | {
      readonly status: "broken";
      readonly problem: string;
      readonly detail: string;
      readonly kept: { readonly seq: number; readonly hash: string; readonly at: string } | null;
      readonly current: { readonly seq: number; readonly hash: string };
    };
