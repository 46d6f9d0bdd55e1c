import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config/load.ts";
import { ENV, MINIMAL, PASSWORD, configError, expectIssue, tempDir } from "./configFiles.ts";

let tmp: Awaited<ReturnType<typeof tempDir>>;
beforeEach(async () => {
  tmp = await tempDir();
});
afterEach(async () => {
  await tmp.remove();
});

/** MINIMAL with one line (1-based) replaced. */
const withLine = (line: number, text: string) => {
  const lines = MINIMAL.split("\n");
  lines[line - 1] = text;
  return lines.join("\n");
};
const withExtra = (extra: string) => `${MINIMAL}${extra}`;

interface Case {
  readonly name: string;
  readonly yaml: string;
  readonly env?: Record<string, string>;
  readonly path: string;
  readonly problem: RegExp;
  /** Expected YAML line; null when the problem has none (the whole file, an env variable). */
  readonly line?: number | null;
}

const cases: Case[] = [
  { name: "not YAML", yaml: "site: [a\n  b: c\n", path: "", problem: /not valid YAML/, line: 1 },
  { name: "empty file", yaml: "", path: "", problem: /file is empty/, line: null },
  { name: "only comments", yaml: "# nothing yet\n", path: "", problem: /file is empty/, line: null },
  {
    name: "top level a list",
    yaml: "- site\n- devices\n",
    path: "",
    problem: /top level must be a mapping.*got a list/,
    line: 1,
  },
  {
    name: "top level a scalar",
    yaml: "hello\n",
    path: "",
    problem: /top level must be a mapping.*single value/,
    line: 1,
  },
  {
    name: "missing required key",
    yaml: withLine(3, ""),
    path: "site.timezone",
    problem: /missing required key "timezone"/,
    line: 1,
  },
  {
    name: "missing required section",
    yaml: MINIMAL.replace(/^zones:\n.*\n/m, ""),
    path: "zones",
    problem: /missing required key "zones"/,
  },
  {
    name: "wrong type",
    yaml: withExtra("").replace("username: monitor", "username: monitor\n    timeoutSeconds: fast"),
    path: "devices[0].timeoutSeconds",
    problem: /must be a number, got "fast"/,
    line: 9,
  },
  {
    name: "unknown key with a near miss",
    yaml: withLine(3, "  timeZone: Asia/Shanghai"),
    path: "site.timeZone",
    problem: /unknown key "timeZone" \(did you mean "timezone"\?\)/,
    line: 3,
  },
  {
    name: "unknown top-level section",
    yaml: withExtra("polcy:\n  retentionDays: 30\n"),
    path: "polcy",
    problem: /unknown key "polcy" \(did you mean "policy"\?\)/,
    line: 17,
  },
  {
    name: "unknown key far from any",
    yaml: withExtra("colour: blue\n"),
    path: "colour",
    problem: /unknown key "colour"; allowed here: site, http/,
    line: 17,
  },
  {
    name: "bad enum",
    yaml: withLine(8, "    username: monitor\n    kind: dvr"),
    path: "devices[0].kind",
    problem: /must be one of nvr, camera, got "dvr" \(did you mean "nvr"\?\)/,
    line: 9,
  },
  {
    name: "bad finding kind in a route",
    yaml: withExtra(
      "recipients:\n  - { id: ops, email: [ops@example.org] }\nroutes:\n  - { to: [ops], kinds: [camera_ofline] }\n",
    ),
    path: "routes[0].kinds[0]",
    problem: /must be one of device_unreachable, .*got "camera_ofline" \(did you mean "camera_offline"\?\)/,
    line: 20,
  },
  {
    name: "bad URL",
    yaml: withLine(7, "    onvif: 10.0.0.5/onvif/device_service"),
    path: "devices[0].onvif",
    problem: /must be an http:\/\/ or https:\/\/ URL, got "10.0.0.5\/onvif\/device_service"/,
    line: 7,
  },
  {
    name: "bad URL scheme",
    yaml: withLine(7, "    onvif: ftp://10.0.0.5/onvif"),
    path: "devices[0].onvif",
    problem: /must be an http:\/\/ or https:\/\/ URL/,
    line: 7,
  },
  {
    name: "bad timezone",
    yaml: withLine(3, "  timezone: Asia/Shangai"),
    path: "site.timezone",
    problem: /"Asia\/Shangai" is not an IANA time zone \(did you mean "Asia\/Shanghai"\?\)/,
    line: 3,
  },
  {
    name: "UTC offset instead of a zone",
    yaml: withLine(3, '  timezone: "+08:00"'),
    path: "site.timezone",
    problem: /is not an IANA time zone/,
    line: 3,
  },
  {
    name: "bad date",
    yaml: withLine(4, "  commissionedAt: 2026-02-30"),
    path: "site.commissionedAt",
    problem: /must be a date .* or a date-time with offset .*got "2026-02-30"/,
    line: 4,
  },
  {
    name: "date-time without an offset",
    yaml: MINIMAL.replace("zones: [gate]", "zones: [gate]\n    commissionedAt: 2026-10-20T08:00:00"),
    path: "cameras[0].commissionedAt",
    problem: /date-time with offset/,
    line: 17,
  },
  {
    name: "duplicate ids",
    yaml: withLine(11, "  - { id: gate, kind: entrance }\n  - { id: gate, kind: living }"),
    path: "zones[1].id",
    problem: /duplicate id: "gate" is already used by zones\[0\]/,
    line: 12,
  },
  {
    name: "duplicate camera ids",
    yaml: withExtra("  - { id: cam-gate, device: nvr1, profile: P2, zones: [gate] }\n"),
    path: "cameras[1].id",
    problem: /duplicate id: "cam-gate"/,
    line: 17,
  },
  {
    name: "one channel counted twice",
    yaml: withExtra("  - { id: cam-2, device: nvr1, profile: P1, zones: [gate] }\n"),
    path: "cameras[1].profile",
    problem: /camera "cam-gate" already uses profile P1 on device nvr1/,
    line: 17,
  },
  {
    name: "unknown device",
    yaml: withLine(14, "    device: nvr2"),
    path: "cameras[0].device",
    problem: /unknown device "nvr2" \(did you mean "nvr1"\?\)/,
    line: 14,
  },
  {
    name: "unknown zone",
    yaml: withLine(16, "    zones: [gate, nap]"),
    path: "cameras[0].zones[1]",
    problem: /unknown zone "nap"; zones: gate/,
    line: 16,
  },
  {
    name: "camera with no zones",
    yaml: withLine(16, "    zones: []"),
    path: "cameras[0].zones",
    problem: /must not be an empty list/,
    line: 16,
  },
  {
    name: "password variable not set",
    yaml: MINIMAL,
    env: {},
    path: "devices[0].passwordEnv",
    problem: /environment variable NVR1_PASSWORD is not set/,
    line: 9,
  },
  {
    name: "password variable empty",
    yaml: MINIMAL,
    env: { NVR1_PASSWORD: "" },
    path: "devices[0].passwordEnv",
    problem: /environment variable NVR1_PASSWORD is empty/,
    line: 9,
  },
  {
    name: "password file missing",
    yaml: withLine(9, "    passwordFile: secrets/nvr1"),
    path: "devices[0].passwordFile",
    problem: /password file .*secrets\/nvr1 does not exist/,
    line: 9,
  },
  {
    name: "literal password",
    yaml: withLine(9, `    password: ${PASSWORD}`),
    path: "devices[0].password",
    problem:
      /a password may not be written into the configuration: name an environment variable with passwordEnv, or a file holding it with passwordFile/,
    line: 9,
  },
  {
    name: "no password source",
    yaml: withLine(9, ""),
    path: "devices[0]",
    problem: /needs a password source: passwordEnv .* or passwordFile/,
    line: 6,
  },
  {
    name: "two password sources",
    yaml: withLine(9, "    passwordEnv: NVR1_PASSWORD\n    passwordFile: secrets/nvr1"),
    path: "devices[0]",
    problem: /either passwordEnv or passwordFile, not both/,
    line: 6,
  },
  {
    name: "tls on an http address",
    yaml: withLine(
      9,
      "    passwordEnv: NVR1_PASSWORD\n    tls: { fingerprint256: " + "AB:".repeat(31) + "AB }",
    ),
    path: "devices[0].tls",
    problem: /tls applies only to https:\/\/ onvif addresses/,
    line: 10,
  },
  {
    name: "duplicate YAML keys",
    yaml: withLine(2, "  id: test-site\n  id: other-site"),
    path: "site.id",
    problem: /duplicate key "id"/,
    line: 3,
  },
  {
    name: "env override with a bad value",
    yaml: MINIMAL,
    env: { ...ENV, NURSERYWATCH_POLICY_RETENTIONDAYS: "ninety" },
    path: "policy.retentionDays",
    problem:
      /environment variable NURSERYWATCH_POLICY_RETENTIONDAYS: must be a whole number \(got "ninety"\)/,
    line: null,
  },
  {
    name: "env override the schema refuses",
    yaml: MINIMAL,
    env: { ...ENV, NURSERYWATCH_SITE_LOCALE: "fr" },
    path: "site.locale",
    problem: /environment variable NURSERYWATCH_SITE_LOCALE: must be one of zh-CN, en, got "fr"/,
    line: null,
  },
  {
    name: "env override naming no key",
    yaml: MINIMAL,
    env: { ...ENV, NURSERYWATCH_POLICY_RETENTONDAYS: "30" },
    path: "policy",
    problem:
      /environment variable NURSERYWATCH_POLICY_RETENTONDAYS: no key "RETENTONDAYS" in policy \(did you mean "retentionDays"\?\)/,
    line: null,
  },
  {
    name: "number below its minimum",
    yaml: withExtra("policy:\n  retentionDays: 0\n"),
    path: "policy.retentionDays",
    problem: /must be >= 1, got 0/,
    line: 18,
  },
  {
    name: "route to an unknown recipient",
    yaml: withExtra("recipients:\n  - { id: wjw, email: [duty@example.org] }\nroutes:\n  - { to: [wjx] }\n"),
    path: "routes[0].to[0]",
    problem: /unknown recipient "wjx" \(did you mean "wjw"\?\)/,
    line: 20,
  },
  {
    name: "webhook secret variable not set",
    yaml: withExtra(
      "recipients:\n  - id: wjw\n    webhook: { url: https://alerts.example.org/h, secretEnv: WJW_WEBHOOK_SECRET }\n",
    ),
    env: { NVR1_PASSWORD: PASSWORD },
    path: "recipients[0].webhook.secretEnv",
    problem: /environment variable WJW_WEBHOOK_SECRET is not set/,
    line: 19,
  },
  {
    name: "webhook secret in the wrong form",
    yaml: withExtra(
      "recipients:\n  - id: wjw\n    webhook: { url: https://alerts.example.org/h, secretEnv: WJW_WEBHOOK_SECRET }\n",
    ),
    env: { NVR1_PASSWORD: PASSWORD, WJW_WEBHOOK_SECRET: "plain" },
    path: "recipients[0].webhook.secretEnv",
    problem: /WJW_WEBHOOK_SECRET must hold a Standard Webhooks secret: whsec_/,
    line: 19,
  },
  {
    name: "recipient with no channel",
    yaml: withExtra("recipients:\n  - { id: wjw }\n"),
    path: "recipients[0]",
    problem: /has no channel/,
    line: 18,
  },
  {
    name: "api key not a sha256",
    yaml: withExtra("http:\n  apiKeys:\n    - { name: ops, role: admin, sha256: nwk_plainkey }\n"),
    path: "http.apiKeys[0].sha256",
    problem: /must be 64 hex digits/,
    line: 19,
  },
  {
    name: "viewing window backwards",
    yaml: withExtra('parents:\n  windows: ["Mon-Fri 17:30-08:00"]\n'),
    path: "parents.windows[0]",
    problem: /ends before it starts/,
    line: 18,
  },
  {
    name: "listen port out of range",
    yaml: withExtra("http:\n  listen: 0.0.0.0:80800\n"),
    path: "http.listen",
    problem: /port must be at most 65535/,
    line: 18,
  },
];

