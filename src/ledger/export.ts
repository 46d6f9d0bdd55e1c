import type { SignedHead } from "../domain/ledger.ts";
import { canonicalJson } from "./canonical.ts";
import type { Ledger } from "./ledger.ts";

/**
 * Writes the ledger as JSON Lines: every entry as stored (one per line, oldest first), then
 * every signed head as a `{"type":"head", ...}` line, oldest first (then any extra head not
 * among them). Entries are written as
 * Redis holds them, not re-serialised, so an edit made inside Redis shows in the export.
 */
export async function exportLedger(
  ledger: Ledger,
  write: (chunk: string) => void | Promise<void>,
  options: {
    readonly pageSize?: number;
    /** Heads kept elsewhere (the kept head file), written after Redis's own unless among them. */
    readonly extraHeads?: readonly SignedHead[];
  } = {},
): Promise<{ readonly entries: number; readonly heads: number }> {
  const pageSize = options.pageSize ?? 1000;
  let entries = 0;
  for (let from = 1; ; from += pageSize) {
    const page = await ledger.pageRaw({ from, limit: pageSize });
    if (page.length === 0) break;
    await write(page.map((line) => `${line}\n`).join(""));
    entries += page.length;
    if (page.length < pageSize) break;
  }
  const heads = (await ledger.heads(Number.MAX_SAFE_INTEGER)).reverse();
  for (const extra of options.extraHeads ?? []) {
    if (!heads.some((h) => h.seq === extra.seq && h.hash === extra.hash && h.at === extra.at))
      heads.push(extra);
  }
  for (const head of heads) await write(`${headLine(head)}\n`);
  return { entries, heads: heads.length };
}

export const headLine = (head: SignedHead): string => canonicalJson({ type: "head", ...head });
