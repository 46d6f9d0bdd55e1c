import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.ts";
import { PRESETS, PRESET_IDS } from "../../src/config/presets.ts";
import { DEFAULTS } from "../../src/config/schema.ts";
import { ENV, MINIMAL, configError, expectIssue, tempDir } from "./configFiles.ts";

let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => {
  tmp = await tempDir();
});
afterEach(async () => {
  await tmp.remove();
});

/** MINIMAL (16 lines) with `extra` after it; line 17 is the first extra line. */
const load = async (extra: string, env: Record<string, string> = {}) => {
  const file = await tmp.write("site.yaml", `${MINIMAL}${extra}`);
  return { file, config: await loadConfig(file, { ...ENV, ...env }) };
};
const withPreset = (preset: string, more = "") => `policy:\n  preset: ${preset}\n${more}`;

describe("policy presets: the values each yields", () => {
  it("no preset is custom: today's built-in defaults, every value from the defaults", async () => {
    const { config } = await load("");
    const p = config.site.policyProvenance;
    expect(p?.preset).toBe("custom");
    expect(p?.presetFrom).toBe("default");
    expect(p?.source).toBeNull();
    expect(config.site.policy).toEqual({
      ...DEFAULTS.policy,
      requiredZoneKinds: [...DEFAULTS.policy.requiredZoneKinds],
    });
    expect(config.parents.enabled).toBe(false);
    for (const [key, v] of Object.entries(p?.values ?? {})) expect(v.from, key).toBe("default");
    expect(Object.keys(p?.values ?? {})).toEqual([...Object.keys(DEFAULTS.policy), "parents.enabled"]);
  });

  it("national-2024: 90 days, living and activity areas; the rest stays default", async () => {
    const { config } = await load(withPreset("national-2024"));
    const p = config.site.policyProvenance!;
    expect(config.site.policy.retentionDays).toBe(90);
    expect(config.site.policy.requiredZoneKinds).toEqual(["living", "activity"]);
    expect(config.site.policy.requireMotionDetection).toBe(false);
    expect(config.parents.enabled).toBe(false);
    expect(p.presetFrom).toBe("config");
    expect(p.values["retentionDays"]).toEqual({ value: 90, from: "preset" });
    expect(p.values["requiredZoneKinds"]).toEqual({ value: ["living", "activity"], from: "preset" });
    expect(p.values["parents.enabled"]).toEqual({ value: false, from: "default" });
    expect(p.source?.date).toBe("2024-04-01");
    expect(p.source?.title["zh-CN"]).toBe("托育机构质量评估标准");
  });

  it("beijing: 90 days, no gap tolerated, entrance/living/activity, parents off", async () => {
    const { config } = await load(withPreset("beijing"));
    const p = config.site.policyProvenance!;
    expect(config.site.policy).toMatchObject({
      retentionDays: 90,
      maxGapMinutes: 1,
      requiredZoneKinds: ["entrance", "living", "activity"],
      requireMotionDetection: false,
    });
    expect(config.parents.enabled).toBe(false);
    expect(p.values["parents.enabled"]).toEqual({ value: false, from: "preset" });
    expect(p.values["maxGapMinutes"]).toEqual({ value: 1, from: "preset" });
  });

  it("xigong: the district plan, armed (motion detection required) and open to parents", async () => {
    const { config } = await load(withPreset("xigong"));
    expect(config.site.policy).toMatchObject({
      retentionDays: 90,
      maxGapMinutes: DEFAULTS.policy.maxGapMinutes,
      requiredZoneKinds: ["entrance", "living", "activity"],
      requireMotionDetection: true,
    });
    expect(config.parents.enabled).toBe(true);
    expect(config.site.policyProvenance?.values["parents.enabled"]).toEqual({ value: true, from: "preset" });
    // The preset turned the parents' view on, so the missing public address is worth a warning.
    expect(config.warnings.some((w) => w.includes("http.publicUrl"))).toBe(true);
  });

  it("school-30d: 30 days, nothing else", async () => {
    const { config } = await load(withPreset("school-30d"));
    const p = config.site.policyProvenance!;
    expect(config.site.policy.retentionDays).toBe(30);
    expect(config.site.policy.requiredZoneKinds).toEqual([...DEFAULTS.policy.requiredZoneKinds]);
    expect(
      Object.entries(p.values)
        .filter(([, v]) => v.from === "preset")
        .map(([k]) => k),
    ).toEqual(["retentionDays"]);
    expect(p.source?.number).toBe("GB/T 29315-2022");
  });

  it("every preset but custom names its source in both languages, unknowns as null", () => {
    for (const id of PRESET_IDS) {
      const source = PRESETS[id].source;
      if (id === "custom") {
        expect(source).toBeNull();
        continue;
      }
      expect(source, id).not.toBeNull();
      for (const text of [source!.title, source!.issuer, source!.summary]) {
        expect(text["zh-CN"].length, id).toBeGreaterThan(0);
        expect(text.en.length, id).toBeGreaterThan(0);
      }
      if (source!.date !== null) expect(source!.date, id).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    }
  });
});

