import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.ts";
import { ENV, MINIMAL, configError, expectIssue, tempDir } from "./configFiles.ts";

let tmp: Awaited<ReturnType<typeof tempDir>>;
let file: string;
beforeEach(async () => {
  tmp = await tempDir();
  file = await tmp.write("site.yaml", `${MINIMAL}policy:\n  retentionDays: 60\nparents:\n  enabled: true\n`);
});
afterEach(async () => {
  await tmp.remove();
});

const load = (env: Record<string, string>) => loadConfig(file, { ...ENV, ...env });

describe("NURSERYWATCH_* environment overrides", () => {
  it("win over the file, coerced by the schema type", async () => {
    const config = await load({
      NURSERYWATCH_POLICY_RETENTIONDAYS: "30",
      NURSERYWATCH_HTTP_LISTEN: "127.0.0.1:9000",
      NURSERYWATCH_SITE_LOCALE: "en",
      NURSERYWATCH_PARENTS_ENABLED: "no",
      NURSERYWATCH_POLICY_REQUIREMOTIONDETECTION: "true",
      NURSERYWATCH_DEVICES_0_TIMEOUTSECONDS: "2.5",
    });
    expect(config.site.policy.retentionDays).toBe(30);
    expect(config.http).toMatchObject({ listen: "127.0.0.1:9000", host: "127.0.0.1", port: 9000 });
    expect(config.site.locale).toBe("en");
    expect(config.parents.enabled).toBe(false);
    expect(config.site.policy.requireMotionDetection).toBe(true);
    expect(config.site.devices[0]?.timeoutSeconds).toBe(2.5);
  });

  it("match key names case-insensitively, including keys that contain '_'", async () => {
    const config = await load({
      NURSERYWATCH_Policy_retentionDays: "45",
      NURSERYWATCH_POLICY_GRACEBYKIND_CAMERA_OFFLINE: "60",
    });
    expect(config.site.policy.retentionDays).toBe(45);
    expect(config.site.policy.graceByKind).toEqual({
      retention_short: 3600,
      image_frozen: 900,
      camera_offline: 60,
    });
  });

  it("take lists as a,b or as a YAML flow list", async () => {
    const config = await load({
      NURSERYWATCH_POLICY_REQUIREDZONEKINDS: "entrance, living",
      NURSERYWATCH_PARENTS_WINDOWS: '["Mon,Wed 08:00-12:00", "Fri 09:00-10:00"]',
    });
    expect(config.site.policy.requiredZoneKinds).toEqual(["entrance", "living"]);
    expect(config.parents.windows.map((w) => [w.days, w.startMinute, w.endMinute])).toEqual([
      [[1, 3], 480, 720],
      [[5], 540, 600],
    ]);
  });

  it("read REDIS_URL, and NURSERYWATCH_REDIS_URL over it", async () => {
    expect((await load({ REDIS_URL: "redis://cache:6379/2" })).redis.url).toBe("redis://cache:6379/2");
    const both = await load({
      REDIS_URL: "redis://cache:6379/2",
      NURSERYWATCH_REDIS_URL: "rediss://primary:6380/0",
    });
    expect(both.redis.url).toBe("rediss://primary:6380/0");
  });

  it("fill a section the file does not have", async () => {
    const config = await load({ NURSERYWATCH_HTTP_PUBLICURL: "https://watch.example.org" });
    expect(config.http.publicUrl).toBe("https://watch.example.org");
    expect(config.http.listen).toBe("0.0.0.0:8080");
  });

  it("leave other variables alone", async () => {
    const config = await load({ NURSERYWATCH_UNKNOWN_THING: "/somewhere", NURSERYWATCH_LOG_LEVEL: "debug" });
    expect(config.site.policy.retentionDays).toBe(60);
  });

  it("cannot add an array entry", async () => {
    const err = await configError(() => load({ NURSERYWATCH_DEVICES_3_TIMEOUTSECONDS: "2" }));
    expectIssue(
      err,
      file,
      "devices[3].timeoutSeconds",
      /NURSERYWATCH_DEVICES_3_TIMEOUTSECONDS: devices\[3\] is not in the file/,
      null,
    );
  });

  it("cannot replace a whole section", async () => {
    const err = await configError(() => load({ NURSERYWATCH_POLICY: "{}" }));
    expectIssue(err, file, "policy", /NURSERYWATCH_POLICY: policy is a section, not a value/, null);
  });

  it("cannot carry a device password", async () => {
    const err = await configError(() => load({ NURSERYWATCH_DEVICES_0_PASSWORD: "hunter2" }));
    expectIssue(
      err,
      file,
      "devices[0].password",
      /NURSERYWATCH_DEVICES_0_PASSWORD: a password may not be written/,
      null,
    );
    expect(err.message).not.toContain("hunter2");
  });

  it("name the variable when a coerced value breaks a schema limit", async () => {
    const err = await configError(() => load({ NURSERYWATCH_POLICY_MAXGAPMINUTES: "0" }));
    expectIssue(
      err,
      file,
      "policy.maxGapMinutes",
      /environment variable NURSERYWATCH_POLICY_MAXGAPMINUTES: must be >= 1, got 0/,
      null,
    );
  });

  it("reject a value that is not a boolean", async () => {
    const err = await configError(() => load({ NURSERYWATCH_PARENTS_ENABLED: "maybe" }));
    expectIssue(
      err,
      file,
      "parents.enabled",
      /NURSERYWATCH_PARENTS_ENABLED: must be true or false \(got "maybe"\)/,
      null,
    );
  });

  it("do not change the environment object they are given", async () => {
    const env = { ...ENV, NURSERYWATCH_POLICY_RETENTIONDAYS: "30" };
    const copy = { ...env };
    await loadConfig(file, env);
    expect(env).toEqual(copy);
  });
});
