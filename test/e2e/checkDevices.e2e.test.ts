import { afterEach, describe, expect, test } from "vitest";
import { parseScenario } from "../../src/simulator/scenario.ts";
import { startSimulator, type RunningSimulator } from "../../src/simulator/server.ts";
import { runCli } from "../helpers/cli.ts";
import { findingOf, parseReport, statusesOf } from "../helpers/report.ts";
import { channelCameras, writeSite, type SiteDevice, type SiteFiles } from "../helpers/site.ts";

/**
 * Devices that misbehave or hide answers, end to end through `check --json`: each must come
 * out as what it is (unreachable, unknown), never as "ok".
 */
const PASSWORD = "device-pass-7";

let sim: RunningSimulator | null = null;
let site: SiteFiles | null = null;
afterEach(async () => {
  await sim?.stop();
  site?.cleanup();
  sim = null;
  site = null;
});

type DeviceDoc = Record<string, unknown> & { id: string };

/** Starts the devices, writes a config for them (two cameras each) and runs check. */
async function check(
  devices: readonly DeviceDoc[],
  opts: {
    configPassword?: string;
    timeoutSeconds?: number;
    site?: Record<string, unknown>;
    text?: boolean;
    /** Picture probes too (slower); these tests are about the ONVIF side unless they say so. */
    probes?: boolean;
  } = {},
) {
  sim = await startSimulator(
    parseScenario(
      {
        name: "test",
        devices: devices.map((d) => ({
          username: "monitor",
          password: PASSWORD,
          channels: { count: 2, defaults: { scheduleToken: "Schedule_24x7" } },
          ...d,
        })),
      },
      "test",
    ),
  );
  const running = sim;
  const siteDevices: SiteDevice[] = devices.map((d) => ({
    id: d.id,
    url: running.devices.find((x) => x.id === d.id)!.url,
    username: "monitor",
    password: opts.configPassword ?? PASSWORD,
    timeoutSeconds: opts.timeoutSeconds ?? 5,
  }));
  site = writeSite({
    devices: siteDevices,
    cameras: devices.flatMap((d) => channelCameras(d.id, 2, (n) => (n === 1 ? "gate" : ["room", "nap"]))),
    zones: [
      { id: "gate", kind: "entrance" },
      { id: "room", kind: "activity" },
      { id: "nap", kind: "living" },
    ],
    ...(opts.site ? { site: opts.site } : {}),
  });
  const started = Date.now();
  const result = await runCli([
    "check",
    "--config",
    site.config,
    ...(opts.text ? [] : ["--json"]),
    ...(opts.probes ? [] : ["--no-probes"]),
  ]);
  return { result, seconds: (Date.now() - started) / 1000 };
}

