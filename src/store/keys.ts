/**
 * Every Redis key of the daemon, built in one place. A prefix (default "nw") keeps deployments
 * and test runs apart. Keys of one site carry the hash tag `{site:ID}` so that they live in one
 * Cluster slot: the violation engine commits a site's state in one script, which Redis Cluster
 * allows only when every key of the script hashes to the same slot. The ledger is one chain for
 * the whole monitor, under its own tag `{ledger}`.
 */
export interface Keys {
  readonly prefix: string;
  /** Site ids seen by the engine (a set). */
  readonly sites: string;
  readonly site: (siteId: string) => SiteKeys;
  readonly ledger: LedgerKeys;
  /** Maintenance window id -> site id, so a window can be ended by its id alone. */
  readonly maintenanceIndex: string;
  /** Parents' access token SHA-256 hex -> {siteId, tokenId}: a token names no site, its hash finds it. */
  readonly accessTokenIndex: string;
  /** One dashboard session, by the SHA-256 hex of its id. */
  readonly session: (idHash: string) => string;
  /** Short lock while one worker polls a device: a device is never polled by two workers at once. */
  readonly deviceLock: (siteId: string, deviceId: string) => string;
  /** List of OutboxMessage JSON, oldest first: a subscriber's transitions of one site (in the site's slot). */
  readonly outbox: (siteId: string, subscriber: string) => string;
  /** The same for a device's picture probes (they run beside its polls, never twice at once). */
  readonly probeLock: (siteId: string, deviceId: string) => string;
  /** The same for a device's retention scans (beside its polls and probes, never twice at once). */
  readonly scanLock: (siteId: string, deviceId: string) => string;
  /** Sorted set: a family's live viewer session ids by expiry (ms), what its cap counts (site slot). */
  readonly viewerSessions: (siteId: string, familyId: string) => string;
  /** One viewer session (ViewerSession JSON, expiring with it), by the SHA-256 hex of its id (site slot). */
  readonly viewerSession: (siteId: string, idHash: string) => string;
  /** Every key this prefix owns, as a SCAN MATCH pattern (tests delete their keys with it). */
  readonly pattern: string;
}

export interface SiteKeys {
  /** Short lock: one writer of the site's violation state at a time. */
  readonly lock: string;
  /** Hash: lastAppliedSeq, lastAppliedAt, firstAppliedAt (ms), lastLedger. */
  readonly meta: string;
  /** Counter: the site's evaluations in the order they started (INCR), which orders them, not the clock. */
  readonly evaluationSeq: string;
  /** Latest CheckReport (JSON). */
  readonly report: string;
  /** Hash: device id -> DeviceSummary JSON. */
  readonly devices: string;
  /** Hash: device id -> last poll finished (ms). */
  readonly polls: string;
  /** Hash: device id -> its latest DeviceObservation JSON (no stream addresses), what the site is evaluated from. */
  readonly observations: string;
  /** Hash: camera id -> its latest PictureObservation JSON (picture probes). */
  readonly pictures: string;
  /** Hash: device id -> DeviceHistories JSON (retention scans: recording history per recording, and the scan cursor). */
  readonly histories: string;
  /** Hash: `<device>:failures` consecutive unreachable polls, `<device>:skip` scheduled polls still to skip (backoff). */
  readonly backoff: string;
  /** Hash: finding key -> violation id, for every finding currently pending or open. */
  readonly tracked: string;
  /** Hash: violation id -> TrackedViolation JSON (pending, open, and resolved until trimmed). */
  readonly violations: string;
  /** Sorted set: violation id by openedAt (open ones only). */
  readonly open: string;
  /** Sorted set: violation id by firstSeenAt (every stored violation; the listing order). */
  readonly all: string;
  /** Sorted set: violation id by resolvedAt (resolved ones; the retention order). */
  readonly resolved: string;
  /** Sorted set: compact lapse records by end time. */
  readonly lapses: string;
  /** Hash: incident key -> Incident JSON. */
  readonly incidents: string;
  /** Sorted set: incident key by reportedAt. */
  readonly incidentIndex: string;
  /** Hash: window id -> MaintenanceWindow JSON. */
  readonly maintenance: string;
  /** Sorted set: window id by its end. */
  readonly maintenanceByEnd: string;
  /** Hash: family id -> Family JSON (parents' access). */
  readonly families: string;
  /** Hash: family id -> generation; bumped by a revocation, kept after removal so it never goes back. */
  readonly familyGenerations: string;
  /** Hash: token id -> AccessTokenRecord JSON (the token's SHA-256, never the token). */
  readonly accessTokens: string;
  /** Sorted set: "<seq> <AuditRecord JSON>" by time (ms); trimmed to parents.auditDays. */
  readonly audit: string;
  /** Counter: orders audit records written within the same millisecond. */
  readonly auditSeq: string;
}

