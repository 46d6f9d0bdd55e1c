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

describe("config: ledger section", () => {
  let dir = "";
  afterEach(async () => {
    if (dir) await rm(dir, { recursive: true, force: true });
  });
  const write = async (extra: string) => {
    dir = await mkdtemp(join(tmpdir(), "nw-ledger-config-"));
    const file = join(dir, "site.yaml");
    await writeFile(file, SITE + extra);
    return file;
  };

  it("defaults to var/monitor-ed25519.pem beside the file, signed every 300 s", async () => {
    const config = await loadConfig(await write(""), { PW: "x" });
    expect(config.ledger).toEqual({
      keyFile: join(dir, "var/monitor-ed25519.pem"),
      signIntervalSeconds: 300,
    });
  });

  it("takes a key file relative to the file, an interval, and the environment's override", async () => {
    const file = await write("ledger:\n  keyFile: keys/k.pem\n  signIntervalSeconds: 60\n");
    expect((await loadConfig(file, { PW: "x" })).ledger).toEqual({
      keyFile: join(dir, "keys/k.pem"),
      signIntervalSeconds: 60,
    });
    const env = { PW: "x", NURSERYWATCH_LEDGER_SIGNINTERVALSECONDS: "900" };
    expect((await loadConfig(file, env)).ledger.signIntervalSeconds).toBe(900);
  });

  it("refuses unknown keys and a zero interval", async () => {
    await expect(loadConfig(await write("ledger:\n  keyfile: x\n"), { PW: "x" })).rejects.toBeInstanceOf(
      ConfigError,
    );
    await rm(dir, { recursive: true, force: true });
    await expect(
      loadConfig(await write("ledger:\n  signIntervalSeconds: 0\n"), { PW: "x" }),
    ).rejects.toBeInstanceOf(ConfigError);
  });
});
