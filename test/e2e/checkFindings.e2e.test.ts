import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { parseScenario } from "../../src/simulator/scenario.ts";
import { startSimulator, type RunningSimulator } from "../../src/simulator/server.ts";
import { runCli, type CliResult } from "../helpers/cli.ts";
import { findingOf, parseReport, statusesOf } from "../helpers/report.ts";
import { channelCameras, writeSite, type SiteFiles } from "../helpers/site.ts";

/**
 * Simulator scenario → real HTTP → ONVIF client → rules → `check --json`, one finding kind at a
 * time, on one NVR whose channels each carry one fault (like src/simulator/scenarios/troubled.yaml).
 */
describe("check finds each problem of a troubled NVR", () => {
  let sim: RunningSimulator;
  let site: SiteFiles;
  let result: CliResult;

  beforeAll(async () => {
    sim = await startSimulator(
      parseScenario(
        {
          name: "troubled",
          devices: [
            {
              id: "nvr1",
              username: "monitor",
              password: "nvr-pass-1",
              clockDriftSeconds: 95,
              timezone: "CST-8",
              streamsPerChannel: 3,
              channels: {
                count: 12,
                defaults: { scheduleToken: "Schedule_24x7", earliestDataAgeDays: 120 },
                overrides: {
                  2: { online: false },
                  3: { signalLoss: true },
                  4: { jobMode: "Idle" },
                  5: { videoTrackError: "Incompatible Stream" },
                  6: { audioTrackError: "No audio input" },
                  7: { stalledSinceSeconds: 1800 },
                  8: { scheduleToken: "Schedule_Weekdays" },
                  9: { eventOnly: true },
                  10: { earliestDataAgeDays: 45, maximumRetention: "P30D" },
                  11: {
                    gaps: [{ startAgeHours: 30, endAgeHours: 27.5 }],
                    deletions: [{ ageDays: 3, dataStartAgeDays: 60, dataEndAgeDays: 58 }],
                  },
                  12: { earliestDataAgeDays: "1970", motionRules: "noActiveCells" },
                },
              },
            },
          ],
        },
        "test",
      ),
    );
    const nvr = sim.devices[0]!;
    site = writeSite({
      devices: [{ id: "nvr1", url: nvr.url, username: "monitor", password: "nvr-pass-1" }],
      cameras: channelCameras("nvr1", 12),
      policy: { requireMotionDetection: true },
    });
    result = await runCli(["check", "--config", site.config, "--json"]);
  });

  afterAll(async () => {
    await sim.stop();
    site.cleanup();
  });

  test("exits 1 with a violation verdict", () => {
    expect(result.stderr).toBe("");
    expect(result.code).toBe(1);
    const report = parseReport(result);
    expect(report.verdict).toBe("violation");
    expect(report.compliant).toBe(false);
    expect(report.site.id).toBe("test-site");
    expect(Date.parse(report.checkedAt)).not.toBeNaN();
  });

  test("a healthy channel on the same NVR is all ok", () => {
    const s = statusesOf(parseReport(result), "nvr1-ch1");
    for (const kind of [
      "camera_offline",
      "recording_stopped",
      "recording_not_continuous",
      "alarm_disarmed",
      "retention_short",
      "retention_gap",
      "retention_config",
    ]) {
      expect(s[kind], kind).toBe("ok");
    }
  });

  test("camera_offline: channel missing from the NVR, and SignalLoss", () => {
    const report = parseReport(result);
    expect(findingOf(report, "camera_offline", "nvr1-ch2").status).toBe("violation");
    expect(findingOf(report, "camera_offline", "nvr1-ch3").status).toBe("violation");
  });

  test("recording_stopped: job Idle, video track error, stalled data; an audio error alone is fine", () => {
    const report = parseReport(result);
    expect(findingOf(report, "recording_stopped", "nvr1-ch4").status).toBe("violation");
    expect(findingOf(report, "recording_stopped", "nvr1-ch5").status).toBe("violation");
    expect(findingOf(report, "recording_stopped", "nvr1-ch6").status).toBe("ok");
    expect(findingOf(report, "recording_stopped", "nvr1-ch7").status).toBe("violation");
  });

  test("recording_not_continuous: Idle job, office-hours schedule, event-only recording", () => {
    const report = parseReport(result);
    expect(findingOf(report, "recording_not_continuous", "nvr1-ch4").status).toBe("violation");
    expect(findingOf(report, "recording_not_continuous", "nvr1-ch8").status).toBe("violation");
    expect(findingOf(report, "recording_not_continuous", "nvr1-ch9").status).toBe("violation");
  });

  test("retention_short and retention_config: 45 days kept, 30 days configured", () => {
    const report = parseReport(result);
    const short = findingOf(report, "retention_short", "nvr1-ch10");
    expect(short.status).toBe("violation");
    const cam = report.cameras.find((c) => c.id === "nvr1-ch10");
    expect(cam?.retentionDepthDays).toBeGreaterThan(44.9);
    expect(cam?.retentionDepthDays).toBeLessThan(45.1);
    expect(findingOf(report, "retention_config", "nvr1-ch10").status).toBe("violation");
  });

  test("retention_gap and an early deletion", () => {
    const report = parseReport(result);
    expect(findingOf(report, "retention_gap", "nvr1-ch11").status).toBe("violation");
    expect(findingOf(report, "retention_short", "nvr1-ch11").status).toBe("violation");
    expect(JSON.stringify(findingOf(report, "retention_short", "nvr1-ch11").evidence)).toMatch(/delet/i);
  });

  test("a 1970 DataFrom is not known, never very old", () => {
    expect(findingOf(parseReport(result), "retention_short", "nvr1-ch12").status).toBe("unknown");
  });

  test("alarm_disarmed: motion rule with no active cells, where required", () => {
    expect(findingOf(parseReport(result), "alarm_disarmed", "nvr1-ch12").status).toBe("violation");
  });

  test("clock_drift: 95 s off the monitor's clock", () => {
    const f = findingOf(parseReport(result), "clock_drift", "nvr1");
    expect(f.status).toBe("violation");
  });

  test("zone_uncovered follows the cameras: gate has healthy and unhealthy ones", () => {
    const report = parseReport(result);
    const gate = report.zones.find((z) => z.id === "gate");
    expect(gate?.healthyCameras).toBeGreaterThanOrEqual(1);
    expect(findingOf(report, "zone_uncovered", "gate").status).toBe("ok");
  });
});
