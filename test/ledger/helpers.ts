import { generateKeyPairSync } from "node:crypto";
import { createSigner, type LedgerSigner } from "../../src/ledger/keys.ts";

/** A fresh Ed25519 signer (no file). */
export function testSigner(): LedgerSigner {
  const { privateKey, publicKey } = generateKeyPairSync("ed25519");
  return createSigner({
    privateKey,
    publicKey: publicKey.export({ type: "spki", format: "pem" }).toString(),
  });
}

/** A clock the test moves. */
export function fakeClock(start = Date.parse("2026-10-01T00:00:00.000Z")): {
  now: () => number;
  advance(ms: number): void;
} {
  let t = start;
  return {
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
  };
}
