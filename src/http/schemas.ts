import { Type, type Static, type TSchema, type TUnsafe } from "@sinclair/typebox";
import { FINDING_KINDS } from "../config/findingKinds.ts";
import { PRESET_IDS } from "../config/presets.ts";
import { LOCALES, ZONE_KINDS } from "../config/schema.ts";
import type { LedgerEntry, LedgerEventType, SignedHead } from "../domain/ledger.ts";
import type { MaintenanceWindow, Violation } from "../domain/violation.ts";
import type { Readiness, SiteReport } from "./deps.ts";
import type { ReadonlyDeep } from "./typebox.ts";
import type { CheckReport, SiteStatus } from "../domain/checkReport.ts";

/*
 * JSON Schemas of the API: they validate requests, document the API at /docs, and let fastify
 * serialise responses with fast-json-stringify (which writes only the properties named here,
 * so nothing the stores add by accident leaks out). The checks at the bottom fail to compile
 * when a domain type gains a field the schema does not carry.
 */

const StringEnum = <const T extends readonly string[]>(values: T, description?: string): TUnsafe<T[number]> =>
  Type.Unsafe<T[number]>({ type: "string", enum: [...values], ...(description ? { description } : {}) });

const Iso = (description?: string) =>
  Type.String({ format: "date-time", ...(description ? { description } : {}) });
const Nullable = <T extends TSchema>(s: T) => Type.Union([s, Type.Null()]);
/** Plain JSON of any shape (evidence): fast-json-stringify falls back to JSON.stringify. */
const AnyJson = Type.Unknown();
const JsonObject = Type.Record(Type.String(), AnyJson);

export const FindingKindSchema = StringEnum(FINDING_KINDS);
const JUDGED_STATUSES = ["ok", "violation", "unknown", "accruing"] as const;
/** What a rule judged; a violation's status is one of these (violation, or unknown for monitor_blind). */
export const JudgedStatusSchema = StringEnum(JUDGED_STATUSES);
/** not_required: the policy does not ask for the finding; it was not judged and never counts. */
export const FindingStatusSchema = StringEnum([...JUDGED_STATUSES, "not_required"] as const);
export const SubjectSchema = Type.Object({
  type: StringEnum(["site", "zone", "camera", "device"] as const),
  id: Type.String(),
});
const FindingRefSchema = Type.Object({ kind: FindingKindSchema, subject: SubjectSchema });

export const ErrorSchema = Type.Object(
  { statusCode: Type.Integer(), error: Type.String(), message: Type.String() },
  { $id: "Error" },
);

const ReportFindingSchema = Type.Object({
  kind: FindingKindSchema,
  subject: SubjectSchema,
  status: FindingStatusSchema,
  required: Type.Boolean(),
  reason: Type.String({ description: "Reason code (src/domain/finding.ts ReasonCode)." }),
  message: Type.String({ description: "The reason in plain words, in the site's language." }),
  params: Type.Record(Type.String(), Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()])),
  evidence: JsonObject,
  causedBy: Nullable(FindingRefSchema),
});

const ZoneSummarySchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  kind: StringEnum(ZONE_KINDS),
  private: Type.Boolean(),
  required: Type.Boolean(),
  minCameras: Type.Integer(),
  cameras: Type.Array(Type.String()),
  healthyCameras: Type.Integer(),
  unknownCameras: Type.Integer(),
  status: FindingStatusSchema,
});

const CameraSummarySchema = Type.Object({
  id: Type.String(),
  name: Type.String(),
  device: Type.String(),
  zones: Type.Array(Type.String()),
  health: StringEnum(["healthy", "unhealthy", "unknown"] as const),
  root: Nullable(FindingRefSchema),
  findings: Type.Partial(
    Type.Object(
      Object.fromEntries(FINDING_KINDS.map((k) => [k, FindingStatusSchema])) as Record<
        (typeof FINDING_KINDS)[number],
        typeof FindingStatusSchema
      >,
    ),
  ),
  retentionDepthDays: Nullable(Type.Number()),
});

const ReportDeviceSchema = Type.Object({
  id: Type.String(),
  kind: StringEnum(["nvr", "camera"] as const),
  reachable: Type.Boolean(),
  error: Nullable(Type.Object({ kind: Type.String(), message: Type.String() })),
  deviceUtc: Nullable(Type.String()),
  manufacturer: Nullable(Type.String()),
  model: Nullable(Type.String()),
  firmwareVersion: Nullable(Type.String()),
});