export interface LedgerKeys {
  /** List of canonical entry JSON; index = seq - 1. */
  readonly entries: string;
  /** Hash: seq, hash of the newest entry. */
  readonly head: string;
  /** Hash: event id -> seq, so an event appended twice (a retried job) is stored once. */
  readonly eventIds: string;
  /** List of SignedHead JSON, oldest first, one per distinct signed seq. */
  readonly signedHeads: string;
  /** The newest SignedHead JSON (re-signed at every interval even when nothing was appended). */
  readonly latestSignedHead: string;
  /** LedgerState JSON: what the last signing found, read by every site evaluation (ledger_broken). */
  readonly state: string;
}

export const DEFAULT_KEY_PREFIX = "nw";

const PREFIX_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;
const PART_PATTERN = /^[^{}\s*?[\]]{1,200}$/;

export function createKeys(prefix: string = DEFAULT_KEY_PREFIX): Keys {
  if (!PREFIX_PATTERN.test(prefix)) throw new Error(`invalid Redis key prefix ${JSON.stringify(prefix)}`);
  const p = prefix;
  const ledgerTag = `${p}:{ledger}`;
  return {
    prefix: p,
    sites: `${p}:sites`,
    site: (siteId) => {
      const s = `${p}:{site:${part(siteId, "site id")}}`;
      return {
        lock: `${s}:lock`,
        meta: `${s}:meta`,
        evaluationSeq: `${s}:evaluation-seq`,
        report: `${s}:report`,
        devices: `${s}:devices`,
        polls: `${s}:polls`,
        observations: `${s}:observations`,
        pictures: `${s}:pictures`,
        histories: `${s}:histories`,
        backoff: `${s}:backoff`,
        tracked: `${s}:tracked`,
        violations: `${s}:violations`,
        open: `${s}:violations:open`,
        all: `${s}:violations:all`,
        resolved: `${s}:violations:resolved`,
        lapses: `${s}:lapses`,
        incidents: `${s}:incidents`,
        incidentIndex: `${s}:incidents:index`,
        maintenance: `${s}:maintenance`,
        maintenanceByEnd: `${s}:maintenance:byend`,
        families: `${s}:access:families`,
        familyGenerations: `${s}:access:generations`,
        accessTokens: `${s}:access:tokens`,
        audit: `${s}:access:audit`,
        auditSeq: `${s}:access:audit-seq`,
      };
    },
    ledger: {
      entries: `${ledgerTag}:entries`,
      head: `${ledgerTag}:head`,
      eventIds: `${ledgerTag}:eventids`,
      signedHeads: `${ledgerTag}:signedheads`,
      latestSignedHead: `${ledgerTag}:signedhead`,
      state: `${ledgerTag}:state`,
    },
    maintenanceIndex: `${p}:maintenance:sites`,
    accessTokenIndex: `${p}:access:tokenindex`,
    session: (idHash) => `${p}:session:${part(idHash, "session hash")}`,
    probeLock: (siteId, deviceId) =>
      `${p}:{site:${part(siteId, "site id")}}:probelock:${part(deviceId, "device id")}`,
    scanLock: (siteId, deviceId) =>
      `${p}:{site:${part(siteId, "site id")}}:scanlock:${part(deviceId, "device id")}`,
    deviceLock: (siteId, deviceId) =>
      `${p}:{site:${part(siteId, "site id")}}:pollock:${part(deviceId, "device id")}`,
    viewerSessions: (siteId, familyId) =>
      `${p}:{site:${part(siteId, "site id")}}:access:viewers:${part(familyId, "family id")}`,
    viewerSession: (siteId, idHash) =>
      `${p}:{site:${part(siteId, "site id")}}:access:viewer:${part(idHash, "session hash")}`,
    outbox: (siteId, subscriber) =>
      `${p}:{site:${part(siteId, "site id")}}:outbox:${part(subscriber, "subscriber")}`,
    pattern: `${p}:*`,
  };
}

/** Ids come from validated configuration; this only guards against a brace breaking the hash tag. */
function part(value: string, what: string): string {
  if (!PART_PATTERN.test(value)) throw new Error(`invalid ${what} for a Redis key: ${JSON.stringify(value)}`);
  return value;
}
