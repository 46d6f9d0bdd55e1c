import type {
  PolicyPresetId,
  PolicyProvenance,
  PolicyValue,
  PolicyValueOrigin,
} from "../domain/policyPreset.ts";
import type { Policy, ZoneKind } from "../domain/site.ts";
import type { EnvOrigins } from "./envOverrides.ts";
import { formatKeyPath } from "./keyPath.ts";
import type { Problem } from "./locate.ts";
import { DEFAULT_PRESET, PRESETS, type PresetKey, type PresetValues } from "./presets.ts";
import { DEFAULTS, type ConfigInput } from "./schema.ts";

/*
 * The effective policy of a site: explicit keys (environment, then file) over the preset over
 * the built-in defaults, with the origin of every value kept for the reports. Validation fills
 * defaults into the document (Ajv useDefaults), after which an explicit 90 and a default 90 look
 * alike; so which keys were explicit is taken before validation (takeExplicitKeys).
 */

type PolicyKey = keyof typeof DEFAULTS.policy;
const POLICY_KEYS = Object.keys(DEFAULTS.policy) as PolicyKey[];

/** The keys the file or the environment gave a value, by formatted key path ("policy.retentionDays"). */
export type ExplicitKeys = ReadonlySet<string>;

/**
 * Notes which policy keys and `parents.enabled` the document sets, before validation fills
 * defaults. An empty key (`retentionDays:` with nothing after it) is removed here and counts as
 * not set: before presets, validation turned it into the default, and it still means that.
 */
export function takeExplicitKeys(data: Record<string, unknown>): ExplicitKeys {
  const explicit = new Set<string>();
  const take = (section: string, keys: readonly string[]) => {
    const node = data[section];
    if (typeof node !== "object" || node === null || Array.isArray(node)) return;
    const obj = node as Record<string, unknown>;
    for (const key of keys) {
      if (!Object.hasOwn(obj, key)) continue;
      if (obj[key] === null || obj[key] === "") delete obj[key];
      else explicit.add(`${section}.${key}`);
    }
  };
  take("policy", [...POLICY_KEYS, "preset"]);
  take("parents", ["enabled"]);
  return explicit;
}

export interface ResolvedPolicy {
  readonly policy: Policy;
  readonly parentsEnabled: boolean;
  readonly provenance: PolicyProvenance;
  /** An explicit value the preset's source forbids (Beijing with parents.enabled: true). */
  readonly problems: readonly Problem[];
  /** An explicit value weaker than the preset's (fewer days, a required zone kind dropped...). */
  readonly warnings: readonly Problem[];
}

/** Runs on a document the schema accepted; `explicit` comes from takeExplicitKeys before validation. */
export function resolvePolicy(
  config: Pick<ConfigInput, "policy" | "parents">,
  explicit: ExplicitKeys,
  env: EnvOrigins,
): ResolvedPolicy {
  const p = (config.policy ?? {}) as Record<string, unknown>;
  const presetId = config.policy?.preset ?? DEFAULT_PRESET;
  const preset = PRESETS[presetId];
  const presetValues = preset.values as Readonly<Record<string, unknown>>;
  const values: Record<string, PolicyValue> = {};

  const originOf = (path: string): { from: PolicyValueOrigin; variable?: string } | null => {
    // A section key set in the file and one of its entries from the environment (graceByKind)
    // is reported as the environment's: that is the value an operator would go looking for.
    for (const [key, variable] of env) {
      if (key === path || key.startsWith(`${path}.`)) return { from: "env", variable };
    }
    return explicit.has(path) ? { from: "config" } : null;
  };
  const pick = (key: string, path: string, explicitValue: unknown, fallback: unknown): unknown => {
    const origin = originOf(path);
    const value =
      origin !== null ? explicitValue : Object.hasOwn(presetValues, key) ? presetValues[key] : fallback;
    const from = origin?.from ?? (Object.hasOwn(presetValues, key) ? "preset" : "default");
    // The report's copy: the policy and the report never share a list with the preset table.
    const shown = structuredClone(value);
    values[key] = {
      value: shown,
      from,
      ...(origin?.variable === undefined ? {} : { variable: origin.variable }),
    };
    return structuredClone(value);
  };

  const policy = Object.fromEntries(
    POLICY_KEYS.map((key) => {
      const fallback = DEFAULTS.policy[key];
      // Merged, so that overriding one kind keeps the built-in grace for the others.
      const given =
        key === "graceByKind"
          ? { ...DEFAULTS.policy.graceByKind, ...((p[key] as object | undefined) ?? {}) }
          : p[key];
      const value = pick(key, `policy.${key}`, given, fallback);
      return [key, value];
    }),
  ) as unknown as Policy;
  const parentsEnabled = pick(
    "parents.enabled",
    "parents.enabled",
    config.parents?.enabled,
    DEFAULTS.parents.enabled,
  ) as boolean;

  const problems: Problem[] = [];
  const warnings: Problem[] = [];
  for (const key of Object.keys(presetValues) as PresetKey[]) {
    const v = values[key];
    if (v === undefined || v.from === "preset" || v.from === "default") continue;
    const path = key === "parents.enabled" ? ["parents", "enabled"] : ["policy", key];
    const why = preset.fixed[key];
    const wanted = preset.values[key];
    if (why !== undefined && !sameValue(v.value, wanted)) {
      problems.push({
        path,
        message:
          `${show(v.value)} conflicts with policy.preset ${presetId}: ${why}. ` +
          `Remove ${formatKeyPath(path)}, or choose another preset (custom) if the site is not bound by it`,
      });
    } else if (weaker(key, v.value, preset.values)) {
      warnings.push({
        path,
        message: `${show(v.value)} is weaker than policy.preset ${presetId} asks (${show(wanted)}); reports show this value as set here, not by the preset`,
      });
    }
  }

  return {
    policy,
    parentsEnabled,
    provenance: {
      preset: presetId,
      presetFrom:
        originOf("policy.preset")?.from === "env"
          ? "env"
          : explicit.has("policy.preset")
            ? "config"
            : "default",
      source: preset.source,
      values,
    },
    problems,
    warnings,
  };
}

/** Whether an explicit value asks less than the preset's source does. */
function weaker(key: PresetKey, value: unknown, preset: PresetValues): boolean {
  switch (key) {
    case "retentionDays":
      return preset.retentionDays !== undefined && (value as number) < preset.retentionDays;
    case "maxGapMinutes":
      return preset.maxGapMinutes !== undefined && (value as number) > preset.maxGapMinutes;
    case "requiredZoneKinds":
      return (preset.requiredZoneKinds ?? []).some((k) => !(value as readonly ZoneKind[]).includes(k));
    case "requireMotionDetection":
      return preset.requireMotionDetection === true && value === false;
    case "parents.enabled":
      return preset["parents.enabled"] === true && value === false;
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function show(value: unknown): string {
  return Array.isArray(value) ? `[${value.join(", ")}]` : String(value);
}

/** What a preset yields in a file that sets nothing else: for `nurserywatch presets`. */
export function presetPolicy(id: PolicyPresetId): PolicyProvenance {
  return resolvePolicy({ policy: { preset: id } }, new Set(["policy.preset"]), new Map()).provenance;
}
