/**
 * Families and what they may watch (DESIGN.md §6). Plain types: access/ decides, store/ keeps
 * them, http/ and the CLI show them. A token is never part of any of these: only its id and the
 * SHA-256 of it are kept.
 */

/** A family of one site and its grant. */
export interface Family {
  readonly siteId: string;
  readonly id: string;
  readonly name: string;
  /** Zones granted as written (never a private one); their cameras outside private zones are granted. */
  readonly zones: readonly string[];
  /** Cameras granted one by one (never one that shows a private zone, whatever else it covers). */
  readonly cameras: readonly string[];
  /**
   * Viewing windows as written ("Mon-Fri 08:00-17:30"), each inside a window of the site's
   * parents.windows; empty: the site's windows.
   */
  readonly windows: readonly string[];
  /** Concurrent viewer sessions; at most the site's parents.maxSessionsPerFamily. */
  readonly maxSessions: number;
  readonly createdAt: string;
  readonly createdBy: string;
}

/** One access token as stored: its hash, never the token. */
export interface AccessTokenRecord {
  readonly siteId: string;
  readonly familyId: string;
  /** Public id (shown, used to revoke one token); not derived from the token. */
  readonly tokenId: string;
  /** SHA-256 hex of the token. */
  readonly sha256: string;
  /** The family's generation when it was issued: a revocation of the family bumps it. */
  readonly generation: number;
  readonly issuedAt: string;
  readonly issuedBy: string;
  readonly expiresAt: string;
}

/** A parent's viewer session as stored (the cookie holds its id; Redis only the id's hash). */
export interface ViewerSession {
  readonly siteId: string;
  readonly familyId: string;
  /** SHA-256 hex of the session id. */
  readonly idHash: string;
  /** The family's generation when it started: a revocation of the family ends it. */
  readonly generation: number;
  /** The token it was opened with (its id, never the token). */
  readonly tokenId: string;
  readonly startedAt: string;
  readonly expiresAt: string;
}

/** Why a parent is refused (audited with the refusal; the parent sees one uniform error). */
export type DenialReason =
  "expired" | "revoked" | "outside_window" | "camera_not_granted" | "cap_reached" | "unknown_token";

/** What the audit log records: viewing and changes to access, never a token. */
export type AuditEvent =
  | {
      readonly type: "session.started";
      readonly familyId: string;
      readonly sessionId: string;
      readonly cameraId: string | null;
    }
  | {
      readonly type: "session.stopped";
      readonly familyId: string;
      readonly sessionId: string;
      readonly cameraId: string | null;
      readonly startedAt: string;
    }
  | {
      readonly type: "access.denied";
      readonly familyId: string | null;
      readonly cameraId: string | null;
      readonly reason: DenialReason;
    }
  | {
      readonly type: "family.granted";
      readonly familyId: string;
      readonly zones: readonly string[];
      readonly cameras: readonly string[];
      readonly windows: readonly string[];
      readonly maxSessions: number;
    }
  | { readonly type: "family.removed"; readonly familyId: string }
  | {
      readonly type: "token.issued";
      readonly familyId: string;
      readonly tokenId: string;
      readonly expiresAt: string;
    }
  | { readonly type: "token.revoked"; readonly familyId: string; readonly tokenId: string }
  | { readonly type: "family.revoked"; readonly familyId: string; readonly generation: number };

/** One line of the audit log: the event, where, when and by whom. */
export type AuditRecord = AuditEvent & {
  readonly id: string;
  readonly siteId: string;
  readonly at: string;
  /** Who did it: an API key's or operator's name, "parent" for a viewer. */
  readonly by: string;
};
