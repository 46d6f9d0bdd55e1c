import { copyFile } from "node:fs/promises";
import { join } from "node:path";
import { inspect } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { FINDING_KINDS } from "../../src/config/findingKinds.ts";
import { loadConfig } from "../../src/config/load.ts";
import { Secret } from "../../src/domain/secret.ts";
import { CONFIG_EXAMPLE } from "../helpers/paths.ts";
import { ENV, MINIMAL, PASSWORD, WEBHOOK_SECRET, tempDir } from "./configFiles.ts";

const EXAMPLE = CONFIG_EXAMPLE;

let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => {
  tmp = await tempDir();
});
afterEach(async () => {
  await tmp.remove();
});

describe("the published example", () => {
  it("loads, with the env for its password and webhook secret", async () => {
    const file = join(tmp.dir, "site.yaml");
    await copyFile(EXAMPLE, file);
    const config = await loadConfig(file, ENV);

    expect(config.file).toBe(file);
    expect(config.site).toMatchObject({
      id: "sunshine-01",
      name: "阳光托育中心",
      registration: "XG-2025-001",
      timezone: "Asia/Shanghai",
      // 2026-09-01 is midnight in Shanghai (UTC+8).
      commissionedAt: "2026-08-31T16:00:00.000Z",
      locale: "zh-CN",
    });
    expect(config.site.policy).toEqual({
      retentionDays: 90,
      retentionToleranceHours: 24,
      maxRecordingLagSeconds: 300,
      maxGapMinutes: 10,
      maxClockDriftSeconds: 30,
      requiredZoneKinds: ["entrance", "living", "activity"],
      requireMotionDetection: true,
      pollIntervalSeconds: 30,
      probeIntervalSeconds: 300,
      retentionIntervalSeconds: 3600,
      graceSeconds: 120,
      graceByKind: { retention_short: 3600, image_frozen: 900 },
      recoverySeconds: 60,
    });
    const [device] = config.site.devices;
    expect(device).toMatchObject({
      id: "nvr1",
      kind: "nvr",
      onvif: "http://127.0.0.1:8000/onvif/device_service",
      username: "monitor",
      timeoutSeconds: 5,
      maxConcurrency: 4,
      tls: null,
    });
    expect(device?.password).toBeInstanceOf(Secret);
    expect(device?.password.reveal()).toBe(PASSWORD);
    expect(config.site.zones.map((z) => [z.id, z.kind, z.private, z.minCameras])).toEqual([
      ["gate", "entrance", false, 1],
      ["room-a", "activity", false, 1],
      ["nap", "living", false, 1],
      ["washroom", "living", true, 1],
      ["yard", "activity", false, 2],
    ]);
    expect(config.site.cameras).toEqual([
      {
        id: "cam-gate",
        name: "大门",
        device: "nvr1",
        profile: "ProfileToken_1",
        recording: "RecordingToken_1",
        zones: ["gate"],
        referenceImage: join(tmp.dir, "refs/cam-gate.jpg"),
        commissionedAt: null,
        streamUri: null,
        snapshotUri: null,
      },
    ]);
    expect(config.http).toEqual({
      listen: "0.0.0.0:8080",
      host: "0.0.0.0",
      port: 8080,
      publicUrl: "https://watch.example.org",
      openMetrics: false,
      apiKeys: [
        {
          name: "ops",
          role: "admin",
          sha256: "9f2d0c1be5a7e3c48b0d6f1a2e7c9b3d4f5a6e7b8c9d0e1f2a3b4c5d6e7f8a9b",
          scope: "site",
        },
      ],
    });
    expect(config.redis).toEqual({ url: "redis://127.0.0.1:6379/0" });
    expect(config.recipients).toHaveLength(1);
    expect(config.recipients[0]).toMatchObject({
      id: "wjw",
      email: ["duty@example.org"],
      webhook: { url: "https://alerts.example.org/nurserywatch", secretEnv: "WJW_WEBHOOK_SECRET" },
    });
    expect(config.recipients[0]?.webhook?.secret.reveal()).toBe(WEBHOOK_SECRET);
    expect(config.routes).toEqual([
      {
        to: ["wjw"],
        kinds: [
          "device_unreachable",
          "camera_offline",
          "recording_stopped",
          "zone_uncovered",
          "retention_short",
          "retention_gap",
          "retention_config",
        ],
        afterSeconds: 600,
        severity: "critical",
      },
    ]);
    expect(config.parents).toEqual({
      enabled: true,
      windows: [{ text: "Mon-Fri 08:00-17:30", days: [1, 2, 3, 4, 5], startMinute: 480, endMinute: 1050 }],
      maxSessionsPerFamily: 2,
    });
    // The example follows the xigong preset: what the file leaves out comes from it, and says so.
    expect(config.site.policyProvenance).toMatchObject({ preset: "xigong", presetFrom: "config" });
    expect(config.site.policyProvenance?.values).toMatchObject({
      retentionDays: { value: 90, from: "preset" },
      requireMotionDetection: { value: true, from: "preset" },
      maxGapMinutes: { value: 10, from: "config" },
      "parents.enabled": { value: true, from: "config" },
    });
    expect(config.warnings.filter((w) => w.includes("weaker"))).toEqual([]);
    // The example's zones have no cameras and its reference image is not shipped: warnings, not errors.
    expect(config.warnings.some((w) => w.includes("zones[4]") && w.includes("minCameras is 2"))).toBe(true);
    expect(
      config.warnings.some((w) => w.includes("cameras[0].referenceImage") && w.includes("does not exist")),
    ).toBe(true);
    expect(config.warnings.every((w) => w.startsWith(`${file}:`))).toBe(true);
  });

  it("never shows a password or webhook secret when printed", async () => {
    const config = await loadConfig(EXAMPLE, ENV);
    for (const text of [
      JSON.stringify(config),
      inspect(config, { depth: Infinity }),
      String(config.site.devices[0]?.password),
      `${config.recipients[0]?.webhook?.secret.toString()}`,
    ]) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain(WEBHOOK_SECRET);
    }
    expect(JSON.stringify(config)).toContain("[redacted]");
  });
});

