import { describe, expect, it } from "vitest";
import { createLedger } from "../../src/ledger/ledger.ts";
import { createDeviceRepository } from "../../src/store/devices.ts";
import { createReportRepository } from "../../src/store/reports.ts";
import type { DeviceSummary } from "../../src/store/types.ts";
import { createViolationEngine } from "../../src/violations/engine.ts";
import { fakeClock, testSigner } from "../ledger/helpers.ts";
import { useTestRedis } from "../store/testRedis.ts";
import { at, isoAt, POLICY, sequentialIds, T0 } from "./builders.ts";
import { cameraId, siteFindings } from "./siteFindings.ts";
import type { CheckReport } from "../../src/domain/checkReport.ts";

const CAMERAS = 16;
const BUDGET_PER_CAMERA = 20 * 1024;

describe("Redis footprint of a site", () => {
  const redis = useTestRedis();

  it(`stays within ${BUDGET_PER_CAMERA / 1024} KB per camera after a bad day`, async () => {
    const t = redis();
    const r = t.connect();
    const clock = fakeClock(T0);
    const ledger = createLedger({ redis: r, keys: t.keys, now: clock.now, signer: testSigner() });
    const engine = createViolationEngine({
      redis: r,
      keys: t.keys,
      ledger,
      now: clock.now,
      newId: sequentialIds("01J9Z6V8Q4K3M2N1P0R9S8T7U"),
    });
    const reports = createReportRepository(r, t.keys);
    const devices = createDeviceRepository(r, t.keys);

    // A day of 10-minute evaluations: three NVR outages, a camera flapping every other poll,
    // one camera stopped for hours, and recording gaps found on four cameras.
    const gaps = new Map(
      [1, 5, 9, 13].map((i) => [
        cameraId(i),
        Array.from({ length: 40 }, (_, g) => ({
          start: new Date(T0 - (g + 2) * 86_400_000).toISOString(),
          end: new Date(T0 - (g + 2) * 86_400_000 + 1_800_000).toISOString(),
          minutes: 30,
          open: false,
        })),
      ]),
    );
    let last = siteFindings({ cameras: CAMERAS, now: isoAt(0) });
    for (let step = 0; step < 144; step++) {
      const seconds = step * 600;
      clock.advance(at(seconds) - clock.now());
      const nvrDown = [20, 21, 22, 60, 61, 100, 101, 102, 103].includes(step);
      const stopped = new Set<string>();
      if (step % 2 === 1) stopped.add(cameraId(3));
      if (step >= 30 && step < 50) stopped.add(cameraId(7));
      last = siteFindings({
        cameras: CAMERAS,
        now: isoAt(seconds),
        nvrDown,
        stopped,
        gaps: step >= 5 ? gaps : new Map(),
      });
      await engine.apply("s1", POLICY, last, at(seconds));
    }
    const report = {
      site: {
        id: "s1",
        name: "阳光托育中心",
        registration: "XG-2025-001",
        timezone: "Asia/Shanghai",
        locale: "zh-CN",
      },
      checkedAt: isoAt(144 * 600),
      durationMs: 2100,
      compliant: false,
      verdict: "violation",
      counts: { ok: 100, violation: 4, unknown: 0, accruing: 16 },
      findings: last.map((f) => ({
        ...f,
        message: "摄像机 cam-03 的录像任务视频轨道不是 Active 状态（设备报告 Idle）。",
      })),
      zones: [],
      cameras: Array.from({ length: CAMERAS }, (_, i) => ({
        id: cameraId(i),
        name: `教室 ${i}`,
        device: "nvr1",
        zones: ["z"],
        health: "healthy",
        root: null,
        findings: {},
        retentionDepthDays: 30.5,
      })),
      devices: [],
    } as unknown as CheckReport;
    await reports.put("s1", report);
    const summary: DeviceSummary = {
      deviceId: "nvr1",
      startedAt: isoAt(0),
      polledAt: isoAt(1),
      reachable: true,
      error: null,
      deviceUtc: isoAt(1),
      clockSource: "utc",
      manufacturer: "Hikvision",
      model: "DS-7616NI-K2",
      firmwareVersion: "V4.30.085 build 200916",
      profiles: 32,
      recordings: 16,
    };
    await devices.put("s1", [summary]);

    const siteKeys = (await t.allKeys()).filter((k) => k.includes("{site:s1}"));
    let bytes = 0;
    for (const key of siteKeys) bytes += Number(await r.memory("USAGE", key, "SAMPLES", 0));
    const perCamera = bytes / CAMERAS;
    expect(perCamera).toBeLessThan(BUDGET_PER_CAMERA);
    // Something was actually stored: lapses of the outages and the flapping, incidents, history.
    expect(await r.zcard(t.keys.site("s1").lapses)).toBeGreaterThan(150);
    // Nothing left behind: every open violation is still tracked.
    const tracked = Object.values(await r.hgetall(t.keys.site("s1").tracked));
    for (const id of await r.zrange(t.keys.site("s1").open, 0, -1)) expect(tracked).toContain(id);
    expect(await r.hlen(t.keys.site("s1").incidents)).toBe(160);
  });
});
