import { CLI_CONNECTION, openRedis } from "../../app/redis.ts";
import { createWriteStream, existsSync } from "node:fs";
import type { Redis } from "ioredis";
import { readFile } from "node:fs/promises";
import { once } from "node:events";
import { ConfigError } from "../../config/errors.ts";
import { loadConfig, processEnv } from "../../config/load.ts";
import { exportLedger } from "../../ledger/export.ts";
import {
  createKeptHeadFile,
  KeptHeadError,
  keptHeadPath,
  parseSignedHeads,
  type KeptHeadStore,
} from "../../ledger/keptHead.ts";
import { createSigner, loadMonitorKey, MonitorKeyError, PublicKeyFormatError } from "../../ledger/keys.ts";
import { createLedger, LedgerBrokenError } from "../../ledger/ledger.ts";
import { verifyLedgerExport, type KnownHead, type LedgerVerifyResult } from "../../ledger/verify.ts";
import { createKeys } from "../../store/keys.ts";
import { closeRedis, pingRedis } from "../../store/redis.ts";
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
 * signed head as JSON Lines, the kept head (the last one the monitor signed, kept beside its
 * key) included. A chain that does not extend the kept head is not signed: the export is still
 * written, to look at, and the command says why and answers 1.
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

  const keptHead = createKeptHeadFile(keptHeadPath(config.ledger.keyFile));
  const outFile = opts.out !== undefined && opts.out !== "-" ? opts.out : null;
  return withRedis(config.redis.url, "ledger-export", io, async (redis) => {
    const ledger = createLedger({ redis, keys: createKeys(opts.keyPrefix), now: Date.now, signer, keptHead });
    let broken: LedgerBrokenError | null = null;
    if (signer !== null) {
      try {
        await ledger.signHead();
      } catch (err) {
        if (!(err instanceof LedgerBrokenError)) throw err;
        broken = err;
      }
    }
    const kept = await readKeptForExport(keptHead, io);
    const extraHeads = kept === null ? [] : [kept];
    let counts: { entries: number; heads: number };
    if (outFile !== null) {
      const stream = createWriteStream(outFile, { flags: "w", mode: 0o644 });
      await once(stream, "open");
      counts = await exportLedger(
        ledger,
        async (chunk) => {
          if (!stream.write(chunk)) await once(stream, "drain");
        },
        { extraHeads },
      );
      stream.end();
      await once(stream, "finish");
    } else {
      counts = await exportLedger(ledger, (chunk) => io.stdout(chunk), { extraHeads });
    }
    io.stderr(
      `nurserywatch: exported ${counts.entries} ledger entries and ${counts.heads} signed heads${outFile !== null ? ` to ${outFile}` : ""}\n`,
    );
    if (broken !== null) {
      io.stderr(
        `nurserywatch: LEDGER BROKEN, the head was NOT signed: ${broken.message}\n` +
          `nurserywatch: check the export with \`nurserywatch ledger verify FILE --head ${keptHead.path}\`; ` +
          `only an operator who understands why (e.g. Redis lost its data) starts a new chain: \`nurserywatch ledger new-chain --config ${opts.configFile} --reason TEXT\`\n`,
      );
      return LEDGER_EXIT.failed;
    }
    return LEDGER_EXIT.ok;
  });
}

