import { spawn } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { hashApiKey } from "../../src/auth/apiKey.ts";
import { parseScenario } from "../../src/simulator/scenario.ts";
import { startSimulator, type RunningSimulator } from "../../src/simulator/server.ts";
import { runCli } from "../helpers/cli.ts";
import { CLI, ROOT } from "../helpers/paths.ts";

describe("nurserywatch describe", () => {
  let sim: RunningSimulator;
  beforeAll(async () => {
    sim = await startSimulator(
      parseScenario(
        {
          name: "describe",
          devices: [
            {
              id: "nvr1",
              username: "monitor",
              password: "describe-pass",
              streamsPerChannel: 2,
              channels: { count: 3, overrides: { 2: { online: false } } },
            },
          ],
        },
        "test",
      ),
    );
  });
  afterAll(() => sim.stop());

  test("prints profiles, stream URIs, recordings and jobs for filling in the config", async () => {
    const url = sim.devices[0]!.url;
    const r = await runCli(
      ["describe", "--onvif", url, "--username", "monitor", "--password-env", "NVR_PW"],
      {
        env: { NVR_PW: "describe-pass" },
      },
    );
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("ProfileToken_1");
    expect(r.stdout).toContain("ProfileToken_3");
    // An offline channel is missing, as real NVRs show it.
    expect(r.stdout).not.toMatch(/^\s+ProfileToken_2\s/m);
    expect(r.stdout).toMatch(/rtsp:\/\/127\.0\.0\.1:\d+\//);
    expect(r.stdout).toContain("RecordingToken_1");
    expect(r.stdout).toContain("RecordingJob_1");
    expect(r.stdout).not.toContain("describe-pass");
  });

  test("--json gives the same as data", async () => {
    const r = await runCli(
      [
        "describe",
        "--onvif",
        sim.devices[0]!.url,
        "--username",
        "monitor",
        "--password-env",
        "NVR_PW",
        "--json",
      ],
      { env: { NVR_PW: "describe-pass" } },
    );
    const d = JSON.parse(r.stdout) as { profiles: { status: string; value: { token: string }[] } };
    expect(d.profiles.status).toBe("ok");
    expect(d.profiles.value.map((p) => p.token)).toContain("ProfileToken_3_sub");
  });

  test("a wrong password says so and exits 1, without echoing it", async () => {
    const r = await runCli(
      ["describe", "--onvif", sim.devices[0]!.url, "--username", "monitor", "--password-env", "NVR_PW"],
      {
        env: { NVR_PW: "wrong-one" },
      },
    );
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/auth/);
    expect(r.stdout + r.stderr).not.toContain("wrong-one");
  });

  test("a missing password source is a usage error (exit 2)", async () => {
    const r = await runCli(["describe", "--onvif", sim.devices[0]!.url, "--username", "monitor"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("--password-env");
  });
});

describe("nurserywatch key new", () => {
  test("prints a strong key and the SHA-256 that matches it", async () => {
    const r = await runCli(["key", "new"]);
    expect(r.code).toBe(0);
    const key = /key:\s+(\S+)/.exec(r.stdout)?.[1] ?? "";
    const sha = /sha256:\s+([0-9a-f]{64})/.exec(r.stdout)?.[1] ?? "";
    expect(key.length).toBeGreaterThanOrEqual(40);
    expect(sha).toBe(hashApiKey(key));
    const again = await runCli(["key", "new"]);
    expect(again.stdout).not.toContain(key);
  });
});

describe("nurserywatch simulate", () => {
  test("serves a scenario in its own process until SIGTERM", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nw-sim-"));
    const scenario = join(dir, "s.yaml");
    writeFileSync(
      scenario,
      "name: cli\ndevices:\n  - id: nvr9\n    username: u\n    password: p\n    channels: { count: 2 }\n",
    );
    const child = spawn(process.execPath, [CLI, "simulate", "--scenario", scenario, "--json"], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    try {
      const line = await new Promise<string>((resolve) =>
        createInterface({ input: child.stdout }).once("line", resolve),
      );
      const ready = JSON.parse(line) as { devices: { id: string; url: string }[]; controlUrl: string };
      expect(ready.devices.map((d) => d.id)).toEqual(["nvr9"]);
      const state = (await (await fetch(`${ready.controlUrl}/sim/state`)).json()) as {
        devices: { channels: unknown[] }[];
      };
      expect(state.devices[0]!.channels).toHaveLength(2);
      const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      expect(await exited).toBe(0);
    } finally {
      child.kill("SIGKILL");
      rmSync(dir, { recursive: true, force: true });
    }
  });

  test("a broken scenario file is exit 2 naming the file and key", async () => {
    const dir = mkdtempSync(join(tmpdir(), "nw-sim-"));
    const scenario = join(dir, "bad.yaml");
    writeFileSync(scenario, "name: bad\ndevices:\n  - id: x\n    auth: sometimes\n");
    const r = await runCli(["simulate", "--scenario", scenario]);
    rmSync(dir, { recursive: true, force: true });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("bad.yaml");
    expect(r.stderr).toContain("auth");
  });
});
