import { Type, type Static, type TSchema } from "@sinclair/typebox";
import type { FindingKind } from "../domain/finding.ts";
import type { Locale, ZoneKind } from "../domain/site.ts";
import { FINDING_KINDS } from "./findingKinds.ts";
import { PRESET_IDS } from "./presets.ts";

/*
 * The JSON Schema of a site configuration file (the contract in shared/config-example.yaml).
 * It is published as config/schema.json (scripts/write-config-schema.ts) and validates every
 * loaded file. Rules a schema cannot state (references between ids, secrets that must exist)
 * live in crossCheck.ts and secrets.ts.
 *
 * `x-expect` is an annotation of ours: a short phrase for what a pattern or format wants, so
 * an error says "must be an http:// or https:// URL" rather than quoting a regular expression.
 */

export const LOCALES = ["zh-CN", "en"] as const satisfies readonly Locale[];
export const ZONE_KINDS = ["entrance", "living", "activity", "other"] as const satisfies readonly ZoneKind[];
export const DEVICE_KINDS = ["nvr", "camera"] as const;
export const API_KEY_ROLES = ["admin", "regulator", "metrics"] as const;
export const API_KEY_SCOPES = ["site", "district"] as const;
export const ROUTE_SEVERITIES = ["info", "warning", "critical"] as const;

/**
 * Defaults of everything optional that has one; the district plan's values for the policy, with
 * the parents' view and the motion-detection requirement off. Policy keys a preset sets
 * (presets.ts) carry no schema default: which value applies depends on the preset, and policy.ts
 * must see whether the file set them.
 */
export const DEFAULTS = {
  locale: "zh-CN" as Locale,
  http: { listen: "0.0.0.0:8080" },
  policy: {
    retentionDays: 90,
    retentionToleranceHours: 24,
    maxRecordingLagSeconds: 300,
    maxGapMinutes: 10,
    maxClockDriftSeconds: 30,
    requiredZoneKinds: ["entrance", "living", "activity"] as readonly ZoneKind[],
    requireMotionDetection: false,
    pollIntervalSeconds: 30,
    probeIntervalSeconds: 300,
    retentionIntervalSeconds: 3600,
    graceSeconds: 120,
    graceByKind: { retention_short: 3600, image_frozen: 900 } as Readonly<
      Partial<Record<FindingKind, number>>
    >,
    recoverySeconds: 60,
  },
  device: { kind: "nvr" as (typeof DEVICE_KINDS)[number], timeoutSeconds: 5, maxConcurrency: 4 },
  zone: { private: false, minCameras: 1 },
  route: { afterSeconds: 0, severity: "critical" as (typeof ROUTE_SEVERITIES)[number] },
  parents: { enabled: false, windows: ["Mon-Fri 08:00-17:30"] as readonly string[], maxSessionsPerFamily: 2 },
  ledger: { keyFile: "var/monitor-ed25519.pem", signIntervalSeconds: 300 },
} as const;

const StringEnum = <T extends readonly string[]>(values: T, options: Record<string, unknown> = {}) =>
  Type.Unsafe<T[number]>({ type: "string", enum: [...values], ...options });

const Id = (description: string) =>
  Type.String({
    pattern: "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$",
    "x-expect": "an id of letters, digits, '.', '_' or '-' (at most 64, starting with a letter or digit)",
    description,
  });

const Text = (description: string) => Type.String({ minLength: 1, description });

/** A date means midnight in site.timezone; a date-time must carry its offset. */
const DateOrDateTime = (description: string) =>
  Type.Union([Type.String({ format: "date" }), Type.String({ format: "date-time" })], {
    "x-expect":
      "a date (2026-09-01, midnight in site.timezone) or a date-time with offset (2026-09-01T08:00:00+08:00)",
    description,
  });

const HttpUrl = (description: string) =>
  Type.String({
    format: "uri",
    pattern: "^[Hh][Tt][Tt][Pp][Ss]?://",
    "x-expect": "an http:// or https:// URL",
    description,
  });

