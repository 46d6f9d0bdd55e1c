import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { stringify } from "yaml";
import { newApiKey } from "../../src/auth/apiKey.ts";

export const TEST_REDIS_URL = process.env["NURSERYWATCH_TEST_REDIS_URL"] ?? "redis://127.0.0.1:6379/0";

export interface DaemonSite {
  readonly dir: string;
  readonly config: string;
  readonly adminKey: string;
  /** Unique per test: Redis key prefix and BullMQ prefix. */
  readonly keyPrefix: string;
  readonly queuePrefix: string;
  cleanup(): Promise<void>;
}

/** A site config for a daemon test, with fast polls and short graces, its own key prefixes and an admin key. */
export function writeDaemonSite(opts: {
  devices: readonly { id: string; url: string; username: string; password: string }[];
  cameras: readonly { id: string; device: string; profile: string; zones: readonly string[] }[];
  policy?: Record<string, unknown>;
  /** Merged over the ledger section (keyFile monitor.pem, signIntervalSeconds 60). */
  ledger?: Record<string, unknown>;
  redisUrl?: string;
}): DaemonSite {
  const dir = mkdtempSync(join(tmpdir(), "nw-daemon-"));
  const tag = `nwt${process.pid}${Math.random().toString(36).slice(2, 8)}`;
  const { key, sha256 } = newApiKey();
  for (const d of opts.devices) writeFileSync(join(dir, `${d.id}.pw`), d.password, { mode: 0o600 });
  const doc = {
    site: {
      id: "site1",
      name: "Daemon test nursery",
      timezone: "Asia/Shanghai",
      commissionedAt: "2024-01-01",
      locale: "en",
    },
    http: { listen: "127.0.0.1:0", apiKeys: [{ name: "ops", role: "admin", sha256 }] },
    redis: { url: opts.redisUrl ?? TEST_REDIS_URL },
    ledger: { keyFile: "monitor.pem", signIntervalSeconds: 60, ...opts.ledger },
    policy: {
      pollIntervalSeconds: 1,
      graceSeconds: 0,
      recoverySeconds: 0,
      graceByKind: { retention_short: 0 },
      ...opts.policy,
    },
    devices: opts.devices.map((d) => ({
      id: d.id,
      onvif: d.url,
      username: d.username,
      passwordFile: `${d.id}.pw`,
      timeoutSeconds: 2,
    })),
    zones: [
      { id: "gate", kind: "entrance" },
      { id: "room", kind: "activity" },
      { id: "nap", kind: "living" },
    ],
    cameras: opts.cameras,
  };
  const config = join(dir, "site.yaml");
  writeFileSync(config, stringify(doc));
  return {
    dir,
    config,
    adminKey: key,
    keyPrefix: tag,
    queuePrefix: `{${tag}q}`,
    async cleanup() {
      const redis = new Redis(opts.redisUrl ?? TEST_REDIS_URL, { maxRetriesPerRequest: 1 });
      redis.on("error", () => undefined);
      for (const pattern of [`${tag}:*`, `{${tag}q}:*`]) {
        let cursor = "0";
        do {
          const [next, keys] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 500);
          cursor = next;
          if (keys.length > 0) await redis.del(...keys);
        } while (cursor !== "0");
      }
      redis.disconnect();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