describe("explicit keys override a preset", () => {
  it("a file key wins and is reported as from the file; weaker than the source is a warning", async () => {
    const { file, config } = await load(
      withPreset("beijing", "  retentionDays: 30\n  pollIntervalSeconds: 60\n"),
    );
    const p = config.site.policyProvenance!;
    expect(config.site.policy.retentionDays).toBe(30);
    expect(p.values["retentionDays"]).toEqual({ value: 30, from: "config" });
    expect(p.values["pollIntervalSeconds"]).toEqual({ value: 60, from: "config" });
    expect(p.values["maxGapMinutes"]).toEqual({ value: 1, from: "preset" });
    expect(config.warnings).toContainEqual(
      expect.stringMatching(
        new RegExp(
          `^${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:19: policy\\.retentionDays: 30 is weaker than policy\\.preset beijing asks \\(90\\)`,
        ),
      ),
    );
  });

  it("a stricter override is no warning", async () => {
    const { config } = await load(withPreset("school-30d", "  retentionDays: 60\n"));
    expect(config.site.policy.retentionDays).toBe(60);
    expect(config.warnings.filter((w) => w.includes("weaker"))).toEqual([]);
  });

  it("an environment override wins over file and preset, naming its variable", async () => {
    const { config } = await load(withPreset("national-2024", "  retentionDays: 120\n"), {
      NURSERYWATCH_POLICY_RETENTIONDAYS: "180",
      NURSERYWATCH_POLICY_PRESET: "school-30d",
    });
    const p = config.site.policyProvenance!;
    expect(p.preset).toBe("school-30d");
    expect(p.presetFrom).toBe("env");
    expect(config.site.policy.retentionDays).toBe(180);
    expect(p.values["retentionDays"]).toEqual({
      value: 180,
      from: "env",
      variable: "NURSERYWATCH_POLICY_RETENTIONDAYS",
    });
  });

  it("an empty key still means the default (as before presets)", async () => {
    const { config } = await load(withPreset("school-30d", "  retentionDays:\n"));
    expect(config.site.policy.retentionDays).toBe(30);
    expect(config.site.policyProvenance?.values["retentionDays"]?.from).toBe("preset");
  });

  it("custom with explicit keys behaves as a file without a preset did", async () => {
    const { config } = await load(withPreset("custom", "  retentionDays: 45\n"));
    expect(config.site.policy.retentionDays).toBe(45);
    expect(config.site.policyProvenance?.values["retentionDays"]).toEqual({ value: 45, from: "config" });
    expect(config.site.policyProvenance?.values["maxGapMinutes"]).toEqual({ value: 10, from: "default" });
  });
});

describe("beijing and the parents' live view", () => {
  it("parents.enabled: true is a configuration error at its line", async () => {
    const file = await tmp.write(
      "site.yaml",
      `${MINIMAL}${withPreset("beijing")}parents:\n  enabled: true\n`,
    );
    const err = await configError(() => loadConfig(file, ENV));
    expectIssue(
      err,
      file,
      "parents.enabled",
      /true conflicts with policy\.preset beijing: .*live online viewing/,
      20,
    );
    expect(err.issues).toHaveLength(1);
  });

  it("from the environment, the error names the variable", async () => {
    const file = await tmp.write("site.yaml", `${MINIMAL}${withPreset("beijing")}`);
    const err = await configError(() => loadConfig(file, { ...ENV, NURSERYWATCH_PARENTS_ENABLED: "yes" }));
    expectIssue(
      err,
      file,
      "parents.enabled",
      /environment variable NURSERYWATCH_PARENTS_ENABLED: true conflicts/,
      null,
    );
  });

  it("parents.enabled: false is fine (it is what the preset says anyway)", async () => {
    const { config } = await load(`${withPreset("beijing")}parents:\n  enabled: false\n`);
    expect(config.parents.enabled).toBe(false);
    expect(config.site.policyProvenance?.values["parents.enabled"]).toEqual({ value: false, from: "config" });
  });

  it("an unknown preset is a schema error with a suggestion", async () => {
    const file = await tmp.write("site.yaml", `${MINIMAL}${withPreset("bejing")}`);
    const err = await configError(() => loadConfig(file, ENV));
    expectIssue(
      err,
      file,
      "policy.preset",
      /must be one of national-2024, beijing, .*did you mean "beijing"/,
      18,
    );
  });
});