const LocalizedTextSchema = Type.Object({ "zh-CN": Type.String(), en: Type.String() });

/** src/domain/policyPreset.ts PolicyProvenance: the preset, its cited source, each value's origin. */
const ReportPolicySchema = Type.Object(
  {
    preset: StringEnum(PRESET_IDS),
    presetFrom: StringEnum(["env", "config", "default"] as const),
    source: Nullable(
      Type.Object({
        title: LocalizedTextSchema,
        issuer: LocalizedTextSchema,
        number: Nullable(Type.String()),
        clause: Nullable(Type.String()),
        date: Nullable(Type.String({ description: "ISO date the source took effect." })),
        summary: LocalizedTextSchema,
        note: Nullable(LocalizedTextSchema),
      }),
    ),
    values: Type.Record(
      Type.String(),
      Type.Object({
        value: AnyJson,
        from: StringEnum(["env", "config", "preset", "default"] as const),
        variable: Type.Optional(Type.String()),
      }),
    ),
  },
  { description: "Absent in reports of older versions." },
);

export const CheckReportSchema = Type.Object({
  site: Type.Object({
    id: Type.String(),
    name: Type.String(),
    registration: Nullable(Type.String()),
    timezone: Type.String(),
    locale: StringEnum(LOCALES),
  }),
  checkedAt: Iso(),
  durationMs: Type.Number(),
  compliant: Type.Boolean({ description: "False whenever a required finding is a violation or unknown." }),
  verdict: StringEnum(["compliant", "violation", "indeterminate"] as const),
  counts: Type.Object(
    {
      ok: Type.Integer(),
      violation: Type.Integer(),
      unknown: Type.Integer(),
      accruing: Type.Integer(),
      not_required: Type.Optional(
        Type.Integer({
          description:
            "Findings the policy does not require (not judged); absent in reports of older versions.",
        }),
      ),
    },
    { description: "Required findings by status, and how many findings are not required." },
  ),
  findings: Type.Array(ReportFindingSchema),
  zones: Type.Array(ZoneSummarySchema),
  cameras: Type.Array(CameraSummarySchema),
  devices: Type.Array(ReportDeviceSchema),
  policy: Type.Optional(ReportPolicySchema),
});

export const SiteStatusSchema = Type.Object({
  siteId: Type.String(),
  report: Nullable(CheckReportSchema),
  lastPollAt: Type.Record(Type.String(), Nullable(Iso()), {
    description: "Device id → when its last poll finished.",
  }),
});

export const StatusResponseSchema = Type.Object({
  generatedAt: Iso(),
  sites: Type.Array(SiteStatusSchema),
});

export const ViolationSchema = Type.Object({
  id: Type.String(),
  siteId: Type.String(),
  kind: FindingKindSchema,
  subject: SubjectSchema,
  state: StringEnum(["pending", "open", "resolved"] as const),
  status: JudgedStatusSchema,
  firstSeenAt: Iso(),
  openedAt: Nullable(Iso()),
  resolvedAt: Nullable(Iso()),
  lastSeenAt: Iso(),
  observations: Type.Integer(),
  recoveringSince: Nullable(Iso()),
  reason: Type.String(),
  evidence: JsonObject,
  causedBy: Nullable(FindingRefSchema),
  maintenance: Type.Boolean(),
});

export const ViolationsResponseSchema = Type.Object({
  items: Type.Array(ViolationSchema),
  nextCursor: Nullable(Type.String({ description: "Pass as ?cursor= for the next page; null on the last." })),
});

const LEDGER_EVENT_TYPES = [
  "violation.opened",
  "violation.resolved",
  "violation.reminder",
  "violation.escalated",
  "incident.retention_gap",
  "config.loaded",
  "config.changed",
  "maintenance.declared",
  "maintenance.ended",
  "monitor.started",
  "monitor.stopped",
  "family.granted",
  "family.removed",
  "family.revoked",
  "token.issued",
  "token.revoked",
  "ledger.new_chain",
] as const satisfies readonly LedgerEventType[];

export const LedgerEntrySchema = Type.Object({
  seq: Type.Integer(),
  at: Iso(),
  type: StringEnum(LEDGER_EVENT_TYPES),
  siteId: Type.String(),
  data: JsonObject,
  prev: Type.String(),
  hash: Type.String(),
});