const EnvName = (description: string) =>
  Type.String({
    pattern: "^[A-Za-z_][A-Za-z0-9_]*$",
    "x-expect": "an environment variable name (letters, digits and '_')",
    description,
  });

const Seconds = (description: string, def?: number, minimum = 0) =>
  Type.Integer({ minimum, description, ...(def === undefined ? {} : { default: def }) });

const strict = { additionalProperties: false } as const;

const P = DEFAULTS.policy;

const SiteSchema = Type.Object(
  {
    id: Id("Stable id of the site, used in alerts and metrics labels."),
    name: Type.Optional(Text("Display name of the nursery; defaults to the id.")),
    registration: Type.Optional(Text("The nursery's filing number with the health commission.")),
    timezone: Type.String({
      minLength: 1,
      description:
        "IANA time zone of the site, e.g. Asia/Shanghai. Dates and viewing windows are read in it.",
    }),
    commissionedAt: DateOrDateTime(
      "When monitoring began; retention is 'accruing' until retentionDays after it. A bare date is midnight in site.timezone.",
    ),
    locale: Type.Optional(
      StringEnum(LOCALES, {
        default: DEFAULTS.locale,
        description: "Language of reports, pages and alert texts.",
      }),
    ),
  },
  { ...strict, description: "The nursery this file describes." },
);

const ApiKeySchema = Type.Object(
  {
    name: Id("Name of the key holder, for audit lines."),
    role: StringEnum(API_KEY_ROLES, {
      description:
        "admin: everything; regulator: read status, violations, reports, maintenance and the ledger; metrics: only scrape /metrics.",
    }),
    scope: Type.Optional(
      StringEnum(API_KEY_SCOPES, {
        default: "site",
        description:
          "site (the default): the key acts on this file's site only. district: on every site of the deployment (all site files loaded together); declare it only in site files the district writes.",
      }),
    ),
    sha256: Type.String({
      pattern: "^[0-9a-fA-F]{64}$",
      "x-expect": "64 hex digits (the SHA-256 of the key, as `nurserywatch` prints it with a new key)",
      description: "SHA-256 hex of the bearer key; the key itself is never stored.",
    }),
  },
  strict,
);

const HttpSchema = Type.Object(
  {
    listen: Type.Optional(
      Type.String({
        pattern: "^(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9.-]*):[0-9]{1,5}$",
        "x-expect": "HOST:PORT, e.g. 0.0.0.0:8080 or [::1]:8080",
        default: DEFAULTS.http.listen,
        description: "Address of the dashboard, API, metrics and the parents' pages.",
      }),
    ),
    publicUrl: Type.Optional(
      HttpUrl(
        "The address put into parent links and alert payloads. When it is https the dashboard's session cookie is Secure.",
      ),
    ),
    openMetrics: Type.Optional(
      Type.Boolean({
        default: false,
        description:
          "true: /metrics answers without a key. Only for a listen address that nobody but the scraper reaches; by default a scrape needs a key that acts on every site (role metrics, regulator or admin).",
      }),
    ),
    apiKeys: Type.Optional(
      Type.Array(ApiKeySchema, {
        default: [],
        description: "Bearer keys for the API, the dashboard and /metrics.",
      }),
    ),
  },
  { ...strict, default: {}, description: "The HTTP server." },
);

const RedisSchema = Type.Object(
  {
    url: Type.Optional(
      Type.String({
        format: "uri",
        pattern: "^rediss?://",
        "x-expect": "a redis:// or rediss:// URL",
        description:
          "Redis address (REDIS_URL or NURSERYWATCH_REDIS_URL override it). Unset: the daemon starts a private redis-server with AOF under var/, never whatever listens on 6379.",
      }),
    ),
  },
  {
    ...strict,
    default: {},
    description: "Queues, state, ledger and tokens. Production keeps AOF on and noeviction.",
  },
);

const graceByKindProperties: Record<string, TSchema> = Object.fromEntries(
  FINDING_KINDS.map((k) => [k, Type.Optional(Seconds(`Grace for ${k}, in seconds.`))]),
);

