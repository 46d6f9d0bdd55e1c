import type { KeyObject } from "node:crypto";
import type { SignedHead } from "../domain/ledger.ts";
import { entryHash, GENESIS_HASH, headPayload } from "./canonical.ts";
import {
  parsePublicKey,
  PublicKeyFormatError,
  publicKeyFingerprint,
  sameKey,
  verifySignature,
} from "./keys.ts";

/**
 * Offline verification of a ledger export (JSON Lines of entries, then signed heads). Pure: no
 * Redis, no clock. It says exactly what is wrong:
 * - bad_hash: an entry's content does not match its hash (edited);
 * - seq_gap / out_of_order / broken_link: entries removed, reordered or replaced;
 * - truncated: a signed head names a seq beyond the last entry (newest entries removed);
 * - head_mismatch: the entry at a signed head's seq is not the one that was signed;
 * - bad_signature, key_mismatch, mixed_keys: the heads were not signed by the expected key;
 * - no_signed_head: nothing signed, so truncation cannot be ruled out;
 * - malformed: a line that is neither an entry nor a head.
 */
export type LedgerProblemCode =
  | "malformed"
  | "bad_hash"
  | "seq_gap"
  | "out_of_order"
  | "broken_link"
  | "truncated"
  | "head_mismatch"
  | "bad_signature"
  | "key_mismatch"
  | "mixed_keys"
  | "no_signed_head";

export interface LedgerProblem {
  readonly code: LedgerProblemCode;
  /** 1-based line of the export; null for a head given outside the file. */
  readonly line: number | null;
  readonly seq: number | null;
  readonly message: string;
}

/** A signed head known from outside the export, and where it came from (a file name), for the messages. */
export type KnownHead = SignedHead & { readonly source?: string };

export interface LedgerVerifyOptions {
  /** The monitor's public key (PEM, or base64 SPKI DER / raw); heads signed by another key fail. */
  readonly publicKey?: string;
  /**
   * Heads known from elsewhere: the monitor's kept head file, heads a regulator received in
   * heartbeats. Checked like the export's own, so a history that does not contain each of them
   * (rewritten, cut, or begun anew after Redis lost its data) fails, whatever the export signs.
   */
  readonly knownHeads?: readonly KnownHead[];
}

export interface LedgerVerifyResult {
  readonly ok: boolean;
  readonly entries: number;
  /** Highest seq in the export (0 when it has no entry). */
  readonly lastSeq: number;
  readonly signedHeads: number;
  /** Newest seq covered by a valid signature; null when none. */
  readonly signedSeq: number | null;
  /** Entries after the newest signed head (appended since; not covered by a signature yet). */
  readonly unsignedEntries: number;
  /** Fingerprint of the key that signed the heads. */
  readonly publicKeyFingerprint: string | null;
  readonly problems: readonly LedgerProblem[];
  /** Problems beyond the ones listed. */
  readonly moreProblems: number;
}

const MAX_LISTED = 100;
const HEX64 = /^[0-9a-f]{64}$/;

interface ParsedEntry {
  readonly line: number;
  readonly seq: number;
  readonly prev: string;
  readonly hash: string;
  readonly body: Record<string, unknown>;
}

interface ParsedHead {
  readonly line: number | null;
  readonly head: SignedHead;
  /** Where a known head came from; null for the export's own. */
  readonly source: string | null;
}