describe("loadConfig refuses broken files with a ConfigError naming file, key path and problem", () => {
  it.each(cases)("$name", async (c) => {
    const file = await tmp.write("site.yaml", c.yaml);
    const err = await configError(() => loadConfig(file, c.env ?? ENV));
    expectIssue(err, file, c.path, c.problem, c.line);
    expect(err.retryable).toBe(false);
  });

  it("reports a missing file", async () => {
    const file = `${tmp.dir}/absent.yaml`;
    const err = await configError(() => loadConfig(file, ENV));
    expectIssue(err, file, "", /file not found/, null);
  });

  it("reports a path that cannot be read as a file", async () => {
    const err = await configError(() => loadConfig(tmp.dir, ENV));
    expectIssue(err, tmp.dir, "", /is a directory/, null);
  });

  it("reports every schema problem of a file at once, in file order", async () => {
    const yaml = withLine(3, "  timezone: Asia/Shanghai\n  locale: fr").replace(
      "username: monitor",
      "username: ''",
    );
    const file = await tmp.write("site.yaml", yaml);
    const err = await configError(() => loadConfig(file, ENV));
    expect(err.issues.map((i) => i.path)).toEqual(["site.locale", "devices[0].username"]);
    expect(err.message.split("\n")[0]).toBe(`invalid configuration ${file} (2 problems):`);
  });

  it("never quotes a value that may be a password", async () => {
    const file = await tmp.write("site.yaml", withLine(9, `    passwordEnv: "${PASSWORD} !"`));
    const err = await configError(() => loadConfig(file, ENV));
    expectIssue(err, file, "devices[0].passwordEnv", /must be an environment variable name/, 9);
    expect(err.message).not.toContain(PASSWORD);
  });

  it("does not repeat a literal password in its message", async () => {
    const file = await tmp.write("site.yaml", withLine(9, `    password: ${PASSWORD}`));
    const err = await configError(() => loadConfig(file, ENV));
    expect(err.message).not.toContain(PASSWORD);
    expect(JSON.stringify(err.issues)).not.toContain(PASSWORD);
  });
});

describe("instants", () => {
  it("refuses a leap second the format admits but a clock cannot hold", async () => {
    const file = await tmp.write("site.yaml", withLine(4, "  commissionedAt: 2026-06-30T23:59:60Z"));
    const err = await configError(() => loadConfig(file, ENV));
    expectIssue(err, file, "site.commissionedAt", /is not a representable instant/, 4);
  });
});