describe("check against devices that cannot be trusted", () => {
  test("a wrong password is device_unreachable (auth), and its cameras are unknown because of it", async () => {
    const { result } = await check([{ id: "nvr1" }], { configPassword: "not-the-password" });
    expect(result.code).toBe(1);
    const report = parseReport(result);
    const root = findingOf(report, "device_unreachable", "nvr1");
    expect(root.status).toBe("violation");
    expect(JSON.stringify(root.evidence)).toContain("auth");
    const cam = findingOf(report, "recording_stopped", "nvr1-ch1");
    expect(cam.status).toBe("unknown");
    expect(cam.causedBy).toEqual({ kind: "device_unreachable", subject: { type: "device", id: "nvr1" } });
    expect(result.stdout).not.toContain("not-the-password");
    expect(result.stderr).not.toContain("not-the-password");
    // GetSystemDateAndTime needs no login: the clock it told is judged, not lost behind the refusal.
    expect(findingOf(report, "clock_drift", "nvr1")).toMatchObject({ status: "ok", causedBy: null });
  });

  test("a wrong password on a device whose clock is years off: clock_drift is still a violation", async () => {
    const { result } = await check(
      [{ id: "old", clockStartsAt: "2009-01-01T00:00:00Z", dateTimeType: "Manual" }],
      { configPassword: "not-the-password" },
    );
    const report = parseReport(result);
    expect(findingOf(report, "device_unreachable", "old").status).toBe("violation");
    expect(findingOf(report, "clock_drift", "old")).toMatchObject({ status: "violation", causedBy: null });
  });

  test("a hung device is answered within its deadline while the others are still checked", async () => {
    const { result, seconds } = await check(
      [{ id: "hung", operations: { GetSystemDateAndTime: { hang: true } } }, { id: "good" }],
      { timeoutSeconds: 1 },
    );
    const report = parseReport(result);
    const hung = findingOf(report, "device_unreachable", "hung");
    expect(hung.status).toBe("violation");
    expect(JSON.stringify(hung.evidence)).toContain("timeout");
    expect(findingOf(report, "device_unreachable", "good").status).toBe("ok");
    expect(statusesOf(report, "good-ch1")["recording_stopped"]).toBe("ok");
    // One deadline (1 s) plus process start, far from "waiting for the hung device forever".
    expect(seconds).toBeLessThan(15);
  });

  test("a 50 MB answer is cut off (too_large), not read", async () => {
    const { result } = await check([
      { id: "huge", operations: { GetSystemDateAndTime: { oversized: true } } },
    ]);
    const f = findingOf(parseReport(result), "device_unreachable", "huge");
    expect(f.status).toBe("violation");
    expect(JSON.stringify(f.evidence)).toContain("too_large");
  });

  test("an entity-expansion bomb is rejected as malformed", async () => {
    const { result } = await check([
      { id: "bomb", operations: { GetSystemDateAndTime: { entityBomb: true } } },
    ]);
    const f = findingOf(parseReport(result), "device_unreachable", "bomb");
    expect(f.status).toBe("violation");
    expect(JSON.stringify(f.evidence)).toContain("malformed");
  });

  test("a DOCTYPE/XXE body is rejected and nothing of the named file leaks", async () => {
    const { result } = await check([{ id: "xxe", operations: { GetSystemDateAndTime: { xxe: true } } }]);
    const f = findingOf(parseReport(result), "device_unreachable", "xxe");
    expect(f.status).toBe("violation");
    expect(JSON.stringify(f.evidence)).toContain("malformed");
    expect(result.stdout).not.toMatch(/root:x:0:0/);
  });

  test("a hostile answer to one operation makes only what depends on it unknown", async () => {
    const { result } = await check([{ id: "nvr1", operations: { GetRecordingJobs: { entityBomb: true } } }]);
    const report = parseReport(result);
    expect(findingOf(report, "device_unreachable", "nvr1").status).toBe("ok");
    expect(findingOf(report, "camera_offline", "nvr1-ch1").status).toBe("ok");
    expect(findingOf(report, "recording_not_continuous", "nvr1-ch1").status).toBe("unknown");
    expect(result.code).toBe(3);
  });

  test("a device without Profile G is unknown for recording and retention: exit 3, not compliant", async () => {
    const { result } = await check([{ id: "cam", profileG: false }]);
    expect(result.code).toBe(3);
    const report = parseReport(result);
    expect(report.verdict).toBe("indeterminate");
    expect(report.compliant).toBe(false);
    expect(report.findings.filter((f) => f.status === "violation")).toEqual([]);
    for (const kind of ["recording_stopped", "retention_short", "retention_gap"]) {
      expect(findingOf(report, kind, "cam-ch1").status, kind).toBe("unknown");
    }
  });

  test("a clock years off makes clock_drift a violation and the retention rules unknown", async () => {
    const { result } = await check([
      { id: "old", clockStartsAt: "2009-01-01T00:00:00Z", dateTimeType: "Manual" },
    ]);
    const report = parseReport(result);
    expect(findingOf(report, "clock_drift", "old").status).toBe("violation");
    expect(findingOf(report, "retention_short", "old-ch1").status).toBe("unknown");
  });

  test("a recently commissioned site accrues retention instead of violating it", async () => {
    const commissioned = new Date(Date.now() - 30 * 86_400_000).toISOString();
    const { result } = await check(
      [{ id: "new", channels: { count: 2, defaults: { earliestDataAgeDays: 30 } } }],
      {
        site: { commissionedAt: commissioned },
      },
    );
    const report = parseReport(result);
    expect(findingOf(report, "retention_short", "new-ch1").status).toBe("accruing");
    expect(result.code).toBe(0);
    expect(report.compliant).toBe(true);
  });

  test.each(["digest", "wsse"] as const)(
    "a device that accepts only %s is read all the same",
    async (auth) => {
      const { result } = await check([{ id: "strict", auth }]);
      expect(result.code).toBe(0);
      expect(parseReport(result).verdict).toBe("compliant");
    },
  );

  test("service addresses naming another host (NAT) are rewritten to the configured one", async () => {
    // The stream addresses name the unreachable host too: the probes must go to the configured one.
    const { result } = await check([{ id: "natted", advertisedHost: "10.99.0.7" }], { probes: true });
    expect(result.code).toBe(0);
    expect(parseReport(result).verdict).toBe("compliant");
  });

  test("the text report names each problem and its reason in the site's locale", async () => {
    const { result } = await check(
      [
        {
          id: "nvr1",
          channels: {
            count: 2,
            defaults: { scheduleToken: "Schedule_24x7" },
            overrides: { 2: { signalLoss: true } },
          },
        },
      ],
      { site: { locale: "zh-CN" }, text: true },
    );
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("不合规");
    expect(result.stdout).toContain("nvr1-ch2");
    expect(result.stdout).toMatch(/信号/);
  });
});