export function verifyLedgerExport(text: string, options: LedgerVerifyOptions = {}): LedgerVerifyResult {
  const problems: LedgerProblem[] = [];
  let more = 0;
  const report = (p: LedgerProblem) => {
    if (problems.length < MAX_LISTED) problems.push(p);
    else more++;
  };

  const expectedKey = options.publicKey === undefined ? null : parsePublicKey(options.publicKey);
  const entries: ParsedEntry[] = [];
  const heads: ParsedHead[] = [];
  const lines = text.split("\n");
  lines.forEach((raw, i) => {
    const line = i + 1;
    if (raw.trim() === "") return;
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      report({ code: "malformed", line, seq: null, message: `line ${line} is not JSON` });
      return;
    }
    if (isObject(value) && value["type"] === "head") {
      const { type: _type, ...head } = value;
      if (isSignedHead(head)) heads.push({ line, head, source: null });
      else
        report({ code: "malformed", line, seq: null, message: `line ${line} is not a complete signed head` });
      return;
    }
    if (!isEntry(value)) {
      report({ code: "malformed", line, seq: null, message: `line ${line} is not a ledger entry` });
      return;
    }
    entries.push({ line, seq: value["seq"], prev: value["prev"], hash: value["hash"], body: value });
  });
  for (const { source, ...head } of options.knownHeads ?? []) {
    heads.push({ line: null, head, source: source ?? "given" });
  }

  // The chain: each entry's hash matches its content, seqs count up from 1 without a hole,
  // and each entry names the one before it.
  const hashBySeq = new Map<number, string>();
  let expectedSeq = 1;
  let prevHash = GENESIS_HASH;
  let lastSeq = 0;
  for (const e of entries) {
    if (entryHash(e.body) !== e.hash) {
      report({
        code: "bad_hash",
        line: e.line,
        seq: e.seq,
        message: `entry ${e.seq} (line ${e.line}) was edited: its content does not match its hash`,
      });
    }
    if (e.seq > expectedSeq) {
      report({
        code: "seq_gap",
        line: e.line,
        seq: e.seq,
        message:
          e.seq === expectedSeq + 1
            ? `entry ${expectedSeq} is missing (removed) before line ${e.line}`
            : `entries ${expectedSeq}..${e.seq - 1} are missing (removed) before line ${e.line}`,
      });
    } else if (e.seq < expectedSeq) {
      report({
        code: "out_of_order",
        line: e.line,
        seq: e.seq,
        message: `entry ${e.seq} (line ${e.line}) comes after entry ${expectedSeq - 1}: entries were reordered or repeated`,
      });
    } else if (e.prev !== prevHash) {
      report({
        code: "broken_link",
        line: e.line,
        seq: e.seq,
        message: `entry ${e.seq} (line ${e.line}) does not follow the entry before it: entry ${e.seq - 1} was replaced or the chain was rewritten`,
      });
    }
    if (!hashBySeq.has(e.seq)) hashBySeq.set(e.seq, e.hash);
    expectedSeq = e.seq + 1;
    prevHash = e.hash;
    lastSeq = Math.max(lastSeq, e.seq);
  }

  // The heads: each signed by the one key, and each matching the chain it signed.
  let signerKey: KeyObject | null = null;
  let signedSeq: number | null = null;
  let validHeads = 0;
  for (const { line, head, source } of heads) {
    const where = source !== null ? `the known head from ${source}` : `the head on line ${line}`;
    let key: KeyObject;
    try {
      key = parsePublicKey(head.publicKey);
    } catch (err) {
      if (!(err instanceof PublicKeyFormatError)) throw err;
      report({ code: "malformed", line, seq: head.seq, message: `${where} carries no usable public key` });
      continue;
    }
    if (expectedKey !== null && !sameKey(key, expectedKey)) {
      report({
        code: "key_mismatch",
        line,
        seq: head.seq,
        message: `${where} was signed by ${publicKeyFingerprint(key)}, not by the given key ${publicKeyFingerprint(expectedKey)}`,
      });
      continue;
    }
    if (signerKey !== null && !sameKey(key, signerKey)) {
      report({
        code: "mixed_keys",
        line,
        seq: head.seq,
        message: `${where} was signed by ${publicKeyFingerprint(key)}, other heads by ${publicKeyFingerprint(signerKey)}`,
      });
      continue;
    }
    if (!verifySignature(key, headPayload(head.seq, head.hash, head.at), head.signature)) {
      report({
        code: "bad_signature",
        line,
        seq: head.seq,
        message: `${where} (seq ${head.seq}) has a bad signature`,
      });
      continue;
    }
    signerKey ??= key;
    validHeads++;
    if (head.seq > lastSeq) {
      report({
        code: "truncated",
        line,
        seq: head.seq,
        message:
          source === null
            ? `the head signed at ${head.at} covers entries up to ${head.seq}, but the ledger ends at ${lastSeq}: entries ${lastSeq + 1}..${head.seq} were removed`
            : `${where} was signed at ${head.at} over entries up to ${head.seq}, but this history ends at ${lastSeq}: it does not extend that head (entries removed, or the ledger began anew after Redis lost its data)`,
      });
      continue;
    }
    const expected = head.seq === 0 ? GENESIS_HASH : hashBySeq.get(head.seq);
    if (expected === undefined) continue; // a hole already reported as seq_gap
    if (expected !== head.hash) {
      report({
        code: "head_mismatch",
        line,
        seq: head.seq,
        message:
          source === null
            ? `entry ${head.seq} is not the entry signed at ${head.at}: the history up to it was rewritten`
            : `entry ${head.seq} is not the one in ${where}, signed at ${head.at}: this history does not extend that head (rewritten up to entry ${head.seq})`,
      });
      continue;
    }
    signedSeq = Math.max(signedSeq ?? 0, head.seq);
  }
  if (validHeads === 0) {
    report({
      code: "no_signed_head",
      line: null,
      seq: null,
      message: "no valid signed head: removal of the newest entries cannot be ruled out",
    });
  }

  return {
    ok: problems.length === 0,
    entries: entries.length,
    lastSeq,
    signedHeads: validHeads,
    signedSeq,
    unsignedEntries: signedSeq === null ? lastSeq : Math.max(0, lastSeq - signedSeq),
    publicKeyFingerprint: signerKey ? publicKeyFingerprint(signerKey) : null,
    problems,
    moreProblems: more,
  };
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

function isEntry(v: unknown): v is Record<string, unknown> & { seq: number; prev: string; hash: string } {
  return (
    isObject(v) &&
    Number.isSafeInteger(v["seq"]) &&
    (v["seq"] as number) >= 1 &&
    typeof v["at"] === "string" &&
    typeof v["type"] === "string" &&
    typeof v["siteId"] === "string" &&
    isObject(v["data"]) &&
    typeof v["prev"] === "string" &&
    HEX64.test(v["prev"]) &&
    typeof v["hash"] === "string" &&
    HEX64.test(v["hash"])
  );
}

function isSignedHead(v: Record<string, unknown>): v is Record<string, unknown> & SignedHead {
  return (
    Number.isSafeInteger(v["seq"]) &&
    (v["seq"] as number) >= 0 &&
    typeof v["hash"] === "string" &&
    HEX64.test(v["hash"]) &&
    typeof v["at"] === "string" &&
    typeof v["signature"] === "string" &&
    typeof v["publicKey"] === "string"
  );
}
