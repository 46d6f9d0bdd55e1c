import { randomBytes } from "node:crypto";
import { chmod, mkdir, open, readFile, rename, rm } from "node:fs/promises";
import { basename, dirname, extname, join } from "node:path";
import type { SignedHead } from "../domain/ledger.ts";
import { canonicalJson, headPayload } from "./canonical.ts";
import { parsePublicKey, PublicKeyFormatError, verifySignature } from "./keys.ts";

/**
 * The last head the monitor signed, kept outside Redis (DESIGN.md §4 "Ledger"): whoever can
 * rewrite Redis cannot rewrite this file without the monitor's own folder. The monitor signs
 * only a head whose chain contains this one, so a history rewritten in Redis, or lost with
 * Redis's data, is refused instead of signed anew.
 */
export interface KeptHeadStore {
  readonly path: string;
  /** The kept head; null when there is no file yet. Throws KeptHeadError when it is unreadable. */
  read(): Promise<SignedHead | null>;
  /**
   * Replaces the kept head atomically (mode 0600). A head older than the one in the file (an
   * export signing while the daemon signed further) does not replace it.
   */
  write(head: SignedHead): Promise<void>;
  /** Moves the file aside (`<name>.<time>.archived.json`) and returns where; null when there was none. */
  archive(at: number): Promise<string | null>;
}

/** The kept head file is there but is not a signed head with a valid signature. Not retryable. */
export class KeptHeadError extends Error {
  override readonly name = "KeptHeadError";
  readonly retryable = false;
}

/** The kept head's file for a monitor key: beside it, `monitor-ed25519.pem` -> `monitor-ed25519.head.json`. */
export function keptHeadPath(keyFile: string): string {
  const name = basename(keyFile, extname(keyFile)) || basename(keyFile);
  return join(dirname(keyFile), `${name}.head.json`);
}

export function createKeptHeadFile(path: string): KeptHeadStore {
  const read = async (): Promise<SignedHead | null> => {
    let text: string;
    try {
      text = await readFile(path, "utf8");
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
      throw new KeptHeadError(`cannot read the kept ledger head ${path}: ${(err as Error).message}`);
    }
    const heads = parseSignedHeads(text, path);
    const head = heads[heads.length - 1];
    if (heads.length !== 1 || head === undefined) {
      throw new KeptHeadError(`${path} should hold one signed ledger head, not ${heads.length}`);
    }
    return head;
  };

  return {
    path,
    read,
    async write(head) {
      const current = await read().catch(() => null);
      if (current !== null && current.seq > head.seq) return;
      await mkdir(dirname(path), { recursive: true, mode: 0o700 });
      const tmp = `${path}.${randomBytes(6).toString("hex")}.tmp`;
      const file = await open(tmp, "wx", 0o600);
      try {
        await file.writeFile(`${canonicalJson(head)}\n`, "utf8");
        await file.sync();
      } finally {
        await file.close();
      }
      try {
        await chmod(tmp, 0o600);
        await rename(tmp, path);
      } catch (err) {
        await rm(tmp, { force: true });
        throw err;
      }
      // The rename itself is durable once the folder is.
      const folder = await open(dirname(path), "r");
      try {
        await folder.sync();
      } catch {
        // Some file systems do not sync folders; the rename is still atomic.
      } finally {
        await folder.close();
      }
    },
    async archive(at) {
      const stamp = new Date(at).toISOString().replace(/[:.]/g, "-");
      const to = join(dirname(path), `${basename(path, ".json")}.${stamp}.archived.json`);
      try {
        await rename(path, to);
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
        throw err;
      }
      return to;
    },
  };
}

/**
 * Signed heads from a file: one JSON object, a JSON array, or JSON Lines; each a signed head,
 * with or without the export's `"type":"head"` (so the kept head file, heads saved from
 * heartbeats and an export's head lines all work). Unless checkSignatures is false (verify
 * reports bad signatures itself), each must carry a valid signature by the key it names; which
 * key that should be is the verifier's question. Throws KeptHeadError.
 */
export function parseSignedHeads(
  text: string,
  source: string,
  options: { readonly checkSignatures?: boolean } = {},
): SignedHead[] {
  const trimmed = text.trim();
  let values: unknown[];
  try {
    if (trimmed.startsWith("[")) {
      const parsed: unknown = JSON.parse(trimmed);
      values = Array.isArray(parsed) ? parsed : [parsed];
    } else {
      values = trimmed
        .split("\n")
        .filter((l) => l.trim() !== "")
        .map((l) => JSON.parse(l) as unknown);
    }
  } catch (err) {
    throw new KeptHeadError(
      `${source} is not JSON (one head, an array or JSON Lines): ${(err as Error).message}`,
    );
  }
  const heads: SignedHead[] = [];
  values.forEach((v, i) => {
    const head = asSignedHead(v);
    if (head === null) {
      // JSON Lines of a whole export: entries are not heads, and are left out.
      if (isObject(v) && "prev" in v && "data" in v) return;
      throw new KeptHeadError(`${source}: item ${i + 1} is not a signed ledger head`);
    }
    heads.push(head);
    if (options.checkSignatures === false) return;
    let valid = false;
    try {
      valid = verifySignature(
        parsePublicKey(head.publicKey),
        headPayload(head.seq, head.hash, head.at),
        head.signature,
      );
    } catch (err) {
      if (!(err instanceof PublicKeyFormatError)) throw err;
    }
    if (!valid) throw new KeptHeadError(`${source}: the head of seq ${head.seq} has no valid signature`);
  });
  return heads;
}

const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === "object" && !Array.isArray(v);

function asSignedHead(v: unknown): SignedHead | null {
  if (!isObject(v)) return null;
  if (v["type"] !== undefined && v["type"] !== "head") return null;
  const { seq, hash, at, signature, publicKey } = v;
  if (
    typeof seq !== "number" ||
    !Number.isSafeInteger(seq) ||
    seq < 0 ||
    typeof hash !== "string" ||
    !/^[0-9a-f]{64}$/.test(hash) ||
    typeof at !== "string" ||
    typeof signature !== "string" ||
    typeof publicKey !== "string"
  ) {
    return null;
  }
  return { seq, hash, at, signature, publicKey };
}
