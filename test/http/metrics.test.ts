import { Registry } from "prom-client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { SiteInfo } from "../../src/http/deps.ts";
import { createMetrics, refreshStatusGauges } from "../../src/metrics/metrics.ts";
import { SUNSHINE, T0, openViolation } from "./fakes.ts";
import { harness, type Harness } from "./helpers.ts";
import { sampleReport } from "./sampleReport.ts";

const iso = (ms: number): string => new Date(ms).toISOString();

/** The value of one series in a text exposition, or undefined when it is absent. */
function sample(text: string, name: string, labels: Record<string, string>): number | undefined {
  const want = Object.entries(labels)
    .map(([k, v]) => `${k}="${v}"`)
    .sort()
    .join(",");
  for (const line of text.split("\n")) {
    const m = /^([a-z_:]+)\{([^}]*)\} (\S+)$/.exec(line);
    if (m === null || m[1] !== name) continue;
    const have = (m[2] ?? "").split(",").sort().join(",");
    if (have === want) return Number(m[3]);
  }
  return undefined;
}

describe("GET /metrics", () => {
  let h: Harness;
  beforeEach(() => {
    h = harness();
  });
  afterEach(async () => {
    await h.server.stop();
  });

  /** A scrape with the (district-wide) regulator key, after the snapshot's age ran out. */
  const scrape = async (): Promise<string> => {
    h.world.clock.now += 5_000;
    const r = await h.call({ url: "/metrics", key: h.world.keys.regulator });
    expect(r.statusCode).toBe(200);
    expect(r.headers["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
    return r.body;
  };

  it("exposes every metric under the nurserywatch_ prefix, and no other", async () => {
    const text = await scrape();
    const names = new Set([...text.matchAll(/^# TYPE (\S+) (\S+)$/gm)].map((m) => `${m[1]} ${m[2]}`));
    expect([...names].sort()).toEqual(
      [
        "nurserywatch_camera_picture_ok gauge",
        "nurserywatch_camera_recording gauge",
        "nurserywatch_camera_retention_days gauge",
        "nurserywatch_camera_up gauge",
        "nurserywatch_device_last_poll_timestamp_seconds gauge",
        "nurserywatch_device_up gauge",
        "nurserywatch_findings gauge",
        "nurserywatch_poll_duration_seconds histogram",
        "nurserywatch_queue_depth gauge",
        "nurserywatch_site_checked_timestamp_seconds gauge",
        "nurserywatch_site_compliant gauge",
        "nurserywatch_violations_open gauge",
        "nurserywatch_zone_covered gauge",
      ].sort(),
    );
  });

  it("shows per camera, zone and device state from the latest report, refreshed for the next scrape once the snapshot is 5 s old", async () => {
    h.world.reports.set(
      SUNSHINE.id,
      sampleReport(SUNSHINE, iso(T0 - 30_000), { offline: ["cam-room"], retentionDays: { "cam-nap": 42.5 } }),
    );
    h.world.lastPollAt.set(SUNSHINE.id, { nvr1: iso(T0 - 30_000) });
    let text = await scrape();
    const site = "sunshine-01";
    expect(sample(text, "nurserywatch_camera_up", { site, camera: "cam-gate" })).toBe(1);
    expect(sample(text, "nurserywatch_camera_up", { site, camera: "cam-room" })).toBe(0);
    expect(sample(text, "nurserywatch_camera_recording", { site, camera: "cam-gate" })).toBe(1);
    expect(sample(text, "nurserywatch_camera_retention_days", { site, camera: "cam-gate" })).toBe(93);
    expect(sample(text, "nurserywatch_camera_retention_days", { site, camera: "cam-nap" })).toBe(42.5);
    expect(sample(text, "nurserywatch_zone_covered", { site, zone: "gate" })).toBe(1);
    expect(sample(text, "nurserywatch_zone_covered", { site, zone: "room-a" })).toBe(0);
    expect(sample(text, "nurserywatch_device_up", { site, device: "nvr1" })).toBe(1);
    expect(sample(text, "nurserywatch_device_last_poll_timestamp_seconds", { site, device: "nvr1" })).toBe(
      (T0 - 30_000) / 1000,
    );
    expect(sample(text, "nurserywatch_site_compliant", { site })).toBe(0);
    expect(sample(text, "nurserywatch_site_checked_timestamp_seconds", { site })).toBe((T0 - 30_000) / 1000);
    expect(sample(text, "nurserywatch_findings", { site, status: "violation" })).toBe(3);
    // No picture probes in this report: no picture series rather than a made-up "ok".
    expect(sample(text, "nurserywatch_camera_picture_ok", { site, camera: "cam-gate" })).toBeUndefined();

    h.world.reports.set(SUNSHINE.id, sampleReport(SUNSHINE, iso(T0)));
    text = await scrape();
    expect(sample(text, "nurserywatch_camera_up", { site, camera: "cam-room" })).toBe(1);
    expect(sample(text, "nurserywatch_site_compliant", { site })).toBe(1);
  });

  it("reports nothing as up while it cannot be told (an unreachable recorder)", async () => {
    h.world.reports.set(SUNSHINE.id, sampleReport(SUNSHINE, iso(T0), { unreachable: ["nvr1"] }));
    const text = await scrape();
    const site = "sunshine-01";
    expect(sample(text, "nurserywatch_device_up", { site, device: "nvr1" })).toBe(0);
    for (const camera of ["cam-gate", "cam-room", "cam-nap"]) {
      expect(sample(text, "nurserywatch_camera_up", { site, camera })).toBeUndefined();
      expect(sample(text, "nurserywatch_camera_recording", { site, camera })).toBeUndefined();
      expect(sample(text, "nurserywatch_camera_retention_days", { site, camera })).toBeUndefined();
    }
    expect(sample(text, "nurserywatch_zone_covered", { site, zone: "gate" })).toBeUndefined();
    expect(sample(text, "nurserywatch_findings", { site, status: "unknown" })).toBeGreaterThan(0);
    expect(sample(text, "nurserywatch_site_compliant", { site })).toBe(0);
  });

  it("counts open violations by kind, 0 for the kinds with none", async () => {
    h.world.violations.push(
      openViolation({ id: "a", kind: "camera_offline", subject: { type: "camera", id: "cam-room" } }),
      openViolation({ id: "b", kind: "camera_offline", subject: { type: "camera", id: "cam-gate" } }),
      openViolation({ id: "c", kind: "retention_short", subject: { type: "camera", id: "cam-nap" } }),
      openViolation({
        id: "d",
        kind: "clock_drift",
        subject: { type: "device", id: "nvr1" },
        state: "resolved",
      }),
    );
    const text = await scrape();
    const site = "sunshine-01";
    expect(sample(text, "nurserywatch_violations_open", { site, kind: "camera_offline" })).toBe(2);
    expect(sample(text, "nurserywatch_violations_open", { site, kind: "retention_short" })).toBe(1);
    expect(sample(text, "nurserywatch_violations_open", { site, kind: "clock_drift" })).toBe(0);
    expect(sample(text, "nurserywatch_violations_open", { site, kind: "monitor_blind" })).toBe(0);
  });

  it("keeps serving (the last values) when the stores cannot be read, and logs it", async () => {
    h.world.reports.set(SUNSHINE.id, sampleReport(SUNSHINE, iso(T0)));
    await scrape();
    h.world.failStatus = true;
    const text = await scrape();
    expect(sample(text, "nurserywatch_camera_up", { site: "sunshine-01", camera: "cam-gate" })).toBe(1);
    expect(h.world.logs.join("")).toContain("could not refresh status gauges");
  });

  it("shows what the daemon records: poll durations and queue depth", async () => {
    const m = h.world.metrics;
    m.pollDuration.observe({ site: "sunshine-01", job: "poll" }, 0.8);
    m.pollDuration.observe({ site: "sunshine-01", job: "poll" }, 3);
    m.queueDepth.set({ queue: "poll", state: "waiting" }, 7);
    const text = await scrape();
    expect(
      sample(text, "nurserywatch_poll_duration_seconds_count", { site: "sunshine-01", job: "poll" }),
    ).toBe(2);
    expect(
      sample(text, "nurserywatch_poll_duration_seconds_bucket", {
        site: "sunshine-01",
        job: "poll",
        le: "1",
      }),
    ).toBe(1);
    expect(sample(text, "nurserywatch_poll_duration_seconds_sum", { site: "sunshine-01", job: "poll" })).toBe(
      3.8,
    );
    expect(sample(text, "nurserywatch_queue_depth", { queue: "poll", state: "waiting" })).toBe(7);
  });
});

describe("refreshStatusGauges", () => {
  it("drops the series of cameras and sites that are gone", async () => {
    const m = createMetrics(new Registry());
    const report = sampleReport(SUNSHINE, iso(T0));
    refreshStatusGauges(m, { sites: [{ siteId: SUNSHINE.id, report, lastPollAt: {} }], openViolations: [] });
    const smaller: SiteInfo = { ...SUNSHINE, cameras: SUNSHINE.cameras.slice(0, 1) };
    refreshStatusGauges(m, {
      sites: [{ siteId: SUNSHINE.id, report: sampleReport(smaller, iso(T0)), lastPollAt: {} }],
      openViolations: [],
    });
    const text = await m.registry.metrics();
    expect(sample(text, "nurserywatch_camera_up", { site: SUNSHINE.id, camera: "cam-gate" })).toBe(1);
    expect(sample(text, "nurserywatch_camera_up", { site: SUNSHINE.id, camera: "cam-room" })).toBeUndefined();
    refreshStatusGauges(m, { sites: [], openViolations: [] });
    expect(await m.registry.metrics()).not.toMatch(/sunshine-01/);
  });

  it("reports picture health from the picture findings when probes exist", async () => {
    const m = createMetrics(new Registry());
    const report = sampleReport(SUNSHINE, iso(T0));
    const cameras = report.cameras.map((c, i) => ({
      ...c,
      findings: {
        ...c.findings,
        image_black: i === 1 ? ("violation" as const) : ("ok" as const),
        image_frozen: "ok" as const,
      },
    }));
    refreshStatusGauges(m, {
      sites: [{ siteId: SUNSHINE.id, report: { ...report, cameras }, lastPollAt: {} }],
      openViolations: [],
    });
    const text = await m.registry.metrics();
    expect(sample(text, "nurserywatch_camera_picture_ok", { site: SUNSHINE.id, camera: "cam-gate" })).toBe(1);
    expect(sample(text, "nurserywatch_camera_picture_ok", { site: SUNSHINE.id, camera: "cam-room" })).toBe(0);
  });

  it("never touches the global registry", async () => {
    const { register } = await import("prom-client");
    const before = (await register.metrics()).length;
    createMetrics(new Registry());
    expect((await register.metrics()).length).toBe(before);
  });
});
