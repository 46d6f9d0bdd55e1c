import { presetPolicy } from "../../config/policy.ts";
import { PRESETS, PRESET_IDS } from "../../config/presets.ts";
import type { PolicyProvenance } from "../../domain/policyPreset.ts";
import { formatPolicyValue, sourceLine } from "../../report/policyText.ts";
import { EXIT } from "../exitCodes.ts";

export interface PresetsCommandOptions {
  readonly json: boolean;
}

/** One preset as `presets --json` lists it: what a file that names only it gets. */
export interface PresetListing extends Omit<PolicyProvenance, "presetFrom"> {
  /** Keys a site may not set otherwise under this preset, with why (beijing: parents.enabled). */
  readonly refuses: Readonly<Record<string, string>>;
}

/** `nurserywatch presets`: each preset, the document it cites, and the values it yields. */
export function presetsCommand(opts: PresetsCommandOptions): number {
  const listings: PresetListing[] = PRESET_IDS.map((id) => {
    const { preset, source, values } = presetPolicy(id);
    return { preset, source, values, refuses: { ...PRESETS[id].fixed } };
  });
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(listings, null, 2)}\n`);
    return EXIT.compliant;
  }
  const out: string[] = [];
  for (const p of listings) {
    out.push(p.preset);
    if (p.source === null) {
      out.push(
        "  no cited source: the file's own values over the built-in defaults (used when no preset is given)",
      );
    } else {
      // Both languages: whoever picks a preset may need to show the source to a regulator.
      for (const locale of ["zh-CN", "en"] as const) out.push(`  ${sourceLine(p.source, locale)}`);
      out.push(`  ${p.source.summary["zh-CN"]}`, `  ${p.source.summary.en}`);
      if (p.source.note !== null) out.push(`  note: ${p.source.note.en}`);
    }
    const set = Object.entries(p.values).filter(([, v]) => v.from === "preset");
    if (set.length > 0) {
      out.push(`  sets: ${set.map(([k, v]) => `${k} ${formatPolicyValue(v.value)}`).join(" · ")}`);
    }
    for (const [key, why] of Object.entries(p.refuses)) {
      out.push(`  refuses another ${key}: ${why}`);
    }
    const rest = Object.entries(p.values).filter(([, v]) => v.from === "default");
    out.push(
      `  built-in defaults: ${rest.map(([k, v]) => `${k} ${formatPolicyValue(v.value)}`).join(" · ")}`,
    );
    out.push("");
  }
  out.push("Set one with `policy.preset` in a site file; keys set there (or by NURSERYWATCH_*) override it.");
  process.stdout.write(`${out.join("\n")}\n`);
  return EXIT.compliant;
}
