import type { PolicyProvenance, PolicySource, PolicyValueOrigin } from "../domain/policyPreset.ts";
import type { Locale } from "../domain/site.ts";

/** The report's lines on which preset and source apply, and where each policy value came from. */

const WORDS: Readonly<Record<Locale, Readonly<Record<string, string>>>> = {
  en: {
    policy: "Policy",
    preset: "preset",
    noSource: "no cited source: this file's values over the built-in defaults",
    inForce: "in force",
    clause: "clause",
    noDate: "date in force not recorded",
    noClause: "clause not recorded",
    env: "from the environment",
    config: "from this file",
    preset_: "from the preset",
    default: "built-in defaults",
    sep: ", ",
  },
  "zh-CN": {
    policy: "策略",
    preset: "预设",
    noSource: "无引用依据：本文件的值覆盖内置默认值",
    inForce: "起实施",
    clause: "条款",
    noDate: "实施日期未记录",
    noClause: "条款未记录",
    env: "来自环境变量",
    config: "来自配置文件",
    preset_: "来自预设",
    default: "内置默认值",
    sep: "、",
  },
};

const ORIGINS: readonly PolicyValueOrigin[] = ["env", "config", "preset", "default"];

/** A policy value as a person reads it: lists joined, per-kind maps as kind=value. */
export function formatPolicyValue(value: unknown): string {
  if (Array.isArray(value)) return value.map(String).join(", ");
  if (typeof value === "object" && value !== null) {
    return Object.entries(value)
      .map(([k, v]) => `${k}=${String(v)}`)
      .join(", ");
  }
  return String(value);
}

/** "title (issuer), number, in force DATE, clause ..." in one line. */
export function sourceLine(source: PolicySource, locale: Locale): string {
  const w = WORDS[locale];
  const parts = [
    `${source.title[locale]}${locale === "zh-CN" ? `（${source.issuer[locale]}）` : ` (${source.issuer[locale]})`}`,
    ...(source.number === null ? [] : [source.number]),
    source.date === null
      ? w["noDate"]
      : locale === "zh-CN"
        ? `${source.date} ${w["inForce"]}`
        : `${w["inForce"]} ${source.date}`,
    source.clause === null ? w["noClause"] : `${w["clause"]} ${source.clause}`,
  ];
  return parts.join(w["sep"]);
}

/** The "Policy:" block of the text report: preset, source, then the values grouped by origin. */
export function policyLines(p: PolicyProvenance, locale: Locale): string[] {
  const w = WORDS[locale];
  const colon = locale === "zh-CN" ? "：" : ": ";
  const head =
    p.source === null
      ? `${w["policy"]}${colon}${w["preset"]} ${p.preset} — ${w["noSource"]}`
      : `${w["policy"]}${colon}${w["preset"]} ${p.preset} — ${sourceLine(p.source, locale)}`;
  const out = [head];
  for (const origin of ORIGINS) {
    const entries = Object.entries(p.values).filter(([, v]) => v.from === origin);
    if (entries.length === 0) continue;
    const label = origin === "preset" ? w["preset_"] : w[origin];
    const items = entries.map(
      ([key, v]) =>
        `${key} ${formatPolicyValue(v.value)}${v.variable === undefined ? "" : ` (${v.variable})`}`,
    );
    out.push(`  ${label}${colon}${items.join(" · ")}`);
  }
  return out;
}
