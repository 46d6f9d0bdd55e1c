import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { runCli } from "../helpers/cli.ts";

/** `check` exits 2 with a message naming the file, the key and the problem, for every kind of broken config. */
const GOOD = `site:
  id: s1
  timezone: Asia/Shanghai
  commissionedAt: 2026-01-01
devices:
  - id: nvr1
    onvif: http://127.0.0.1:9/onvif/device_service
    username: monitor
    passwordEnv: NW_TEST_PW
zones:
  - { id: gate, kind: entrance }
cameras:
  - { id: cam1, device: nvr1, profile: P1, zones: [gate] }
`;

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "nw-badcfg-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cases: readonly {
  name: string;
  yaml: string | null;
  expect: readonly (string | RegExp)[];
  env?: Record<string, string>;
}[] = [
  { name: "file missing", yaml: null, expect: [/missing\.yaml/, /not found|no such|cannot read/i] },
  { name: "not YAML", yaml: "site: [unclosed\n", expect: [/:\d+/, /yaml|syntax|flow/i] },
  { name: "empty file", yaml: "", expect: [/empty/i] },
  {
    name: "missing required key",
    yaml: GOOD.replace("  timezone: Asia/Shanghai\n", ""),
    expect: ["site", "timezone"],
  },
  {
    name: "unknown key with a near miss",
    yaml: GOOD.replace("  timezone:", "  timezon: x\n  timezone:"),
    expect: ["site.timezon", /did you mean.*timezone/i],
  },
  {
    name: "bad time zone",
    yaml: GOOD.replace("Asia/Shanghai", "Mars/Olympus"),
    expect: ["site.timezone", "Mars/Olympus"],
  },
  { name: "bad date", yaml: GOOD.replace("2026-01-01", "2026-13-45"), expect: ["site.commissionedAt"] },
  {
    name: "bad URL",
    yaml: GOOD.replace("http://127.0.0.1:9/onvif/device_service", "not a url"),
    expect: ["devices[0].onvif"],
  },
  {
    name: "bad enum",
    yaml: GOOD.replace("kind: entrance", "kind: kitchen"),
    expect: ["zones[0].kind", "kitchen"],
  },
  {
    name: "camera on an unknown device",
    yaml: GOOD.replace("device: nvr1", "device: nvr9"),
    expect: ["cameras[0].device", "nvr9"],
  },
  {
    name: "camera in an unknown zone",
    yaml: GOOD.replace("zones: [gate]", "zones: [roof]"),
    expect: ["cameras[0].zones", "roof"],
  },
  {
    name: "duplicate ids",
    yaml: GOOD + "  - { id: cam1, device: nvr1, profile: P2, zones: [gate] }\n",
    expect: ["cameras[1].id", /duplicate/i],
  },
  {
    name: "password variable not set",
    yaml: GOOD.replace("NW_TEST_PW", "NW_TEST_UNSET_PW"),
    expect: ["devices[0].passwordEnv", "NW_TEST_UNSET_PW"],
  },
  {
    name: "literal password",
    yaml: GOOD.replace("    passwordEnv: NW_TEST_PW\n", "    password: hunter2\n"),
    expect: ["devices[0].password", /passwordEnv|passwordFile/],
  },
  {
    name: "password file missing",
    yaml: GOOD.replace("passwordEnv: NW_TEST_PW", "passwordFile: secrets/none"),
    expect: ["devices[0].passwordFile", /secrets\/none/],
  },
  {
    name: "env override with a bad value",
    yaml: GOOD,
    env: { NURSERYWATCH_POLICY_RETENTIONDAYS: "ninety" },
    expect: ["NURSERYWATCH_POLICY_RETENTIONDAYS"],
  },
];

describe("check with a broken config", () => {
  test.each(cases)("$name → exit 2 naming file, key and problem", async (c) => {
    const file = join(dir, c.yaml === null ? "missing.yaml" : `${c.name.replace(/\W+/g, "-")}.yaml`);
    if (c.yaml !== null) writeFileSync(file, c.yaml);
    const r = await runCli(["check", "--config", file], { env: { NW_TEST_PW: "pw", ...c.env } });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain(file);
    for (const e of c.expect) {
      if (typeof e === "string") expect(r.stderr).toContain(e);
      else expect(r.stderr).toMatch(e);
    }
    expect(r.stderr).not.toContain("hunter2");
    expect(r.stderr).not.toMatch(/at .*\.ts:\d+/); // a message, not a stack trace
  });

  test("usage errors are exit 2 too", async () => {
    expect((await runCli(["check"])).code).toBe(2);
    expect((await runCli(["frobnicate"])).code).toBe(2);
    expect((await runCli(["check", "--config"])).code).toBe(2);
  });
});