/** Description of a key a preset may set: the default depends on the preset. */
const presetDefault = (text: string, builtIn: string) =>
  `${text} Default: the preset's value, else ${builtIn} (\`nurserywatch presets\` lists them).`;

const PolicySchema = Type.Object(
  {
    preset: Type.Optional(
      StringEnum(PRESET_IDS, {
        description:
          "Fills the policy from a cited source: national-2024, beijing, xigong, school-30d, or custom (the default: this file's values over the built-in defaults). Keys set here override the preset.",
      }),
    ),
    retentionDays: Type.Optional(
      Type.Integer({
        minimum: 1,
        description: presetDefault("Recordings must reach back this many days.", String(P.retentionDays)),
      }),
    ),
    retentionToleranceHours: Type.Optional(
      Type.Integer({
        minimum: 0,
        default: P.retentionToleranceHours,
        description: "A recorder that keeps exactly retentionDays is not flagged after each purge.",
      }),
    ),
    maxRecordingLagSeconds: Type.Optional(
      Seconds("Newest recorded data may lag the device clock by this much.", P.maxRecordingLagSeconds, 1),
    ),
    maxGapMinutes: Type.Optional(
      Type.Integer({
        minimum: 1,
        description: presetDefault(
          "A hole in the recordings inside the retention window longer than this is a gap.",
          String(P.maxGapMinutes),
        ),
      }),
    ),
    maxClockDriftSeconds: Type.Optional(
      Seconds("Largest allowed difference between a device clock and ours.", P.maxClockDriftSeconds, 1),
    ),
    requiredZoneKinds: Type.Optional(
      Type.Array(StringEnum(ZONE_KINDS), {
        uniqueItems: true,
        description: presetDefault(
          "Zone kinds that must be covered; a kind with no zone declared is a violation.",
          P.requiredZoneKinds.join(", "),
        ),
      }),
    ),
    requireMotionDetection: Type.Optional(
      Type.Boolean({
        description: presetDefault(
          "Whether alarm_disarmed counts for compliance.",
          String(P.requireMotionDetection),
        ),
      }),
    ),
    pollIntervalSeconds: Type.Optional(Seconds("How often devices are polled.", P.pollIntervalSeconds, 1)),
    probeIntervalSeconds: Type.Optional(
      Seconds("How often streams and pictures are probed.", P.probeIntervalSeconds, 1),
    ),
    retentionIntervalSeconds: Type.Optional(
      Seconds("How often recordings are searched for retention and gaps.", P.retentionIntervalSeconds, 1),
    ),
    graceSeconds: Type.Optional(
      Seconds(
        "A finding must hold this long (and two observations) before it becomes a violation.",
        P.graceSeconds,
      ),
    ),
    graceByKind: Type.Optional(
      Type.Unsafe<Partial<Record<FindingKind, number>>>(
        Type.Object(graceByKindProperties, {
          ...strict,
          default: { ...P.graceByKind },
          description: "Per finding kind, overriding graceSeconds; merged over these defaults.",
        }),
      ),
    ),
    recoverySeconds: Type.Optional(
      Seconds("A violation resolves after being ok this long.", P.recoverySeconds),
    ),
  },
  {
    ...strict,
    default: {},
    description:
      "Thresholds and switches: explicit keys, else the preset's values, else the built-in defaults (the district plan's values, with motion detection not required and the parents' view off).",
  },
);

const TlsSchema = Type.Object(
  {
    caFile: Type.Optional(
      Text("PEM file of the CA that signed the device certificate (relative to this file)."),
    ),
    fingerprint256: Type.Optional(
      Type.String({
        pattern: "^([0-9A-Fa-f]{2}:){31}[0-9A-Fa-f]{2}$|^[0-9A-Fa-f]{64}$",
        "x-expect": "a SHA-256 fingerprint, AB:CD:... (32 hex pairs) or 64 hex digits",
        description: "Pins the device's leaf certificate (self-signed NVRs are pinned, not ignored).",
      }),
    ),
  },
  { ...strict, description: "For https onvif addresses only." },
);

