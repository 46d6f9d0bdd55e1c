import { appendFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { parseScenario } from "../../src/simulator/scenario.ts";
import { startSimulator, type RunningSimulator } from "../../src/simulator/server.ts";
import { runCli, type CliResult } from "../helpers/cli.ts";
import { findingOf, parseReport } from "../helpers/report.ts";
import { channelCameras, writeSite, type SiteFiles } from "../helpers/site.ts";

/**
 * policy.preset end to end through `check`: the preset decides the verdict (45 days of video
 * pass under school-30d), and the report says which preset, which source, and where each value
 * came from (preset, file, environment, default). Beijing with parents.enabled: true never runs.
 */
const PASSWORD = "preset-pass-3";

describe("check and policy presets", () => {
  let sim: RunningSimulator;
  const sites: SiteFiles[] = [];
  let json: CliResult;
  let text: CliResult;
  let conflict: CliResult;
  let conflictFile: string;

  const site = (policy: Record<string, unknown>): SiteFiles => {
    const files = writeSite({
      devices: [{ id: "nvr1", url: sim.devices[0]!.url, username: "monitor", password: PASSWORD }],
      cameras: channelCameras("nvr1", 3),
      policy,
    });
    sites.push(files);
    return files;
  };

  beforeAll(async () => {
    sim = await startSimulator(
      parseScenario(
        {
          name: "presets",
          devices: [
            {
              id: "nvr1",
              username: "monitor",
              password: PASSWORD,
              channels: { count: 3, defaults: { scheduleToken: "Schedule_24x7", earliestDataAgeDays: 45 } },
            },
          ],
        },
        "test",
      ),
    );
    const school = site({ preset: "school-30d", pollIntervalSeconds: 60 });
    const env = { env: { NURSERYWATCH_POLICY_MAXGAPMINUTES: "5" } };
    const beijing = site({ preset: "beijing" });
    appendFileSync(beijing.config, "parents:\n  enabled: true\n");
    conflictFile = beijing.config;
    [json, text, conflict] = await Promise.all([
      runCli(["check", "--config", school.config, "--json", "--no-probes"], env),
      runCli(["check", "--config", school.config, "--no-probes"], env),
      runCli(["check", "--config", beijing.config, "--json", "--no-probes"]),
    ]);
  });

  afterAll(async () => {
    await sim?.stop();
    for (const s of sites) s.cleanup();
  });

  test("the preset's 30 days decide retention: 45 days of video are compliant", () => {
    expect(json.stderr).toBe("");
    const report = parseReport(json);
    expect(findingOf(report, "retention_short", "nvr1-ch1").status).toBe("ok");
    expect(report.verdict).toBe("compliant");
    expect(json.code).toBe(0);
  });

  test("check --json carries policy: preset, source and each value with where it came from", () => {
    const policy = parseReport(json).policy!;
    expect(policy.preset).toBe("school-30d");
    expect(policy.presetFrom).toBe("config");
    expect(policy.source).toMatchObject({ number: "GB/T 29315-2022", date: "2022-06-01", clause: null });
    expect(policy.source?.title.en).toMatch(/kindergartens/);
    expect(policy.values["retentionDays"]).toEqual({ value: 30, from: "preset" });
    expect(policy.values["pollIntervalSeconds"]).toEqual({ value: 60, from: "config" });
    expect(policy.values["maxGapMinutes"]).toEqual({
      value: 5,
      from: "env",
      variable: "NURSERYWATCH_POLICY_MAXGAPMINUTES",
    });
    expect(policy.values["graceSeconds"]).toEqual({ value: 120, from: "default" });
    expect(policy.values["parents.enabled"]).toEqual({ value: false, from: "default" });
  });

  test("the text report names the preset and source, and the values by origin", () => {
    expect(text.code).toBe(0);
    expect(text.stdout).toMatch(
      /^Policy: preset school-30d — Security requirements for primary and secondary schools and kindergartens .*GB\/T 29315-2022, in force 2022-06-01, clause not recorded$/m,
    );
    expect(text.stdout).toMatch(
      /^ {2}from the environment: maxGapMinutes 5 \(NURSERYWATCH_POLICY_MAXGAPMINUTES\)$/m,
    );
    expect(text.stdout).toMatch(/^ {2}from this file: pollIntervalSeconds 60$/m);
    expect(text.stdout).toMatch(/^ {2}from the preset: retentionDays 30$/m);
    expect(text.stdout).toMatch(/^ {2}built-in defaults: .*graceSeconds 120/m);
  });

  test("beijing with parents.enabled: true is a configuration error naming file, line and key", () => {
    expect(conflict.code).toBe(2);
    expect(conflict.stdout).toBe("");
    const escaped = conflictFile.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
    expect(conflict.stderr).toMatch(
      new RegExp(
        `${escaped}:\\d+: parents\\.enabled: true conflicts with policy\\.preset beijing: .*live online viewing`,
      ),
    );
  });
});
