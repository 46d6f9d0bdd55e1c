import { describe, expect, test } from "vitest";
import type { PresetListing } from "../../src/cli/commands/presets.ts";
import { runCli } from "../helpers/cli.ts";

describe("nurserywatch presets", () => {
  test("--json lists every preset with its source and values, each value's origin preset or default", async () => {
    const r = await runCli(["presets", "--json"]);
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    const listings = JSON.parse(r.stdout) as PresetListing[];
    expect(listings.map((l) => l.preset)).toEqual([
      "national-2024",
      "beijing",
      "xigong",
      "school-30d",
      "custom",
    ]);
    const byId = Object.fromEntries(listings.map((l) => [l.preset, l]));
    expect(byId["beijing"]?.refuses).toHaveProperty("parents.enabled");
    expect(byId["beijing"]?.values["parents.enabled"]).toEqual({ value: false, from: "preset" });
    expect(byId["xigong"]?.values["parents.enabled"]).toEqual({ value: true, from: "preset" });
    expect(byId["school-30d"]?.values["retentionDays"]).toEqual({ value: 30, from: "preset" });
    expect(byId["custom"]?.source).toBeNull();
    for (const l of listings) {
      for (const v of Object.values(l.values)) expect(["preset", "default"]).toContain(v.from);
    }
  });

  test("the text lists each preset with its source in both languages", async () => {
    const r = await runCli(["presets"]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^national-2024$/m);
    expect(r.stdout).toContain("托育机构质量评估标准（国家卫生健康委员会）、2024-04-01 起实施、条款未记录");
    expect(r.stdout).toContain(
      "Quality assessment standard for childcare institutions (National Health Commission)",
    );
    expect(r.stdout).toMatch(/^ {2}sets: retentionDays 30$/m);
    expect(r.stdout).toMatch(/^ {2}refuses another parents\.enabled: /m);
  });
});