const DeviceSchema = Type.Object(
  {
    id: Id("Stable id of the device."),
    kind: Type.Optional(
      StringEnum(DEVICE_KINDS, { default: DEFAULTS.device.kind, description: "nvr | camera" }),
    ),
    onvif: HttpUrl("The ONVIF device service address, e.g. http://10.0.0.5/onvif/device_service."),
    username: Text("An ONVIF User-level account is enough for every check."),
    passwordEnv: Type.Optional(EnvName("Environment variable holding the password (this or passwordFile).")),
    passwordFile: Type.Optional(
      Text(
        "File holding the password, relative to this file; one final newline is dropped (this or passwordEnv).",
      ),
    ),
    timeoutSeconds: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        maximum: 600,
        default: DEFAULTS.device.timeoutSeconds,
        description: "Deadline for one whole request to this device.",
      }),
    ),
    maxConcurrency: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 64,
        default: DEFAULTS.device.maxConcurrency,
        description: "Concurrent requests allowed to this device.",
      }),
    ),
    tls: Type.Optional(TlsSchema),
  },
  { ...strict, description: "An NVR or camera spoken to over ONVIF. Never put the password itself here." },
);

const ZoneSchema = Type.Object(
  {
    id: Id("Stable id of the zone."),
    kind: StringEnum(ZONE_KINDS, { description: "entrance | living | activity | other" }),
    name: Type.Optional(Text("Display name; defaults to the id.")),
    private: Type.Optional(
      Type.Boolean({
        default: DEFAULTS.zone.private,
        description: "Counted for coverage, never shown to parents (toilets, changing).",
      }),
    ),
    minCameras: Type.Optional(
      Type.Integer({
        minimum: 1,
        default: DEFAULTS.zone.minCameras,
        description: "Healthy cameras needed for the zone to count as covered.",
      }),
    ),
  },
  strict,
);

const CameraSchema = Type.Object(
  {
    id: Id("Stable id of the camera."),
    name: Type.Optional(Text("Display name; defaults to the id.")),
    device: Id("Id of the device (NVR or the camera itself) that serves this channel."),
    profile: Text("ONVIF media profile token for live view and probes."),
    recording: Type.Optional(
      Text("ONVIF recording token; matched through the recording jobs when left out."),
    ),
    zones: Type.Array(Id("A zone id."), {
      minItems: 1,
      uniqueItems: true,
      description: "Zones this camera covers.",
    }),
    referenceImage: Type.Optional(Text("Approved view for view_changed (relative to this file).")),
    commissionedAt: Type.Optional(
      DateOrDateTime("A camera added after the site started accrues retention from here."),
    ),
    streamUri: Type.Optional(
      Type.String({
        format: "uri",
        pattern: "^[Rr][Tt][Ss][Pp][Ss]?://",
        "x-expect": "an rtsp:// or rtsps:// URL",
        description: "Overrides the stream address the device hands out (NAT, a proxy).",
      }),
    ),
    snapshotUri: Type.Optional(HttpUrl("Overrides the snapshot address the device hands out.")),
  },
  strict,
);

const RecipientSchema = Type.Object(
  {
    id: Id("Stable id of the recipient, used in routes."),
    name: Type.Optional(Text("Display name; defaults to the id.")),
    webhook: Type.Optional(
      Type.Object(
        {
          url: HttpUrl("Where signed alerts are POSTed (Standard Webhooks)."),
          secretEnv: EnvName("Environment variable holding the signing secret, whsec_<base64>."),
        },
        strict,
      ),
    ),
    email: Type.Optional(
      Type.Array(Type.String({ format: "email", "x-expect": "an e-mail address" }), {
        uniqueItems: true,
        description: "Addresses alert mails go to.",
      }),
    ),
  },
  strict,
);

