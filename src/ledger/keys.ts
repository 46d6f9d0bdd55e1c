import {
  createHash,
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  sign,
  verify,
  type KeyObject,
} from "node:crypto";
import { chmod, mkdir, readFile, stat, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

/** Signs chain heads: the monitor's own Ed25519 key. */
export interface LedgerSigner {
  /** SPKI PEM of the public key. */
  readonly publicKey: string;
  /** Base64 Ed25519 signature of the UTF-8 message. */
  sign(message: string): string;
}

export interface MonitorKey {
  readonly path: string;
  readonly privateKey: KeyObject;
  /** SPKI PEM. */
  readonly publicKey: string;
  /** "SHA256:<base64>" of the public key's DER: short enough to read out over the phone. */
  readonly fingerprint: string;
  /** True when this call created the key. */
  readonly created: boolean;
  /** E.g. a key file others can read. */
  readonly warnings: readonly string[];
}

/** The key file is missing, unreadable or not an Ed25519 private key. Not retryable. */
export class MonitorKeyError extends Error {
  override readonly name = "MonitorKeyError";
  constructor(
    message: string,
    /** There is no key file at all (as opposed to an unreadable or wrong one). */
    readonly missing = false,
  ) {
    super(message);
  }
}

/** A public key given for verification is not an Ed25519 public key. */
export class PublicKeyFormatError extends Error {
  override readonly name = "PublicKeyFormatError";
}

/**
 * The monitor's key: created on first start (PEM, mode 0600, parent folder created) and loaded
 * after. Two processes starting together do not make two keys: the file is created
 * exclusively, and the loser loads the winner's key.
 */
export async function loadOrCreateMonitorKey(path: string): Promise<MonitorKey> {
  try {
    return await loadMonitorKey(path);
  } catch (err) {
    if (!(err instanceof MonitorKeyError) || !err.missing) throw err;
  }
  await mkdir(dirname(path), { recursive: true, mode: 0o700 });
  const { privateKey } = generateKeyPairSync("ed25519");
  const pem = privateKey.export({ type: "pkcs8", format: "pem" }).toString();
  try {
    await writeFile(path, pem, { mode: 0o600, flag: "wx" });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EEXIST") return loadMonitorKey(path);
    throw new MonitorKeyError(`cannot create the monitor key ${path}: ${(err as Error).message}`);
  }
  await chmod(path, 0o600);
  return { ...describe(path, privateKey), created: true, warnings: [] };
}

/** Loads an existing key; throws MonitorKeyError (with `missing` set when there is no file). */
export async function loadMonitorKey(path: string): Promise<MonitorKey> {
  let pem: string;
  let mode: number;
  try {
    pem = await readFile(path, "utf8");
    mode = (await stat(path)).mode;
  } catch (err) {
    throw new MonitorKeyError(
      `cannot read the monitor key ${path}: ${(err as Error).message}`,
      (err as NodeJS.ErrnoException).code === "ENOENT",
    );
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch (err) {
    throw new MonitorKeyError(`${path} is not a PEM private key: ${(err as Error).message}`);
  }
  if (privateKey.asymmetricKeyType !== "ed25519") {
    throw new MonitorKeyError(
      `${path} holds a ${privateKey.asymmetricKeyType ?? "unknown"} key, not Ed25519`,
    );
  }
  const warnings =
    (mode & 0o077) !== 0
      ? [
          `the monitor key ${path} can be read by other users (mode ${(mode & 0o777).toString(8)}); chmod 600 it`,
        ]
      : [];
  return { ...describe(path, privateKey), created: false, warnings };
}

function describe(path: string, privateKey: KeyObject): Omit<MonitorKey, "created" | "warnings"> {
  const publicKey = createPublicKey(privateKey);
  return {
    path,
    privateKey,
    publicKey: publicKey.export({ type: "spki", format: "pem" }).toString(),
    fingerprint: publicKeyFingerprint(publicKey),
  };
}

export function createSigner(key: Pick<MonitorKey, "privateKey" | "publicKey">): LedgerSigner {
  return {
    publicKey: key.publicKey,
    sign: (message) => sign(null, Buffer.from(message, "utf8"), key.privateKey).toString("base64"),
  };
}

/**
 * An Ed25519 public key from SPKI PEM, base64 of its SPKI DER, or base64 of the raw 32 bytes.
 * Throws PublicKeyFormatError.
 */
export function parsePublicKey(text: string): KeyObject {
  const trimmed = text.trim();
  let key: KeyObject;
  try {
    if (trimmed.includes("-----BEGIN")) {
      key = createPublicKey(trimmed);
    } else {
      const bytes = Buffer.from(trimmed, "base64");
      key =
        bytes.length === 32
          ? createPublicKey({
              key: { kty: "OKP", crv: "Ed25519", x: bytes.toString("base64url") },
              format: "jwk",
            })
          : createPublicKey({ key: bytes, format: "der", type: "spki" });
    }
  } catch (err) {
    throw new PublicKeyFormatError(
      `not a public key (PEM, or base64 of SPKI DER or of 32 raw bytes): ${(err as Error).message}`,
    );
  }
  if (key.asymmetricKeyType !== "ed25519") {
    throw new PublicKeyFormatError(`a ${key.asymmetricKeyType ?? "unknown"} key, not Ed25519`);
  }
  return key;
}

export function publicKeyFingerprint(key: KeyObject | string): string {
  const k = typeof key === "string" ? parsePublicKey(key) : key;
  const der = k.export({ type: "spki", format: "der" });
  return `SHA256:${createHash("sha256").update(der).digest("base64").replace(/=+$/, "")}`;
}

export function sameKey(a: KeyObject, b: KeyObject): boolean {
  return a.export({ type: "spki", format: "der" }).equals(b.export({ type: "spki", format: "der" }));
}

export function verifySignature(key: KeyObject, message: string, signatureBase64: string): boolean {
  try {
    return verify(null, Buffer.from(message, "utf8"), key, Buffer.from(signatureBase64, "base64"));
  } catch {
    return false;
  }
}
