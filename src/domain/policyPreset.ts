import type { Locale } from "./locale.ts";

/** `policy.preset` in a site file: a jurisdiction's rules, or `custom` (the site's own values). */
export type PolicyPresetId = "national-2024" | "beijing" | "xigong" | "school-30d" | "custom";

/** One text in every language reports are written in. */
export type LocalizedText = Readonly<Record<Locale, string>>;

/**
 * The document a preset's values come from. Cited, never copied: `summary` is our paraphrase.
 * What is not known for certain is null (or said in `note`) rather than guessed, because a
 * regulator reads these lines as a claim about their own rules.
 */
export interface PolicySource {
  readonly title: LocalizedText;
  readonly issuer: LocalizedText;
  /** Standard or document number, e.g. "GB/T 29315-2022"; null where it is not recorded here. */
  readonly number: string | null;
  /** The clause the values come from; null where it is not recorded here. */
  readonly clause: string | null;
  /** ISO date the document took effect; null where it is not recorded here. */
  readonly date: string | null;
  /** What the document asks of nursery surveillance, in our words. */
  readonly summary: LocalizedText;
  /** How its words were read into policy keys, and what this record does not know. */
  readonly note: LocalizedText | null;
}

/**
 * Where one effective value came from, in precedence order: an environment override, the file
 * (explicit key), the preset, the built-in default.
 */
export type PolicyValueOrigin = "env" | "config" | "preset" | "default";

export interface PolicyValue {
  readonly value: unknown;
  readonly from: PolicyValueOrigin;
  /** The variable that set it, when `from` is "env". */
  readonly variable?: string;
}

/** The effective policy of a site and the origin of each value (`check --json`'s `policy`). */
export interface PolicyProvenance {
  readonly preset: PolicyPresetId;
  /** Where the preset choice itself came from ("default": no preset given, so custom). */
  readonly presetFrom: Exclude<PolicyValueOrigin, "preset">;
  /** null for custom: nothing is cited. */
  readonly source: PolicySource | null;
  /** Policy keys by name, plus "parents.enabled". */
  readonly values: Readonly<Record<string, PolicyValue>>;
}
