import type { Redis } from "ioredis";

/**
 * What production Redis must keep for the ledger and violation history to mean anything:
 * AOF persistence (a restart must not lose entries) and noeviction (Redis must refuse writes
 * rather than silently drop ledger keys when memory runs out). Returns one warning per problem;
 * an empty list when both hold. Read from INFO, not CONFIG GET: the private Redis has CONFIG
 * renamed away and managed services often forbid it. A Redis that answers neither gets a
 * warning saying so.
 */
export async function checkRedisSettings(redis: Redis): Promise<string[]> {
  let settings: Record<string, string>;
  try {
    settings = fields(await redis.info("persistence"));
    Object.assign(settings, fields(await redis.info("memory")));
  } catch (err) {
    return [
      `could not read Redis settings (INFO: ${(err as Error).message}); make sure appendonly is yes and maxmemory-policy is noeviction`,
    ];
  }
  const warnings: string[] = [];
  const aof = settings["aof_enabled"];
  if (aof !== "1") {
    warnings.push(
      `Redis appendonly is ${aof === "0" ? "no" : "unknown"}: ledger entries and violations written since the last snapshot are lost when Redis restarts; set appendonly yes`,
    );
  }
  const policy = settings["maxmemory_policy"];
  if (policy !== "noeviction") {
    warnings.push(
      `Redis maxmemory-policy is ${policy ?? "unknown"}: under memory pressure Redis may evict ledger and violation keys; set maxmemory-policy noeviction`,
    );
  }
  return warnings;
}

/** INFO's `name:value` lines. */
function fields(info: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of info.split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon > 0 && !line.startsWith("#")) out[line.slice(0, colon)] = line.slice(colon + 1).trim();
  }
  return out;
}
