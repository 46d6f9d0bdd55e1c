export { createLedger, LedgerBusyError, LedgerIntegrityError, LedgerDataError } from "./ledger.ts";
export type { Ledger, LedgerHead, LedgerOptions } from "./ledger.ts";
export { canonicalJson, entryHash, headPayload, GENESIS_HASH } from "./canonical.ts";
export {
  loadOrCreateMonitorKey,
  loadMonitorKey,
  createSigner,
  parsePublicKey,
  publicKeyFingerprint,
  sameKey,
  verifySignature,
  MonitorKeyError,
  PublicKeyFormatError,
} from "./keys.ts";
export type { LedgerSigner, MonitorKey } from "./keys.ts";
export { createHeadSigner } from "./headSigner.ts";
export type { HeadSigner, HeadSignerOptions } from "./headSigner.ts";
export { exportLedger, headLine } from "./export.ts";
export { verifyLedgerExport } from "./verify.ts";
export type { LedgerVerifyOptions, LedgerVerifyResult, LedgerProblem, LedgerProblemCode } from "./verify.ts";