const RouteSchema = Type.Object(
  {
    to: Type.Array(Id("A recipient id."), {
      minItems: 1,
      uniqueItems: true,
      description: "Recipients of this route.",
    }),
    kinds: Type.Optional(
      Type.Array(StringEnum(FINDING_KINDS), {
        minItems: 1,
        uniqueItems: true,
        description: "Finding kinds sent along this route; every kind when left out.",
      }),
    ),
    afterSeconds: Type.Optional(
      Seconds("Only violations open this long are sent along this route.", DEFAULTS.route.afterSeconds),
    ),
    severity: Type.Optional(
      StringEnum(ROUTE_SEVERITIES, {
        default: DEFAULTS.route.severity,
        description: "Severity put on these alerts.",
      }),
    ),
  },
  strict,
);

const ParentsSchema = Type.Object(
  {
    enabled: Type.Optional(
      Type.Boolean({
        description: presetDefault(
          "Live view for parents; off where local rules forbid online viewing (then no parent route exists). The beijing preset refuses true.",
          String(DEFAULTS.parents.enabled),
        ),
      }),
    ),
    windows: Type.Optional(
      Type.Array(
        Type.String({
          pattern:
            "^(Mon|Tue|Wed|Thu|Fri|Sat|Sun)(-(Mon|Tue|Wed|Thu|Fri|Sat|Sun))?(,(Mon|Tue|Wed|Thu|Fri|Sat|Sun)(-(Mon|Tue|Wed|Thu|Fri|Sat|Sun))?)* [0-9]{2}:[0-9]{2}-[0-9]{2}:[0-9]{2}$",
          "x-expect": "DAYS HH:MM-HH:MM, e.g. Mon-Fri 08:00-17:30 or Sat,Sun 09:00-12:00",
        }),
        {
          default: [...DEFAULTS.parents.windows],
          description: "Viewing windows in site.timezone; families may narrow them, never widen them.",
        },
      ),
    ),
    maxSessionsPerFamily: Type.Optional(
      Type.Integer({
        minimum: 1,
        default: DEFAULTS.parents.maxSessionsPerFamily,
        description: "Concurrent viewer sessions per family.",
      }),
    ),
  },
  { ...strict, default: {}, description: "Parents' live view." },
);

const LedgerSchema = Type.Object(
  {
    keyFile: Type.Optional(
      Type.String({
        minLength: 1,
        default: DEFAULTS.ledger.keyFile,
        description:
          "The monitor's Ed25519 private key (PEM), relative to this file; created with mode 0600 on first start. Regulators verify exports against its public key.",
      }),
    ),
    // At most a day: Node's timers hold at most ~24.8 days, and a longer delay fires every 1 ms.
    signIntervalSeconds: Type.Optional(
      Type.Integer({
        minimum: 1,
        maximum: 86_400,
        default: DEFAULTS.ledger.signIntervalSeconds,
        description: "How often the monitor signs the ledger's head (at most once a day).",
      }),
    ),
  },
  {
    ...strict,
    default: {},
    description: "The append-only, hash-chained ledger of violations, incidents and maintenance.",
  },
);

export const ConfigSchema = Type.Object(
  {
    site: SiteSchema,
    http: Type.Optional(HttpSchema),
    redis: Type.Optional(RedisSchema),
    policy: Type.Optional(PolicySchema),
    devices: Type.Array(DeviceSchema, { minItems: 1, description: "NVRs and cameras." }),
    zones: Type.Array(ZoneSchema, { minItems: 1, description: "Areas that must be covered." }),
    cameras: Type.Array(CameraSchema, {
      minItems: 1,
      description: "Camera channels and the zones they cover.",
    }),
    recipients: Type.Optional(Type.Array(RecipientSchema, { default: [], description: "Who alerts go to." })),
    routes: Type.Optional(
      Type.Array(RouteSchema, { default: [], description: "Which finding kinds go to whom." }),
    ),
    parents: Type.Optional(ParentsSchema),
    ledger: Type.Optional(LedgerSchema),
  },
  {
    ...strict,
    $id: "urn:nurserywatch:config:v1",
    title: "nurserywatch site configuration",
    description:
      "One nursery: its devices, zones, cameras, policy and alert routes. Relative paths are resolved against the file's folder.",
  },
);

/** The document as the schema admits it (before defaults fill the optional keys). */
export type ConfigInput = Static<typeof ConfigSchema>;