describe("defaults of a minimal file", () => {
  it("fills every optional key", async () => {
    const file = await tmp.write("site.yaml", MINIMAL);
    const config = await loadConfig(file, ENV);
    expect(config.site.name).toBe("test-site");
    expect(config.site.registration).toBeNull();
    expect(config.site.locale).toBe("zh-CN");
    expect(config.site.policy.retentionDays).toBe(90);
    expect(config.site.policy.graceByKind).toEqual({ retention_short: 3600, image_frozen: 900 });
    expect(config.site.devices[0]).toMatchObject({
      kind: "nvr",
      timeoutSeconds: 5,
      maxConcurrency: 4,
      tls: null,
    });
    expect(config.site.zones[0]).toEqual({
      id: "gate",
      kind: "entrance",
      name: "gate",
      private: false,
      minCameras: 1,
    });
    expect(config.site.cameras[0]).toMatchObject({ name: "cam-gate", recording: null, referenceImage: null });
    expect(config.http).toEqual({
      listen: "0.0.0.0:8080",
      host: "0.0.0.0",
      port: 8080,
      publicUrl: null,
      openMetrics: false,
      apiKeys: [],
    });
    // Unset on purpose: the daemon then starts its own redis-server rather than trusting whatever listens on 6379.
    expect(config.redis.url).toBeNull();
    expect(config.recipients).toEqual([]);
    expect(config.routes).toEqual([]);
    expect(config.parents.enabled).toBe(false);
    expect(config.parents.windows.map((w) => w.text)).toEqual(["Mon-Fri 08:00-17:30"]);
    expect(config.parents.maxSessionsPerFamily).toBe(2);
    expect(config.warnings).toEqual([]);
  });

  it("gives an empty section its defaults", async () => {
    const file = await tmp.write("site.yaml", `${MINIMAL}policy:\n  # retentionDays: 30\n`);
    const config = await loadConfig(file, ENV);
    expect(config.site.policy.retentionDays).toBe(90);
  });

  it("merges graceByKind over the plan's values", async () => {
    const file = await tmp.write(
      "site.yaml",
      `${MINIMAL}policy:\n  graceByKind: { camera_offline: 60, image_frozen: 300 }\n`,
    );
    const config = await loadConfig(file, ENV);
    expect(config.site.policy.graceByKind).toEqual({
      retention_short: 3600,
      image_frozen: 300,
      camera_offline: 60,
    });
  });

  it("sends every finding kind along a route that names none", async () => {
    const yaml = `${MINIMAL}recipients:\n  - { id: ops, email: [ops@example.org] }\nroutes:\n  - { to: [ops], severity: warning }\n`;
    const config = await loadConfig(await tmp.write("site.yaml", yaml), ENV);
    expect(config.routes).toEqual([
      { to: ["ops"], kinds: [...FINDING_KINDS], afterSeconds: 0, severity: "warning" },
    ]);
  });

  it("converts dates: bare ones at midnight in the site's zone, date-times by their offset", async () => {
    const yaml = MINIMAL.replace("timezone: Asia/Shanghai", "timezone: America/New_York").replace(
      "zones: [gate]",
      "zones: [gate]\n    commissionedAt: 2026-12-01T09:30:00+01:00",
    );
    const config = await loadConfig(await tmp.write("site.yaml", yaml), ENV);
    expect(config.site.commissionedAt).toBe("2026-09-01T04:00:00.000Z"); // EDT, UTC-4
    expect(config.site.cameras[0]?.commissionedAt).toBe("2026-12-01T08:30:00.000Z");
  });

  it("normalizes key hashes, fingerprints and the listen address", async () => {
    const yaml = MINIMAL.replace("http://127.0.0.1:8000", "https://127.0.0.1:8443")
      .replace(
        "passwordEnv: NVR1_PASSWORD",
        `passwordEnv: NVR1_PASSWORD\n    tls: { fingerprint256: ${"ab".repeat(32)} }`,
      )
      .concat(
        `http:\n  listen: "[::1]:9090"\n  publicUrl: https://watch.example.org/\n  apiKeys:\n    - { name: reg, role: regulator, sha256: ${"AB".repeat(32)} }\n`,
      );
    const config = await loadConfig(await tmp.write("site.yaml", yaml), ENV);
    expect(config.site.devices[0]?.tls).toEqual({ ca: null, fingerprint256: Array(32).fill("AB").join(":") });
    expect(config.http).toMatchObject({ host: "::1", port: 9090, publicUrl: "https://watch.example.org" });
    expect(config.http.apiKeys[0]?.sha256).toBe("ab".repeat(32));
  });
});
