import { resolve } from "node:path";
import type { FindingKind } from "../domain/finding.ts";
import type { Secret } from "../domain/secret.ts";
import type { Camera, Device, Site, Zone } from "../domain/site.ts";
import { FINDING_KINDS } from "./findingKinds.ts";
import { DEFAULTS, type ConfigInput } from "./schema.ts";
import type { ResolvedPolicy } from "./policy.ts";
import type { ResolvedExternals } from "./secrets.ts";
import { toUtcIso } from "./time.ts";
import type { LoadedConfig, ParentsConfig, Recipient, Route } from "./types.ts";
import { parseViewingWindow, type ViewingWindow } from "./windows.ts";

/**
 * Turns a document that passed every check into the read-only result. It relies on those
 * checks (ids resolve, secrets were found); the `??` fall-backs repeat the schema's defaults
 * from the same DEFAULTS so the types hold even for a caller that skipped useDefaults.
 */
export function buildLoadedConfig(
  file: string,
  config: ConfigInput,
  resolved: ResolvedPolicy,
  externals: ResolvedExternals,
  warnings: LoadedConfig["warnings"],
): LoadedConfig {
  const dir = resolve(file, "..");
  const tz = config.site.timezone;

  const devices: Device[] = config.devices.map((d, i) => ({
    id: d.id,
    kind: d.kind ?? DEFAULTS.device.kind,
    onvif: d.onvif,
    username: d.username,
    password: present(externals.devicePasswords[i], `devices[${i}] password`),
    timeoutSeconds: d.timeoutSeconds ?? DEFAULTS.device.timeoutSeconds,
    maxConcurrency: d.maxConcurrency ?? DEFAULTS.device.maxConcurrency,
    tls:
      d.tls === undefined
        ? null
        : { ca: externals.deviceCas[i] ?? null, fingerprint256: normalizeFingerprint(d.tls.fingerprint256) },
  }));

  const zones: Zone[] = config.zones.map((z) => ({
    id: z.id,
    kind: z.kind,
    name: z.name ?? z.id,
    private: z.private ?? DEFAULTS.zone.private,
    minCameras: z.minCameras ?? DEFAULTS.zone.minCameras,
  }));

  const cameras: Camera[] = config.cameras.map((c) => ({
    id: c.id,
    name: c.name ?? c.id,
    device: c.device,
    profile: c.profile,
    recording: c.recording ?? null,
    zones: [...c.zones],
    referenceImage: c.referenceImage === undefined ? null : resolve(dir, c.referenceImage),
    commissionedAt: c.commissionedAt === undefined ? null : toUtcIso(c.commissionedAt, tz),
    streamUri: c.streamUri ?? null,
    snapshotUri: c.snapshotUri ?? null,
  }));

  const site: Site = {
    id: config.site.id,
    name: config.site.name ?? config.site.id,
    registration: config.site.registration ?? null,
    timezone: tz,
    commissionedAt: toUtcIso(config.site.commissionedAt, tz),
    locale: config.site.locale ?? DEFAULTS.locale,
    // Explicit keys over the preset over the built-in defaults (policy.ts), with where each came from.
    policy: resolved.policy,
    policyProvenance: resolved.provenance,
    devices,
    zones,
    cameras,
  };

  const listen = config.http?.listen ?? DEFAULTS.http.listen;
  const colon = listen.lastIndexOf(":");
  const http: LoadedConfig["http"] = {
    listen,
    host: listen.slice(0, colon).replace(/^\[(.*)\]$/, "$1"),
    port: Number(listen.slice(colon + 1)),
    publicUrl: config.http?.publicUrl?.replace(/\/+$/, "") ?? null,
    openMetrics: config.http?.openMetrics ?? false,
    apiKeys: (config.http?.apiKeys ?? []).map((k) => ({
      name: k.name,
      role: k.role,
      sha256: k.sha256.toLowerCase(),
      scope: k.scope ?? "site",
    })),
  };

  const recipients: Recipient[] = (config.recipients ?? []).map((r, i) => ({
    id: r.id,
    name: r.name ?? r.id,
    webhook:
      r.webhook === undefined
        ? null
        : {
            url: r.webhook.url,
            secretEnv: r.webhook.secretEnv,
            secret: present(externals.webhookSecrets[i], `recipients[${i}] webhook secret`),
          },
    email: [...(r.email ?? [])],
  }));

  const routes: Route[] = (config.routes ?? []).map((r) => ({
    to: [...r.to],
    kinds: [...(r.kinds ?? FINDING_KINDS)] as FindingKind[],
    afterSeconds: r.afterSeconds ?? DEFAULTS.route.afterSeconds,
    severity: r.severity ?? DEFAULTS.route.severity,
  }));

  const parents: ParentsConfig = {
    enabled: resolved.parentsEnabled,
    windows: (config.parents?.windows ?? DEFAULTS.parents.windows).map((w) => {
      const parsed = parseViewingWindow(w);
      if (typeof parsed === "string") throw new Error(`unchecked viewing window ${w}: ${parsed}`);
      return parsed satisfies ViewingWindow;
    }),
    maxSessionsPerFamily: config.parents?.maxSessionsPerFamily ?? DEFAULTS.parents.maxSessionsPerFamily,
  };

  return {
    file,
    site,
    http,
    redis: { url: config.redis?.url ?? null },
    recipients,
    routes,
    parents,
    ledger: {
      keyFile: resolve(dir, config.ledger?.keyFile ?? DEFAULTS.ledger.keyFile),
      signIntervalSeconds: config.ledger?.signIntervalSeconds ?? DEFAULTS.ledger.signIntervalSeconds,
    },
    warnings,
  };
}

/** "ab:cd:..." or 64 bare hex digits -> "AB:CD:...", the form Node's checkServerIdentity compares. */
function normalizeFingerprint(value: string | undefined): string | null {
  if (value === undefined) return null;
  const hex = value.replace(/:/g, "").toUpperCase();
  return hex.match(/.{2}/g)?.join(":") ?? null;
}

/** A secret the checks guaranteed; missing here is a bug in this module, not in the file. */
function present(secret: Secret | null | undefined, what: string): Secret {
  if (!secret) throw new Error(`internal: ${what} was not resolved although the checks passed`);
  return secret;
}
