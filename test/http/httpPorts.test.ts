import { pino } from "pino";
import { Registry } from "prom-client";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createHttpPorts } from "../../src/app/httpPorts.ts";
import { newApiKey } from "../../src/auth/apiKey.ts";
import { loadConfig } from "../../src/config/load.ts";
import type { LoadedConfig } from "../../src/config/types.ts";
import type { MaintenanceDeclaration, MaintenanceWindow } from "../../src/domain/violation.ts";
import { createMetrics } from "../../src/metrics/metrics.ts";
import { createHttpServer, type HttpServer } from "../../src/http/server.ts";
import type { MaintenanceService } from "../../src/violations/maintenance.ts";
import { ENV, MINIMAL, tempDir } from "../config/configFiles.ts";

/*
 * Issue 8, defect 4, as it was seen: two site files served by one daemon, and site B's admin
 * key declared a 6-day maintenance window on site A (201). Through the daemon's own ports.
 */
describe("the daemon's HTTP ports over several site files", () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  let server: HttpServer;
  const declared: MaintenanceDeclaration[] = [];
  const keyA = newApiKey();
  const keyB = newApiKey();
  const district = newApiKey();

  const site = async (id: string, key: { sha256: string }, extra = ""): Promise<LoadedConfig> =>
    loadConfig(
      await tmp.write(
        `${id}.yaml`,
        `${MINIMAL.replace("id: test-site", `id: ${id}`)}http:\n  apiKeys:\n    - { name: ops, role: admin, sha256: ${key.sha256} }\n${extra}`,
      ),
      ENV,
    );

  beforeEach(async () => {
    tmp = await tempDir();
    declared.length = 0;
  });

  /** The server over site-a and site-b (whose file may add keys). */
  const build = async (extraB = ""): Promise<void> => {
    const configs = [await site("site-a", keyA), await site("site-b", keyB, extraB)];
    const maintenance = {
      declare: async (d: MaintenanceDeclaration): Promise<MaintenanceWindow> => {
        await Promise.resolve();
        declared.push(d);
        return { id: `mw-${declared.length}`, ...d, declaredAt: d.from };
      },
      list: async () => {
        await Promise.resolve();
        return [];
      },
    } as unknown as MaintenanceService;
    const unused = {} as never;
    server = createHttpServer(
      createHttpPorts({
        configs,
        redis: unused,
        logger: pino({ level: "silent" }),
        metrics: createMetrics(new Registry()),
        now: Date.now,
        engine: unused,
        uptime: unused,
        maintenance,
        ledger: unused,
        reports: unused,
        devices: unused,
        sessions: unused,
        workersAlive: () => Promise.resolve(true),
      }),
    );
  };
  afterEach(async () => {
    await server.stop();
    await tmp.remove();
  });

  const declare = (key: string, siteId: string) =>
    server.app.inject({
      method: "POST",
      url: "/api/v1/maintenance",
      headers: { authorization: `Bearer ${key}` },
      payload: {
        site: siteId,
        to: new Date(Date.now() + 6 * 86_400_000 - 60_000).toISOString(),
        reason: "six days",
      },
    });

  it("does not let site B's admin key declare maintenance on site A", async () => {
    await build();
    const r = await declare(keyB.key, "site-a");
    expect(r.statusCode).toBe(404);
    expect(declared).toEqual([]);
  });

  it("lets each site's admin key act on its own site, and a district key on any", async () => {
    await build(`    - { name: wjw, role: admin, scope: district, sha256: ${district.sha256} }\n`);
    expect((await declare(keyA.key, "site-a")).statusCode).toBe(201);
    expect((await declare(keyB.key, "site-b")).statusCode).toBe(201);
    expect((await declare(district.key, "site-a")).statusCode).toBe(201);
    expect(declared.map((d) => `${d.siteId} by ${d.declaredBy}`)).toEqual([
      "site-a by ops",
      "site-b by ops",
      "site-a by wjw",
    ]);
  });
});
