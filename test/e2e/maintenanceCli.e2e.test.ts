import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { loadOrCreateMonitorKey } from "../../src/ledger/keys.ts";
import { startPrivateRedis, type PrivateRedis } from "../../src/app/privateRedis.ts";
import { runCli } from "../helpers/cli.ts";
import { writeDaemonSite, type DaemonSite } from "../helpers/daemonSite.ts";

/** Maintenance windows declared from the command line land in the ledger regulators read. */
let redis: PrivateRedis;
let redisDir: string;
let site: DaemonSite;

beforeAll(async () => {
  redisDir = mkdtempSync(join(tmpdir(), "nw-redis-"));
  redis = await startPrivateRedis({ dir: redisDir });
  site = writeDaemonSite({
    devices: [{ id: "nvr1", url: "http://127.0.0.1:9/onvif/device_service", username: "u", password: "p" }],
    cameras: [{ id: "cam1", device: "nvr1", profile: "P1", zones: ["gate", "room", "nap"] }],
    redisUrl: redis.url,
  });
  // As after the monitor's first start: its key exists.
  await loadOrCreateMonitorKey(join(site.dir, "monitor.pem"));
});

afterAll(async () => {
  await redis?.stop();
  rmSync(redisDir, { recursive: true, force: true });
  rmSync(site.dir, { recursive: true, force: true });
});

describe("nurserywatch maintenance", () => {
  test("add, list, end — each recorded in the ledger", async () => {
    const to = new Date(Date.now() + 3600_000).toISOString();
    const add = await runCli([
      "maintenance",
      "add",
      "--config",
      site.config,
      "--to",
      to,
      "--reason",
      "replacing the NVR disk",
      "--subject",
      "camera:cam1",
      "--by",
      "ops",
    ]);
    expect(add.code, add.stderr).toBe(0);
    const id = /declared (\S+)/.exec(add.stdout)?.[1] ?? "";
    expect(id).not.toBe("");

    const list = await runCli(["maintenance", "list", "--config", site.config]);
    expect(list.stdout).toContain(id);
    expect(list.stdout).toContain("camera:cam1");

    const end = await runCli(["maintenance", "end", id, "--config", site.config]);
    expect(end.code, end.stderr).toBe(0);
    expect((await runCli(["maintenance", "list", "--config", site.config])).stdout).toContain(
      "no maintenance windows",
    );

    const file = join(site.dir, "ledger.jsonl");
    expect((await runCli(["ledger", "export", "--config", site.config, "--out", file])).code).toBe(0);
    const types = readFileSync(file, "utf8")
      .split("\n")
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as { type: string }).type);
    expect(types).toContain("maintenance.declared");
    expect(types).toContain("maintenance.ended");
    expect((await runCli(["ledger", "verify", file])).code).toBe(0);
  });

  test("an outage cannot be relabelled maintenance after the fact, and unknown subjects are refused", async () => {
    const past = await runCli([
      "maintenance",
      "add",
      "--config",
      site.config,
      "--from",
      new Date(Date.now() - 3600_000).toISOString(),
      "--to",
      new Date(Date.now() + 3600_000).toISOString(),
      "--reason",
      "oops",
    ]);
    expect(past.code).toBe(2);
    expect(past.stderr).toContain("after the fact");
    const unknown = await runCli([
      "maintenance",
      "add",
      "--config",
      site.config,
      "--to",
      new Date(Date.now() + 3600_000).toISOString(),
      "--reason",
      "x",
      "--subject",
      "camera:nope",
    ]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("camera:nope");
  });
});
