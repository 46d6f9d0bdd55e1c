import { readFileSync, writeFileSync } from "node:fs";
import { Writable } from "node:stream";
import pino from "pino";
import { afterEach, describe, expect, test } from "vitest";
import { parse, stringify } from "yaml";
import type { Daemon } from "../../src/app/daemon.ts";
import { writeDaemonSite, type DaemonSite } from "../helpers/daemonSite.ts";
import { startSiteDaemon } from "../helpers/daemonStart.ts";

/** Parents' access through the running daemon: the one wiring in src/app/daemon.ts. */
let daemon: Daemon | null = null;
let site: DaemonSite | null = null;
afterEach(async () => {
  await daemon?.stop();
  await site?.cleanup();
  daemon = site = null;
});

describe("the daemon serves parents' access", () => {
  test("grant, link, session, revocation, audit and ledger over HTTP; the token in no log line", async () => {
    site = writeDaemonSite({
      devices: [{ id: "nvr1", url: "http://127.0.0.1:9/onvif/device_service", username: "u", password: "p" }],
      cameras: [{ id: "cam1", device: "nvr1", profile: "P1", zones: ["room"] }],
    });
    const doc = parse(readFileSync(site.config, "utf8")) as { http: Record<string, unknown> };
    doc.http = { ...doc.http, publicUrl: "https://watch.example.cn" };
    // Every hour of the week, so the test passes whenever it runs.
    writeFileSync(
      site.config,
      stringify({ ...doc, parents: { enabled: true, windows: ["Mon-Sun 00:00-24:00"] } }),
    );
    const lines: string[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _enc, done) {
        lines.push(chunk.toString("utf8"));
        done();
      },
    });
    daemon = await startSiteDaemon(site, { logger: pino({ level: "trace" }, sink) });
    const base = daemon.httpUrl ?? "";
    const admin = { authorization: `Bearer ${site.adminKey}`, "content-type": "application/json" };
    const post = (path: string, body: object, headers: Record<string, string> = admin) =>
      fetch(`${base}${path}`, { method: "POST", headers, body: JSON.stringify(body) });

    const fam = await post("/api/v1/families", { id: "fam-li", name: "Li", zones: ["room"] });
    expect(fam.status, await fam.text()).toBe(201);
    const issued = (await (await post("/api/v1/families/fam-li/tokens", { expires: "1d" })).json()) as {
      url: string;
    };
    const token = new URL(issued.url).hash.slice("#t=".length);
    expect(token).toHaveLength(43);

    const session = await post("/p/session", { token }, { "content-type": "application/json" });
    expect(session.status).toBe(201);
    expect(session.headers.get("set-cookie")).toContain("Path=/p/");
    expect((await post("/api/v1/families/fam-li/revoke", {})).status).toBe(200);
    expect((await post("/p/session", { token }, { "content-type": "application/json" })).status).toBe(403);

    const audit = (await (await fetch(`${base}/api/v1/audit`, { headers: admin })).json()) as {
      items: { type: string }[];
    };
    expect(audit.items.map((i) => i.type)).toEqual([
      "family.granted",
      "token.issued",
      "session.started",
      "family.revoked",
      "access.denied",
    ]);
    const ledger = (await (await fetch(`${base}/api/v1/ledger?limit=1000`, { headers: admin })).json()) as {
      entries: { type: string }[];
    };
    expect(ledger.entries.map((e) => e.type)).toEqual(
      expect.arrayContaining(["family.granted", "token.issued", "family.revoked"]),
    );
    expect(lines.join("")).toContain("parent session started");
    expect(lines.join("")).not.toContain(token);
  });
});
