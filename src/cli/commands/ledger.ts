import { CLI_CONNECTION, openRedis } from "../../app/redis.ts";
import { createWriteStream, existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { once } from "node:events";
import { ConfigError } from "../../config/errors.ts";
import { loadConfig, processEnv } from "../../config/load.ts";
import { exportLedger } from "../../ledger/export.ts";
import { createSigner, loadMonitorKey, MonitorKeyError, PublicKeyFormatError } from "../../ledger/keys.ts";
import { createLedger } from "../../ledger/ledger.ts";
import { verifyLedgerExport, type LedgerVerifyResult } from "../../ledger/verify.ts";
import { createKeys } from "../../store/keys.ts";
import { closeRedis } from "../../store/redis.ts";
import { EXIT } from "../exitCodes.ts";

/** Where a command writes; tests pass collectors. */
export interface CommandIo {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

const processIo: CommandIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
};

/** Exit codes of the ledger commands: 0 ok, 1 failed (verification, or Redis unreachable for export), 2 usage. */
export const LEDGER_EXIT = { ok: 0, failed: 1, usage: EXIT.usage } as const;

export interface LedgerExportOptions {
  readonly configFile: string;
  /** File to write; standard output when absent or "-". */
  readonly out?: string;
  /** Redis key prefix; default "nw". */
  readonly keyPrefix?: string;
  readonly io?: CommandIo;
}

/**
 * `nurserywatch ledger export --config FILE [--out FILE]`: signs the current head with the
 * monitor's key (so the export ends with a fresh signature), then writes every entry and every
 * signed head as JSON Lines.
 */
export async function ledgerExportCommand(opts: LedgerExportOptions): Promise<number> {
  const io = opts.io ?? processIo;
  let config;
  try {
    config = await loadConfig(opts.configFile, processEnv());
  } catch (err) {
    if (err instanceof ConfigError) {
      io.stderr(`nurserywatch: ${err.message}\n`);
      return LEDGER_EXIT.usage;
    }
    throw err;
  }
  let signer = null;
  try {
    const key = await loadMonitorKey(config.ledger.keyFile);
    for (const w of key.warnings) io.stderr(`nurserywatch: warning: ${w}\n`);
    signer = createSigner(key);
  } catch (err) {
    if (!(err instanceof MonitorKeyError)) throw err;
    io.stderr(
      `nurserywatch: warning: ${err.message}; the export carries only heads signed before (the daemon creates the key on its first start)\n`,
    );
  }

  const handle = await openRedis(config.redis.url, { connection: CLI_CONNECTION });
  const redis = handle.factory("ledger-export");
  const outFile = opts.out !== undefined && opts.out !== "-" ? opts.out : null;
  try {
    try {
      await redis.ping();
    } catch (err) {
      io.stderr(
        `nurserywatch: cannot reach Redis (${(err as Error).message}); check redis.url or REDIS_URL\n`,
      );
      return LEDGER_EXIT.failed;
    }
    const ledger = createLedger({ redis, keys: createKeys(opts.keyPrefix), now: Date.now, signer });
    if (signer !== null) await ledger.signHead();
    let counts: { entries: number; heads: number };
    if (outFile !== null) {
      const stream = createWriteStream(outFile, { flags: "w", mode: 0o644 });
      await once(stream, "open");
      counts = await exportLedger(ledger, async (chunk) => {
        if (!stream.write(chunk)) await once(stream, "drain");
      });
      stream.end();
      await once(stream, "finish");
    } else {
      counts = await exportLedger(ledger, (chunk) => io.stdout(chunk));
    }
    io.stderr(
      `nurserywatch: exported ${counts.entries} ledger entries and ${counts.heads} signed heads${outFile !== null ? ` to ${outFile}` : ""}\n`,
    );
    return LEDGER_EXIT.ok;
  } finally {
    await closeRedis(redis);
    await handle.close();
  }
}

export interface LedgerVerifyCommandOptions {
  /** The export (JSON Lines); "-" reads standard input. */
  readonly file: string;
  /** The monitor's public key: a PEM file, or the key itself (PEM or base64). */
  readonly publicKey?: string;
  readonly json?: boolean;
  readonly io?: CommandIo;
  /** Standard input, for file "-". */
  readonly stdin?: () => Promise<string>;
}

/** `nurserywatch ledger verify FILE [--public-key KEY] [--json]`: 0 intact, 1 failed, 2 usage. */
export async function ledgerVerifyCommand(opts: LedgerVerifyCommandOptions): Promise<number> {
  const io = opts.io ?? processIo;
  let text: string;
  try {
    text = opts.file === "-" ? await (opts.stdin ?? readStdin)() : await readFile(opts.file, "utf8");
  } catch (err) {
    io.stderr(`nurserywatch: cannot read ${opts.file}: ${(err as Error).message}\n`);
    return LEDGER_EXIT.usage;
  }
  let publicKey: string | undefined;
  if (opts.publicKey !== undefined) {
    const looksInline = opts.publicKey.includes("-----BEGIN") || !existsSync(opts.publicKey);
    try {
      publicKey = looksInline ? opts.publicKey : await readFile(opts.publicKey, "utf8");
    } catch (err) {
      io.stderr(`nurserywatch: cannot read the public key ${opts.publicKey}: ${(err as Error).message}\n`);
      return LEDGER_EXIT.usage;
    }
  }
  let result: LedgerVerifyResult;
  try {
    result = verifyLedgerExport(text, publicKey === undefined ? {} : { publicKey });
  } catch (err) {
    if (err instanceof PublicKeyFormatError) {
      io.stderr(`nurserywatch: --public-key: ${err.message}\n`);
      return LEDGER_EXIT.usage;
    }
    throw err;
  }
  io.stdout(
    opts.json ? `${JSON.stringify(result, null, 2)}\n` : renderVerifyResult(result, publicKey !== undefined),
  );
  return result.ok ? LEDGER_EXIT.ok : LEDGER_EXIT.failed;
}

export function renderVerifyResult(result: LedgerVerifyResult, keyGiven: boolean): string {
  const lines: string[] = [];
  if (result.ok) {
    lines.push(
      `ledger intact: ${result.entries} entries, chain unbroken, newest signed head at entry ${result.signedSeq}`,
    );
    if (result.unsignedEntries > 0) {
      lines.push(
        `  ${result.unsignedEntries} entries were appended after the newest signed head (not yet signed)`,
      );
    }
  } else {
    const total = result.problems.length + result.moreProblems;
    lines.push(`ledger verification FAILED: ${total} problem${total === 1 ? "" : "s"}`);
    for (const p of result.problems) lines.push(`  ${p.code}: ${p.message}`);
    if (result.moreProblems > 0) lines.push(`  ... and ${result.moreProblems} more`);
  }
  if (result.publicKeyFingerprint !== null) {
    lines.push(
      keyGiven
        ? `signed by the given key ${result.publicKeyFingerprint}`
        : `signed by ${result.publicKeyFingerprint}: compare it with the monitor's published key, or pass --public-key`,
    );
  }
  return `${lines.join("\n")}\n`;
}

export interface LedgerPublicKeyOptions {
  readonly configFile: string;
  readonly io?: CommandIo;
}

/** `nurserywatch ledger public-key --config FILE`: the monitor's public key (PEM) and fingerprint, to give to regulators. */
export async function ledgerPublicKeyCommand(opts: LedgerPublicKeyOptions): Promise<number> {
  const io = opts.io ?? processIo;
  try {
    const config = await loadConfig(opts.configFile, processEnv());
    const key = await loadMonitorKey(config.ledger.keyFile);
    io.stdout(key.publicKey);
    io.stderr(`nurserywatch: fingerprint ${key.fingerprint}\n`);
    return LEDGER_EXIT.ok;
  } catch (err) {
    if (err instanceof ConfigError || err instanceof MonitorKeyError) {
      io.stderr(`nurserywatch: ${err.message}\n`);
      return LEDGER_EXIT.usage;
    }
    throw err;
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}
