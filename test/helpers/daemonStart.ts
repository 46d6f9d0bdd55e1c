import { startDaemon, type Daemon, type DaemonOptions } from "../../src/app/daemon.ts";
import { loadConfig } from "../../src/config/load.ts";
import { createLogger } from "../../src/logging/logger.ts";
import type { DaemonSite } from "./daemonSite.ts";

/** The whole daemon (scheduler, workers, HTTP on a free port) on a test site's own prefixes, silent. */
export async function startSiteDaemon(
  site: DaemonSite,
  extra: Partial<Omit<DaemonOptions, "configs">> = {},
): Promise<Daemon> {
  return startDaemon({
    configs: [await loadConfig(site.config, {})],
    roles: { scheduler: true, workers: true, http: true },
    logger: createLogger({ level: "silent" }),
    keyPrefix: site.keyPrefix,
    queuePrefix: site.queuePrefix,
    listen: { host: "127.0.0.1", port: 0 },
    ...extra,
  });
}