export const SignedHeadSchema = Type.Object({
  seq: Type.Integer(),
  hash: Type.String(),
  at: Iso(),
  signature: Type.String({ description: "Base64 Ed25519 signature over `${seq}:${hash}:${at}`." }),
  publicKey: Type.String({ description: "SPKI PEM." }),
});

/** An entry of a site the key does not read: only its place in the chain, so the chain still checks. */
export const WithheldLedgerEntrySchema = Type.Object(
  {
    seq: Type.Integer(),
    prev: Type.String(),
    hash: Type.String(),
    withheld: Type.Literal(true),
  },
  { description: "An entry of another site: only seq, prev and hash." },
);

export const LedgerResponseSchema = Type.Object({
  entries: Type.Array(Type.Union([LedgerEntrySchema, WithheldLedgerEntrySchema]), {
    description:
      "Ascending. A site key gets the entries of other sites withheld: seq, prev and hash only, so the chain can still be followed to a signed head.",
  }),
  nextFrom: Nullable(Type.Integer({ description: "Pass as ?from= for the next page; null on the last." })),
  heads: Type.Array(SignedHeadSchema, { description: "Signed chain heads, newest first." }),
});

const LapseSchema = Type.Object({
  kind: FindingKindSchema,
  status: StringEnum(["violation", "unknown"] as const),
  from: Iso(),
  to: Nullable(Iso()),
  seconds: Type.Number(),
  maintenance: Type.Boolean(),
  violationId: Nullable(Type.String()),
});

const subjectReportFields = {
  id: Type.String(),
  name: Type.String(),
  compliantPercent: Nullable(Type.Number()),
  unknownPercent: Nullable(Type.Number()),
  lapses: Type.Array(LapseSchema),
};

export const SiteReportSchema = Type.Object({
  siteId: Type.String(),
  from: Iso(),
  to: Iso(),
  zones: Type.Array(Type.Object(subjectReportFields)),
  cameras: Type.Array(Type.Object({ ...subjectReportFields, retentionDepthDays: Nullable(Type.Number()) })),
});

export const ReportResponseSchema = Type.Object({
  sites: Type.Array(SiteReportSchema, {
    description: "One report per site (from/to resolved in its time zone).",
  }),
});

export const MaintenanceWindowSchema = Type.Object({
  id: Type.String(),
  siteId: Type.String(),
  subjects: Type.Array(SubjectSchema, { description: "Empty: the whole site." }),
  from: Iso(),
  to: Iso(),
  reason: Type.String(),
  declaredBy: Type.String(),
  declaredAt: Iso(),
});

export const MaintenanceListSchema = Type.Object({ items: Type.Array(MaintenanceWindowSchema) });

export const ReadinessSchema = Type.Object({
  ready: Type.Boolean(),
  checks: Type.Object({
    redis: Type.Boolean(),
    workers: Type.Boolean(),
    schedules: Type.Optional(
      Type.Boolean({ description: "Every configured device has its job schedulers (Redis may lose them)." }),
    ),
  }),
  failing: Type.Array(Type.String(), {
    description: "What is down: redis, workers, schedules, or readiness_check.",
  }),
});

/*
 * Compile-time: every domain value fits its schema's type, and a field added to a domain type
 * but not to its schema (which serialisation would silently drop) fails here as a missing key.
 */
type Fits<Schema extends TSchema, Domain extends ReadonlyDeep<Static<Schema>>> = [
  Exclude<keyof Domain, keyof Static<Schema>>,
] extends [never]
  ? true
  : { missingFromSchema: Exclude<keyof Domain, keyof Static<Schema>> };
const schemaChecks: [
  Fits<typeof CheckReportSchema, CheckReport>,
  Fits<typeof SiteStatusSchema, SiteStatus>,
  Fits<typeof ViolationSchema, Violation>,
  Fits<typeof LedgerEntrySchema, LedgerEntry>,
  Fits<typeof SignedHeadSchema, SignedHead>,
  Fits<typeof SiteReportSchema, SiteReport>,
  Fits<typeof MaintenanceWindowSchema, MaintenanceWindow>,
  Fits<typeof ReadinessSchema.properties.checks, Readiness>,
] = [true, true, true, true, true, true, true, true];
void schemaChecks;
