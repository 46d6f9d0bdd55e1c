import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { parse, stringify } from "yaml";
import { loadOrCreateMonitorKey } from "../../src/ledger/keys.ts";
import { startPrivateRedis, type PrivateRedis } from "../../src/app/privateRedis.ts";
import { runCli } from "../helpers/cli.ts";
import { writeDaemonSite, type DaemonSite } from "../helpers/daemonSite.ts";

/** Families, tokens and the audit log from the command line, on a private Redis. */
let redis: PrivateRedis;
let redisDir: string;
let site: DaemonSite;
let disabled: string;

beforeAll(async () => {
  redisDir = mkdtempSync(join(tmpdir(), "nw-redis-"));
  redis = await startPrivateRedis({ dir: redisDir });
  site = writeDaemonSite({
    devices: [{ id: "nvr1", url: "http://127.0.0.1:9/onvif/device_service", username: "u", password: "p" }],
    cameras: [
      { id: "cam1", device: "nvr1", profile: "P1", zones: ["gate", "room", "nap"] },
      { id: "cam2", device: "nvr1", profile: "P2", zones: ["room"] },
      { id: "cam3", device: "nvr1", profile: "P3", zones: ["washroom"] },
    ],
    redisUrl: redis.url,
  });
  const doc = parse(readFileSync(site.config, "utf8")) as {
    zones: unknown[];
    http: Record<string, unknown>;
  } & Record<string, unknown>;
  doc.zones.push({ id: "washroom", kind: "other", private: true });
  doc.http = { ...doc.http, publicUrl: "https://watch.example.cn" };
  writeFileSync(site.config, stringify({ ...doc, parents: { enabled: true, maxSessionsPerFamily: 3 } }));
  disabled = join(site.dir, "disabled.yaml");
  writeFileSync(disabled, stringify({ ...doc, parents: { enabled: false } }));
  await loadOrCreateMonitorKey(join(site.dir, "monitor.pem"));
});

afterAll(async () => {
  await redis?.stop();
  rmSync(redisDir, { recursive: true, force: true });
  rmSync(site.dir, { recursive: true, force: true });
});

const cli = (...args: string[]) => runCli(args);

describe("nurserywatch family, token, audit", () => {
  test("grant, issue a link with QR codes, revoke; ledger and audit record it, never the token", async () => {
    const add = await cli(
      "family",
      "add",
      "--config",
      site.config,
      "--id",
      "fam-li",
      "--name",
      "Li family",
      "--zones",
      "room",
      "--windows",
      "Mon-Fri 09:00-12:00",
      "--max-sessions",
      "2",
    );
    expect(add.code, add.stderr).toBe(0);
    expect(add.stdout).toContain("granted fam-li");
    const list = await cli("family", "list", "--config", site.config, "--json");
    expect(JSON.parse(list.stdout)).toEqual([
      expect.objectContaining({
        id: "fam-li",
        zones: ["room"],
        windows: ["Mon-Fri 09:00-12:00"],
        maxSessions: 2,
      }),
    ]);

    const png = join(site.dir, "qr.png");
    const svg = join(site.dir, "qr.svg");
    const issue = await cli(
      "token",
      "issue",
      "--config",
      site.config,
      "--family",
      "fam-li",
      "--expires",
      "7d",
      "--json",
      "--qr-png",
      png,
      "--qr-svg",
      svg,
    );
    expect(issue.code, issue.stderr).toBe(0);
    const issued = JSON.parse(issue.stdout) as { url: string; tokenId: string; expiresAt: string };
    const token = /^https:\/\/watch\.example\.cn\/p\/#t=([A-Za-z0-9_-]{43})$/.exec(issued.url)?.[1] ?? "";
    expect(token).not.toBe("");
    expect(Date.parse(issued.expiresAt) - Date.now()).toBeGreaterThan(6.9 * 86_400_000);
    expect(readFileSync(png).subarray(1, 4).toString()).toBe("PNG");
    expect(readFileSync(svg, "utf8")).toMatch(/^<svg[\s\S]*<\/svg>\s*$/);

    const revoke = await cli("token", "revoke", "--config", site.config, "--token-id", issued.tokenId);
    expect(revoke.code, revoke.stderr).toBe(0);
    expect((await cli("token", "revoke", "--config", site.config, "--token-id", issued.tokenId)).code).toBe(
      1,
    );
    expect((await cli("token", "revoke", "--config", site.config, "--family", "fam-li")).code).toBe(0);
    expect((await cli("family", "remove", "fam-li", "--config", site.config)).code).toBe(0);

    const ledgerFile = join(site.dir, "ledger.jsonl");
    expect((await cli("ledger", "export", "--config", site.config, "--out", ledgerFile)).code).toBe(0);
    const ledger = readFileSync(ledgerFile, "utf8");
    const types = ledger
      .split("\n")
      .filter(Boolean)
      .map((l) => (JSON.parse(l) as { type: string }).type);
    expect(types).toEqual(
      expect.arrayContaining([
        "family.granted",
        "token.issued",
        "token.revoked",
        "family.revoked",
        "family.removed",
      ]),
    );
    expect(ledger).not.toContain(token);
    expect((await cli("ledger", "verify", ledgerFile)).code).toBe(0);

    const audit = await cli("audit", "export", "--config", site.config, "--from", "2020-01-01");
    expect(audit.code, audit.stderr).toBe(0);
    const lines = audit.stdout
      .split("\n")
      .filter(Boolean)
      .map((l) => JSON.parse(l) as { type: string });
    expect(lines.map((l) => l.type)).toEqual([
      "family.granted",
      "token.issued",
      "token.revoked",
      "family.revoked",
      "family.removed",
    ]);
    expect(audit.stdout).not.toContain(token);
    // A period before any of it: nothing.
    expect((await cli("audit", "export", "--config", site.config, "--to", "2020-01-01")).stdout).toBe("");
  });

  test("a private zone, a washroom camera and a wider window are refused with the reason", async () => {
    const addF = (...grant: string[]) =>
      cli("family", "add", "--config", site.config, "--id", "f", "--name", "F", ...grant);
    const zone = await addF("--zones", "washroom");
    expect(zone.code).toBe(2);
    expect(zone.stderr).toContain('zone "washroom" is private');
    const cam = await addF("--cameras", "cam3");
    expect(cam.code).toBe(2);
    expect(cam.stderr).toContain('camera "cam3" covers a private zone');
    const wide = await addF("--zones", "room", "--windows", "Sat 09:00-12:00");
    expect(wide.code).toBe(2);
    expect(wide.stderr).toContain("never widen");
    const noFamily = await cli("token", "issue", "--config", site.config, "--family", "nobody");
    expect(noFamily.code).toBe(2);
    expect(noFamily.stderr).toContain('no family "nobody"');
    expect((await cli("token", "revoke", "--config", site.config)).code).toBe(2);
  });

  test("with parents.enabled false, family and token commands are refused; the audit stays exportable", async () => {
    for (const args of [
      ["family", "add", "--config", disabled, "--id", "f", "--name", "F", "--zones", "room"],
      ["family", "list", "--config", disabled],
      ["token", "issue", "--config", disabled, "--family", "f"],
      ["token", "revoke", "--config", disabled, "--family", "f"],
    ]) {
      const r = await cli(...args);
      expect(r.code, args.join(" ")).toBe(2);
      expect(r.stderr).toContain("parents.enabled: false");
    }
    expect((await cli("audit", "export", "--config", disabled)).code).toBe(0);
  });
});
