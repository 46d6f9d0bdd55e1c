import type { FindingKind } from "../domain/finding.ts";
import type { Secret } from "../domain/secret.ts";
import type { Site } from "../domain/site.ts";
import type { API_KEY_ROLES, API_KEY_SCOPES, ROUTE_SEVERITIES } from "./schema.ts";
import type { ViewingWindow } from "./windows.ts";

export type { ViewingWindow } from "./windows.ts";

/** A validated configuration file: the site plus what the daemon's other parts need. */
export interface LoadedConfig {
  /** Absolute path of the file it came from. */
  readonly file: string;
  readonly site: Site;
  readonly http: HttpConfig;
  readonly redis: RedisConfig;
  readonly recipients: readonly Recipient[];
  readonly routes: readonly Route[];
  readonly parents: ParentsConfig;
  readonly ledger: LedgerConfig;
  /**
   * Problems that do not stop loading (a world-readable password file, an unused device...),
   * each a ready line "FILE:LINE: KEY PATH: PROBLEM".
   */
  readonly warnings: readonly string[];
}

export type ApiKeyRole = (typeof API_KEY_ROLES)[number];

export type ApiKeyScope = (typeof API_KEY_SCOPES)[number];

export interface ApiKeyEntry {
  readonly name: string;
  readonly role: ApiKeyRole;
  /** SHA-256 of the key, lower-case hex (see src/auth/apiKey.ts). */
  readonly sha256: string;
  /** site: acts on the site of its file only; district: on every site of the deployment. */
  readonly scope: ApiKeyScope;
}

/** A key of a deployment (all its site files) with where it acts. */
export interface DeploymentApiKey {
  readonly name: string;
  readonly role: ApiKeyRole;
  readonly sha256: string;
  /** The one site it acts on; null for a district-wide key (every site of the deployment). */
  readonly site: string | null;
}

export interface HttpConfig {
  /** As written, e.g. "0.0.0.0:8080". */
  readonly listen: string;
  /** Host to bind, brackets removed for IPv6 ("" means every address). */
  readonly host: string;
  readonly port: number;
  /** Base address for parent links and alert payloads, without a trailing slash; null when not set. */
  readonly publicUrl: string | null;
  /** /metrics without a key (http.openMetrics); false unless the file says so. */
  readonly openMetrics: boolean;
  readonly apiKeys: readonly ApiKeyEntry[];
}

export interface RedisConfig {
  /** null when neither the file nor the environment names one: the daemon then runs a private redis-server. */
  readonly url: string | null;
}

export interface WebhookChannel {
  readonly url: string;
  /** Name of the variable the secret came from, for messages. */
  readonly secretEnv: string;
  /** Standard Webhooks signing secret, "whsec_<base64>". */
  readonly secret: Secret;
}

export interface Recipient {
  readonly id: string;
  readonly name: string;
  readonly webhook: WebhookChannel | null;
  readonly email: readonly string[];
}

export type RouteSeverity = (typeof ROUTE_SEVERITIES)[number];

export interface Route {
  /** Recipient ids, all known. */
  readonly to: readonly string[];
  /** Finding kinds sent along this route; every kind when the file left it out. */
  readonly kinds: readonly FindingKind[];
  /** Only violations open at least this long are sent. */
  readonly afterSeconds: number;
  readonly severity: RouteSeverity;
}

export interface ParentsConfig {
  readonly enabled: boolean;
  /** In site.timezone; families may narrow them, never widen them. */
  readonly windows: readonly ViewingWindow[];
  readonly maxSessionsPerFamily: number;
  /** Days the access audit log is kept. */
  readonly auditDays: number;
}

export interface LedgerConfig {
  /** Absolute path of the monitor's Ed25519 private key (PEM). */
  readonly keyFile: string;
  readonly signIntervalSeconds: number;
}
