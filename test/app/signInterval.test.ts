import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { ConfigError } from "../../src/config/errors.ts";
import { loadConfig } from "../../src/config/load.ts";

const SITE = `site:
  id: s1
  timezone: Asia/Shanghai
  commissionedAt: 2026-09-01
devices:
  - { id: nvr1, onvif: "http://127.0.0.1:8000/onvif/device_service", username: monitor, passwordEnv: PW }
zones:
  - { id: gate, kind: entrance }
cameras:
  - { id: cam-gate, device: nvr1, profile: P1, zones: [gate] }
`;

/**
 * Node's timers hold at most 2^31-1 ms (~24.8 days); a longer delay fires after 1 ms, so a
 * huge signing interval would sign the ledger head in a busy loop. The schema caps it at a day.
 */
describe("config: ledger.signIntervalSeconds has a maximum", () => {
  let dir = "";
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  const load = async (seconds: number) => {
    dir = await mkdtemp(join(tmpdir(), "nw-sign-interval-"));
    const file = join(dir, "site.yaml");
    await writeFile(file, `${SITE}ledger:\n  signIntervalSeconds: ${seconds}\n`);
    return loadConfig(file, { PW: "x" });
  };

  it("accepts a day", async () => {
    expect((await load(86_400)).ledger.signIntervalSeconds).toBe(86_400);
  });

  it("refuses more than a day, and 30 days (beyond Node's timer range)", async () => {
    await expect(load(86_401)).rejects.toBeInstanceOf(ConfigError);
    await rm(dir, { recursive: true, force: true });
    await expect(load(30 * 86_400)).rejects.toBeInstanceOf(ConfigError);
  });
});
