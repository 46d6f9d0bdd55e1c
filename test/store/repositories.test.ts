import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { ok, failed } from "../../src/domain/probe.ts";
import type { DeviceObservation } from "../../src/domain/observation.ts";
import { boundRecord, jsonBytes } from "../../src/store/bound.ts";
import { createDeviceRepository, summarizeObservation } from "../../src/store/devices.ts";
import { createReportRepository } from "../../src/store/reports.ts";
import { createSessionRepository } from "../../src/store/sessions.ts";
import { useTestRedis } from "./testRedis.ts";
import type { CheckReport } from "../../src/domain/checkReport.ts";

const observation = (deviceId: string, reachable: boolean): DeviceObservation => ({
  deviceId,
  startedAt: "2026-10-01T00:00:00.000Z",
  finishedAt: "2026-10-01T00:00:02.000Z",
  reach: reachable
    ? { status: "reachable" }
    : { status: "unreachable", error: { kind: "auth", message: "HTTP 401 from the device" } },
  clock: ok({
    deviceUtc: "2026-10-01T00:00:01.000Z",
    source: "utc",
    observedAt: "2026-10-01T00:00:01.000Z",
    timezone: "CST-8",
    dateTimeType: "NTP",
  }),
  info: ok({
    manufacturer: "ACME",
    model: "NVR-16",
    firmwareVersion: "1.2",
    serialNumber: "SN1",
    hardwareId: "HW",
  }),
  services: failed({ kind: "timeout", message: "t" }),
  profiles: ok([
    {
      token: "P1",
      name: "main",
      videoSourceToken: "V1",
      encoding: "H264",
      width: 1920,
      height: 1080,
      analyticsToken: null,
      streamUri: "rtsp://admin:hunter2@10.0.0.5/ch1",
      snapshotUri: null,
    },
  ]),
  signalLoss: ok({}),
  recordings: ok([]),
  recordingJobs: ok([]),
  jobStates: {},
  schedules: {},
  recordingInfo: {},
  recordingHistory: {},
  analyticsRules: {},
});

describe("device summaries and poll bookkeeping", () => {
  const redis = useTestRedis();

  it("keeps a summary without addresses or credentials, and the poll time per device", async () => {
    const t = redis();
    const repo = createDeviceRepository(t.connect(), t.keys);
    const up = summarizeObservation(observation("nvr1", true));
    const down = summarizeObservation(observation("nvr2", false));
    expect(JSON.stringify(up)).not.toContain("hunter2");
    expect(JSON.stringify(up)).not.toContain("rtsp://");
    expect(up).toMatchObject({
      reachable: true,
      model: "NVR-16",
      profiles: 1,
      recordings: 0,
      clockSource: "utc",
    });
    expect(down.error).toEqual({ kind: "auth", message: "HTTP 401 from the device" });

    await repo.put("s1", [up, down]);
    expect(await repo.all("s1")).toEqual([up, down]);
    await repo.recordPoll("s1", "cam9", 1234);
    expect(await repo.lastPolls("s1")).toEqual({
      nvr1: Date.parse("2026-10-01T00:00:02.000Z"),
      nvr2: Date.parse("2026-10-01T00:00:02.000Z"),
      cam9: 1234,
    });
  });
});

describe("latest report per site", () => {
  const redis = useTestRedis();

  it("stores the report with each finding's evidence bounded", async () => {
    const t = redis();
    const repo = createReportRepository(t.connect(), t.keys, { evidenceBytes: 600 });
    const gaps = Array.from({ length: 100 }, (_, i) => ({
      start: `2026-09-${i}`,
      end: "x",
      minutes: 11,
      open: false,
    }));
    const report = {
      site: { id: "s1", name: "S", registration: null, timezone: "Asia/Shanghai", locale: "en" },
      checkedAt: "2026-10-01T00:00:00.000Z",
      durationMs: 10,
      compliant: false,
      verdict: "violation",
      counts: { ok: 0, violation: 1, unknown: 0, accruing: 0 },
      findings: [
        {
          kind: "retention_gap",
          subject: { type: "camera", id: "c1" },
          status: "violation",
          required: true,
          reason: "recording_gaps",
          message: "gaps",
          params: {},
          evidence: { recording: "R1", gaps, gapsTotal: 100 },
          causedBy: null,
        },
      ],
      zones: [],
      cameras: [],
      devices: [],
    } as unknown as CheckReport;
    const bytes = await repo.put("s1", report);
    expect(bytes).toBeLessThan(2000);
    const back = await repo.get("s1");
    const evidence = back?.findings[0]?.evidence as {
      gaps: unknown[];
      gapsTotal: number;
      truncated: boolean;
    };
    expect(evidence.gapsTotal).toBe(100);
    expect(evidence.truncated).toBe(true);
    expect(evidence.gaps.length).toBeGreaterThan(0);
    expect(evidence.gaps.length).toBeLessThan(100);
    expect(await repo.get("other")).toBeNull();
  });
});

describe("dashboard sessions", () => {
  const redis = useTestRedis();

  it("are stored under the hash of the id, expire by the injected clock and by Redis", async () => {
    const t = redis();
    const r = t.connect();
    let now = Date.parse("2026-10-01T00:00:00.000Z");
    const repo = createSessionRepository(r, t.keys, () => now);
    const sessionId = "cookie-value-never-stored";
    const idHash = createHash("sha256").update(sessionId).digest("hex");
    const session = {
      idHash,
      keyName: "ops",
      sites: ["site-a"],
      district: false,
      createdAt: new Date(now).toISOString(),
      expiresAt: new Date(now + 3600_000).toISOString(),
    };
    await repo.create(session);
    expect(await repo.get(idHash)).toEqual(session);
    const stored = await t.allKeys();
    expect(stored).toEqual([t.keys.session(idHash)]);
    expect(JSON.stringify(stored)).not.toContain(sessionId);
    const ttl = await r.pttl(t.keys.session(idHash));
    expect(ttl).toBeGreaterThan(3590_000);
    expect(ttl).toBeLessThanOrEqual(3600_000);

    now += 3600_000;
    expect(await repo.get(idHash)).toBeNull();
    now -= 1;
    expect(await repo.get(idHash)).toEqual(session);
    await repo.delete(idHash);
    expect(await repo.get(idHash)).toBeNull();
    expect(await repo.get("not-a-hash")).toBeNull();
  });
});

describe("boundRecord", () => {
  it("returns small records as they are", () => {
    const r = { a: 1, b: "x" };
    expect(boundRecord(r, 100)).toBe(r);
  });

  it("cuts lists and long texts, notes what was cut, and fits the bound", () => {
    const r = {
      items: Array.from({ length: 500 }, (_, i) => ({ i, text: "y".repeat(300) })),
      note: "z".repeat(5000),
    };
    const b = boundRecord(r, 2048);
    expect(jsonBytes(b)).toBeLessThanOrEqual(2048);
    expect(b["itemsTotal"]).toBe(500);
    expect(b["truncated"]).toBe(true);
  });

  it("as a last resort keeps only scalars", () => {
    const r = { n: 5, big: { deep: "q".repeat(10_000) }, s: "text" };
    const b = boundRecord(r, 60);
    expect(jsonBytes(b)).toBeLessThanOrEqual(60);
    expect(b).toMatchObject({ truncated: true, n: 5 });
  });
});