/** Runs a command on a short-lived Redis connection; 1 when Redis cannot be reached. */
async function withRedis(
  url: string | null,
  purpose: string,
  io: CommandIo,
  run: (redis: Redis) => Promise<number>,
): Promise<number> {
  const handle = await openRedis(url, { connection: CLI_CONNECTION });
  const redis = handle.factory(purpose);
  try {
    try {
      await pingRedis(redis);
    } catch (err) {
      io.stderr(
        `nurserywatch: cannot reach Redis (${(err as Error).message}); check redis.url or REDIS_URL\n`,
      );
      return LEDGER_EXIT.failed;
    }
    return await run(redis);
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
  /**
   * Files of signed heads known from elsewhere (the kept head file beside the monitor key,
   * heads a regulator received in heartbeats): the history must contain each one.
   */
  readonly heads?: readonly string[];
  readonly json?: boolean;
  readonly io?: CommandIo;
  /** Standard input, for file "-". */
  readonly stdin?: () => Promise<string>;
}

/** `nurserywatch ledger verify FILE [--public-key KEY] [--head FILE]... [--json]`: 0 intact, 1 failed, 2 usage. */
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
  const knownHeads: KnownHead[] = [];
  for (const file of opts.heads ?? []) {
    try {
      const text = await readFile(file, "utf8");
      for (const h of parseSignedHeads(text, file, { checkSignatures: false }))
        knownHeads.push({ ...h, source: file });
    } catch (err) {
      io.stderr(`nurserywatch: --head ${file}: ${(err as Error).message}\n`);
      return LEDGER_EXIT.usage;
    }
  }
  let result: LedgerVerifyResult;
  try {
    result = verifyLedgerExport(text, { ...(publicKey === undefined ? {} : { publicKey }), knownHeads });
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

/** The kept head, for the export; an unreadable one is said and left out (signing was refused already). */
async function readKeptForExport(keptHead: KeptHeadStore, io: CommandIo) {
  try {
    return await keptHead.read();
  } catch (err) {
    if (!(err instanceof KeptHeadError)) throw err;
    io.stderr(`nurserywatch: warning: ${err.message}\n`);
    return null;
  }
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString("utf8");
}

export interface LedgerNewChainOptions {
  readonly configFile: string;
  /** Why, in the operator's words; recorded in the ledger. */
  readonly reason: string;
  /** Redis key prefix; default "nw". */
  readonly keyPrefix?: string;
  readonly io?: CommandIo;
  readonly now?: () => number;
}

/**
 * `nurserywatch ledger new-chain --config FILE --reason TEXT`: the one way to make the monitor
 * sign a ledger that does not extend the last head it signed (Redis lost its data, or a
 * history was rewritten and has been looked at). Never automatic. It refuses when the ledger
 * does extend the kept head, or when the chain in Redis is itself broken (nothing honest to
 * sign). Otherwise it moves the kept head file aside (`*.archived.json`, kept for `ledger
 * verify --head` and for regulators), appends a `ledger.new_chain` event naming the old head
 * and the reason, and signs the new head, which becomes the kept one. A running daemon's
 * ledger_broken violation then resolves at the site evaluations after its next signing.
 */
export async function ledgerNewChainCommand(opts: LedgerNewChainOptions): Promise<number> {
  const io = opts.io ?? processIo;
  const now = opts.now ?? Date.now;
  if (opts.reason.trim() === "") {
    io.stderr(
      "nurserywatch: --reason is required: say why a new chain is started (it goes into the ledger)\n",
    );
    return LEDGER_EXIT.usage;
  }
  let config;
  let signer;
  try {
    config = await loadConfig(opts.configFile, processEnv());
    signer = createSigner(await loadMonitorKey(config.ledger.keyFile));
  } catch (err) {
    if (err instanceof ConfigError || err instanceof MonitorKeyError) {
      io.stderr(`nurserywatch: ${err.message}\n`);
      return LEDGER_EXIT.usage;
    }
    throw err;
  }
  const keptHead = createKeptHeadFile(keptHeadPath(config.ledger.keyFile));
  return withRedis(config.redis.url, "ledger-new-chain", io, async (redis) => {
    const ledger = createLedger({ redis, keys: createKeys(opts.keyPrefix), now, signer, keptHead });
    let broken: LedgerBrokenError;
    try {
      const kept = await ledger.checkExtendsKeptHead();
      io.stderr(
        kept === null
          ? "nurserywatch: there is no kept head yet; the daemon starts one at its first signing. Nothing to do.\n"
          : `nurserywatch: the ledger extends the kept head (entry ${kept.seq}); no new chain is needed. Nothing done.\n`,
      );
      return LEDGER_EXIT.failed;
    } catch (err) {
      if (!(err instanceof LedgerBrokenError)) throw err;
      broken = err;
    }
    try {
      await ledger.checkExtendsKeptHead(null);
    } catch (err) {
      if (!(err instanceof LedgerBrokenError)) throw err;
      io.stderr(
        `nurserywatch: the chain in Redis is itself broken (${err.message}); a new chain cannot be signed over it. ` +
          `Export it for the record, then move the ledger's keys in Redis aside before starting anew. Nothing done.\n`,
      );
      return LEDGER_EXIT.failed;
    }
    const archived = await keptHead.archive(now());
    const previous = broken.kept;
    const entry = await ledger.append("ledger.new_chain", config.site.id, {
      reason: opts.reason.trim(),
      problem: broken.reason,
      detail: broken.message,
      previousHead: previous === null ? null : { seq: previous.seq, hash: previous.hash, at: previous.at },
      archivedHeadFile: archived,
      redisHeadBefore: broken.current,
    });
    const head = await ledger.signHead();
    io.stderr(
      `nurserywatch: new chain started: the old kept head${previous === null ? "" : ` (entry ${previous.seq}, signed ${previous.at})`} ` +
        `${archived === null ? "was unreadable" : `is archived in ${archived}`}; ledger.new_chain recorded as entry ${entry.seq}; ` +
        `the head at entry ${head.seq} is signed and kept in ${keptHead.path}\n`,
    );
    return LEDGER_EXIT.ok;
  });
}
