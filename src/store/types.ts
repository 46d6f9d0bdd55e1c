/** A dashboard login. Only the SHA-256 of the session id is ever stored. */
export interface StoredSession {
  /** SHA-256 hex of the cookie's session id. */
  readonly idHash: string;
  /** The API key it was opened with (its name, never the key). */
  readonly keyName: string;
  /** The sites that key administered at login (empty for a district key). */
  readonly sites: readonly string[];
  /** Opened with a district-wide admin key: every site. */
  readonly district: boolean;
  readonly createdAt: string;
  readonly expiresAt: string;
}

/** What the dashboard shows of a device's latest poll: no addresses, no credentials. */
export interface DeviceSummary {
  readonly deviceId: string;
  readonly startedAt: string;
  /** When the poll finished (our clock, ISO). */
  readonly polledAt: string;
  readonly reachable: boolean;
  readonly error: { readonly kind: string; readonly message: string } | null;
  readonly deviceUtc: string | null;
  readonly clockSource: "utc" | "local+tz" | "none" | null;
  readonly manufacturer: string | null;
  readonly model: string | null;
  readonly firmwareVersion: string | null;
  readonly profiles: number | null;
  readonly recordings: number | null;
}
