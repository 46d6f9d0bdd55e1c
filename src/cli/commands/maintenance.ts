import { randomUUID } from "node:crypto";
import { CLI_CONNECTION, openRedis } from "../../app/redis.ts";
import { loadConfig, processEnv } from "../../config/load.ts";
import type { LoadedConfig } from "../../config/types.ts";
import type { Subject, SubjectType } from "../../domain/finding.ts";
import type { MaintenanceWindow } from "../../domain/violation.ts";
import { parseInstant } from "../../domain/zonedTime.ts";
import { createLedger } from "../../ledger/ledger.ts";
import { createSigner, loadMonitorKey, MonitorKeyError } from "../../ledger/keys.ts";
import { createKeys } from "../../store/keys.ts";
import { closeRedis } from "../../store/redis.ts";
import { createMaintenanceService, type MaintenanceService } from "../../violations/maintenance.ts";
import {
  DEFAULT_MAX_MAINTENANCE_SECONDS,
  maintenanceWindowProblem,
} from "../../violations/maintenanceRules.ts";
import { EXIT, UsageError } from "../exitCodes.ts";

const SUBJECT_TYPES: readonly SubjectType[] = ["site", "zone", "camera", "device"];

/**
 * Runs `work` against the deployment's Redis and ledger, the way the daemon sees them. Only the
 * maintenance service is built: windows are recorded in the ledger, so that is signed too.
 */
async function withMaintenance<T>(
  config: LoadedConfig,
  work: (maintenance: MaintenanceService) => Promise<T>,
): Promise<T> {
  let key;
  try {
    key = await loadMonitorKey(config.ledger.keyFile);
  } catch (err) {
    if (err instanceof MonitorKeyError) {
      throw new UsageError(
        `${err.message}: start the monitor once (nurserywatch start) so it creates its key`,
      );
    }
    throw err;
  }
  const handle = await openRedis(config.redis.url, { connection: CLI_CONNECTION });
  const redis = handle.factory("maintenance");
  try {
    const keys = createKeys();
    const ledger = createLedger({ redis, keys, now: Date.now, signer: createSigner(key) });
    return await work(createMaintenanceService({ redis, keys, ledger, now: Date.now, newId: randomUUID }));
  } finally {
    await closeRedis(redis);
    await handle.close();
  }
}

function parseSubject(config: LoadedConfig, text: string): Subject {
  const [type, id] = text.split(":", 2) as [string, string | undefined];
  if (!SUBJECT_TYPES.includes(type as SubjectType) || !id) {
    throw new UsageError(`--subject ${text}: write TYPE:ID with TYPE one of ${SUBJECT_TYPES.join(", ")}`);
  }
  const site = config.site;
  const known =
    (type === "site" && id === site.id) ||
    (type === "zone" && site.zones.some((z) => z.id === id)) ||
    (type === "camera" && site.cameras.some((c) => c.id === id)) ||
    (type === "device" && site.devices.some((d) => d.id === id));
  if (!known) throw new UsageError(`--subject ${text}: no ${type} "${id}" in ${config.file}`);
  return { type: type, id };
}

const describeWindow = (w: MaintenanceWindow): string =>
  `${w.id}  ${w.from} → ${w.to}  ${w.subjects.length === 0 ? "whole site" : w.subjects.map((s) => `${s.type}:${s.id}`).join(",")}  "${w.reason}" (by ${w.declaredBy})`;

/** `nurserywatch maintenance add`: a window recorded in the ledger; findings inside it are marked, not alerted. */
export async function maintenanceAddCommand(opts: {
  config: string;
  from?: string;
  to: string;
  reason: string;
  subject: string[];
  by: string;
}): Promise<number> {
  const config = await loadConfig(opts.config, processEnv());
  const now = Date.now();
  const from =
    opts.from === undefined
      ? { ok: true as const, ms: now }
      : parseInstant("--from", opts.from, config.site.timezone);
  if (!from.ok) throw new UsageError(from.message);
  const to = parseInstant("--to", opts.to, config.site.timezone);
  if (!to.ok) throw new UsageError(to.message);
  const problem = maintenanceWindowProblem({
    fromMs: from.ms,
    toMs: to.ms,
    nowMs: now,
    maxSeconds: DEFAULT_MAX_MAINTENANCE_SECONDS,
  });
  if (problem !== null) throw new UsageError(problem);
  if (opts.reason.trim() === "")
    throw new UsageError("--reason: say why (it goes into the ledger regulators read)");
  const subjects = opts.subject.map((s) => parseSubject(config, s));
  const window = await withMaintenance(config, (maintenance) =>
    maintenance.declare({
      siteId: config.site.id,
      subjects,
      from: new Date(from.ms).toISOString(),
      to: new Date(to.ms).toISOString(),
      reason: opts.reason.trim(),
      declaredBy: opts.by,
    }),
  );
  process.stdout.write(`declared ${describeWindow(window)}\n`);
  return EXIT.compliant;
}

/** `nurserywatch maintenance list`: the site's windows (active ones unless --all). */
export async function maintenanceListCommand(opts: { config: string; all?: boolean }): Promise<number> {
  const config = await loadConfig(opts.config, processEnv());
  const windows = await withMaintenance(config, (maintenance) =>
    maintenance.list({ siteId: config.site.id, active: opts.all !== true }),
  );
  process.stdout.write(
    windows.length === 0 ? "no maintenance windows\n" : `${windows.map(describeWindow).join("\n")}\n`,
  );
  return EXIT.compliant;
}

/** `nurserywatch maintenance end ID`: ends a window now (recorded in the ledger). */
export async function maintenanceEndCommand(opts: {
  config: string;
  id: string;
  by: string;
}): Promise<number> {
  const config = await loadConfig(opts.config, processEnv());
  const ended = await withMaintenance(config, (maintenance) =>
    maintenance.end(opts.id, { endedBy: opts.by }),
  );
  if (ended === null) {
    process.stderr.write(`nurserywatch: no maintenance window ${opts.id}\n`);
    return EXIT.violation;
  }
  process.stdout.write(`ended ${describeWindow(ended)}\n`);
  return EXIT.compliant;
}
