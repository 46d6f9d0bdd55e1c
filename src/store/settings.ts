import type { Redis } from "ioredis";

/**
 * What production Redis must keep for the ledger and violation history to mean anything:
 * AOF persistence (a restart must not lose entries) and noeviction (Redis must refuse writes
 * rather than silently drop ledger keys when memory runs out). Returns one warning per problem;
 * an empty list when both hold. A managed Redis that forbids CONFIG gets a warning saying so.
 */
export async function checkRedisSettings(redis: Redis): Promise<string[]> {
  let settings: Record<string, string>;
  try {
    settings = pairs(await redis.call("CONFIG", "GET", "appendonly"));
    Object.assign(settings, pairs(await redis.call("CONFIG", "GET", "maxmemory-policy")));
  } catch (err) {
    return [
      `could not read Redis settings (CONFIG GET: ${(err as Error).message}); make sure appendonly is yes and maxmemory-policy is noeviction`,
    ];
  }
  const warnings: string[] = [];
  const aof = settings["appendonly"];
  if (aof !== "yes") {
    warnings.push(
      `Redis appendonly is ${aof ?? "unknown"}: ledger entries and violations written since the last snapshot are lost when Redis restarts; set appendonly yes`,
    );
  }
  const policy = settings["maxmemory-policy"];
  if (policy !== "noeviction") {
    warnings.push(
      `Redis maxmemory-policy is ${policy ?? "unknown"}: under memory pressure Redis may evict ledger and violation keys; set maxmemory-policy noeviction`,
    );
  }
  return warnings;
}

/** CONFIG GET answers a flat [name, value, ...] list (RESP2) or a map (RESP3). */
function pairs(reply: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (Array.isArray(reply)) {
    for (let i = 0; i + 1 < reply.length; i += 2) out[String(reply[i])] = String(reply[i + 1]);
  } else if (reply !== null && typeof reply === "object") {
    for (const [k, v] of Object.entries(reply)) out[k] = String(v);
  }
  return out;
}
