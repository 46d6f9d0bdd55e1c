import { createServer } from "node:net";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { parseScenario } from "../../src/simulator/scenario.ts";
import { startSimulator, type RunningSimulator } from "../../src/simulator/server.ts";
import { runCli, type CliResult } from "../helpers/cli.ts";
import { findingOf, parseReport } from "../helpers/report.ts";
import { channelCameras, writeSite, type SiteFiles, type SiteSpec } from "../helpers/site.ts";
import type { CheckReport } from "../../src/domain/checkReport.ts";

/**
 * Findings the policy does not require, end to end through `check`: with the default policy
 * (motion detection not required), cameras without an approved reference view and a zone of a
 * kind the policy does not require, nothing of these may read "ok" — least of all on a device
 * that did not answer — and none of them counts or changes the exit code.
 */
const PASSWORD = "device-pass-7";

/** A local port with nothing listening on it: a device there is unreachable (connection refused). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  if (address === null || typeof address === "string") throw new Error("no port");
  return address.port;
}

describe("check reports what the policy does not require as not required, never ok", () => {
  let sim: RunningSimulator;
  const sites: SiteFiles[] = [];
  let deadUrl: string;

  const spec = (withDead: boolean, locale = "en"): SiteSpec => ({
    devices: [
      { id: "good", url: sim.devices[0]!.url, username: "monitor", password: PASSWORD },
      ...(withDead
        ? [{ id: "dead", url: deadUrl, username: "monitor", password: PASSWORD, timeoutSeconds: 2 }]
        : []),
    ],
    cameras: [
      ...channelCameras("good", 2, (n) => (n === 1 ? ["gate", "store"] : ["room", "nap"])),
      ...(withDead ? channelCameras("dead", 2, (n) => (n === 1 ? "gate" : "room")) : []),
    ],
    zones: [
      { id: "gate", kind: "entrance" },
      { id: "room", kind: "activity" },
      { id: "nap", kind: "living" },
      { id: "store", kind: "other" },
    ],
    site: { locale },
  });
  const check = async (s: SiteSpec, json = true): Promise<CliResult> => {
    const files = writeSite(s);
    sites.push(files);
    return runCli(["check", "--config", files.config, ...(json ? ["--json"] : []), "--no-probes"]);
  };

  let down: CliResult;
  let up: CliResult;
  let text: CliResult;
  beforeAll(async () => {
    sim = await startSimulator(
      parseScenario(
        {
          name: "not-required",
          devices: [
            {
              id: "good",
              username: "monitor",
              password: PASSWORD,
              channels: { count: 2, defaults: { scheduleToken: "Schedule_24x7" } },
            },
          ],
        },
        "test",
      ),
    );
    deadUrl = `http://127.0.0.1:${await closedPort()}/onvif/device_service`;
    [down, up, text] = await Promise.all([
      check(spec(true)),
      check(spec(false)),
      check(spec(true, "zh-CN"), false),
    ]);
  });

  afterAll(async () => {
    await sim?.stop();
    for (const s of sites) s.cleanup();
  });

  test("an unreachable device: its cameras' alarm_disarmed and view_changed are not_required, not ok", () => {
    expect(down.stderr).toBe("");
    const report = parseReport(down);
    expect(findingOf(report, "device_unreachable", "dead").status).toBe("violation");
    for (const cam of ["dead-ch1", "dead-ch2", "good-ch1", "good-ch2"]) {
      for (const kind of ["alarm_disarmed", "view_changed"]) {
        const f = findingOf(report, kind, cam);
        expect(f, `${kind} ${cam}`).toMatchObject({
          status: "not_required",
          required: false,
          causedBy: null,
        });
      }
    }
    expect(findingOf(report, "alarm_disarmed", "dead-ch1").message).toBe(
      "This site's policy does not require motion detection, so it is not checked.",
    );
    // What could not be told on the dead device stays unknown, because of it.
    expect(findingOf(report, "recording_stopped", "dead-ch1")).toMatchObject({
      status: "unknown",
      causedBy: { kind: "device_unreachable", subject: { type: "device", id: "dead" } },
    });
    expect(report.cameras.find((c) => c.id === "dead-ch1")?.findings).toMatchObject({
      alarm_disarmed: "not_required",
      view_changed: "not_required",
    });
  });

  test("a zone of a kind the policy does not require is not_required, its coverage for information", () => {
    const report = parseReport(down);
    expect(findingOf(report, "zone_uncovered", "store")).toMatchObject({
      status: "not_required",
      required: false,
      reason: "zone_not_required",
      params: { zoneKind: "other", healthy: 1, cameras: 1 },
    });
    expect(report.zones.find((z) => z.id === "store")).toMatchObject({
      required: false,
      status: "not_required",
    });
  });

  test("none of them is counted; the exit codes keep their meaning", () => {
    const counted = (r: CheckReport) => r.findings.filter((f) => f.required);
    for (const [result, code, verdict] of [
      [down, 1, "violation"],
      [up, 0, "compliant"],
    ] as const) {
      expect(result.code).toBe(code);
      const report = parseReport(result);
      expect(report.verdict).toBe(verdict);
      const required = counted(report);
      expect(required.every((f) => f.status !== "not_required")).toBe(true);
      for (const s of ["ok", "violation", "unknown", "accruing"] as const) {
        expect(report.counts[s], s).toBe(required.filter((f) => f.status === s).length);
      }
      expect(report.counts.not_required).toBe(
        report.findings.filter((f) => f.status === "not_required").length,
      );
    }
    // 2 per camera (alarm_disarmed, view_changed) and the "other" zone.
    expect(parseReport(down).counts.not_required).toBe(4 * 2 + 1);
    expect(parseReport(up).counts.not_required).toBe(2 * 2 + 1);
  });

  test("the text report says so per camera, in the site's language, and never as ok", () => {
    expect(text.code).toBe(1);
    expect(text.stdout).toContain("(非必需、未检查: 9)");
    expect(text.stdout).toMatch(
      /\? \S* ?\(dead-ch1 @ dead\)[^\n]*\n(?: {6}\?[^\n]*\n)+ {6}– 非必需（未检查）: 报警未布防、监控画面被改变\n/u,
    );
    expect(text.stdout).toContain(
      "本机构的规则不要求覆盖其他区域，该区域不作判定（仅供参考：1 台摄像机中 1 台正常）。",
    );
    expect(text.stdout).not.toMatch(/[✓✗?] 报警未布防/u);
  });
});
