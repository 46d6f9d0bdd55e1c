import { readdir, stat } from "node:fs/promises";
import { join } from "node:path";
import { DeploymentConfigError, startDaemon, type Daemon, type DaemonRoles } from "../../app/daemon.ts";
import { StartAbortedError } from "../../app/redis.ts";
import { deploymentApiKeys } from "../../config/apiKeys.ts";
import { loadConfig, processEnv } from "../../config/load.ts";
import type { LoadedConfig } from "../../config/types.ts";
import { createLogger, type Logger } from "../../logging/logger.ts";
import { EXIT, UsageError } from "../exitCodes.ts";

export interface StartOptions {
  /** Site files, or folders of *.yaml site files (a district deployment). */
  readonly config: readonly string[];
  readonly logLevel: string;
  /** Look at pictures (ffmpeg); false for `--no-probes`. Default true. */
  readonly probes?: boolean;
}

/** Every site file named, folders expanded to their *.yaml / *.yml files in name order. */
export async function siteFiles(paths: readonly string[]): Promise<string[]> {
  const files: string[] = [];
  for (const p of paths) {
    let isDir = false;
    try {
      isDir = (await stat(p)).isDirectory();
    } catch {
      files.push(p); // loadConfig names the missing file precisely
      continue;
    }
    if (!isDir) {
      files.push(p);
      continue;
    }
    const names = (await readdir(p)).filter((n) => /\.ya?ml$/.test(n)).sort();
    if (names.length === 0) throw new UsageError(`${p}: no *.yaml site files in this folder`);
    files.push(...names.map((n) => join(p, n)));
  }
  return files;
}

async function loadAll(paths: readonly string[]): Promise<LoadedConfig[]> {
  const env = processEnv();
  const configs: LoadedConfig[] = [];
  for (const file of await siteFiles(paths)) configs.push(await loadConfig(file, env));
  deploymentApiKeys(configs); // district keys that disagree across files: a configuration error
  for (const c of configs) for (const w of c.warnings) process.stderr.write(`nurserywatch: warning: ${w}\n`);
  return configs;
}

/** Runs until SIGTERM/SIGINT, then stops gracefully (polls in progress finish first); SIGHUP reloads the site files. */
async function runUntilSignal(
  opts: StartOptions,
  roles: DaemonRoles,
  announce: (httpUrl: string | null) => void,
): Promise<number> {
  const configs = await loadAll(opts.config);
  const logger = createLogger({ level: opts.logLevel });
  // Listening from the start: a SIGTERM while waiting for Redis ends the wait, not the process.
  const stopping = new AbortController();
  const onSignal = (): void => stopping.abort();
  process.once("SIGINT", onSignal);
  process.once("SIGTERM", onSignal);
  // SIGHUP: the site files read again (one reload at a time); a broken one keeps what is in force.
  let daemon: Daemon | null = null;
  let reloading = Promise.resolve();
  const onHangUp = (): void => {
    const d = daemon;
    if (d === null) logger.warn("SIGHUP before the monitor started: nothing to reload yet");
    else reloading = reloading.then(() => reloadFiles(opts.config, d, logger));
  };
  process.on("SIGHUP", onHangUp);
  try {
    daemon = await startDaemon({
      configs,
      roles,
      logger,
      probes: opts.probes !== false,
      signal: stopping.signal,
    });
  } catch (err) {
    process.off("SIGHUP", onHangUp);
    if (err instanceof StartAbortedError) {
      logger.info("stopped before Redis was reachable");
      return EXIT.compliant;
    }
    if (err instanceof DeploymentConfigError) throw new UsageError(err.message);
    throw err;
  }
  announce(daemon.httpUrl);
  if (!stopping.signal.aborted)
    await new Promise<void>((resolve) =>
      stopping.signal.addEventListener("abort", () => resolve(), { once: true }),
    );
  process.off("SIGHUP", onHangUp);
  logger.info("stopping");
  await reloading;
  await daemon.stop();
  return EXIT.compliant;
}

/** Reads the site files again and hands them to the daemon; never throws (the old configuration stays). */
async function reloadFiles(paths: readonly string[], daemon: Daemon, logger: Logger): Promise<void> {
  logger.info({ files: paths }, "SIGHUP: reading the configuration again");
  let configs: LoadedConfig[];
  try {
    configs = await loadAll(paths);
  } catch (err) {
    logger.error(
      { err: (err as Error).message },
      "configuration not reloaded: a site file is broken; the configuration in force stays",
    );
    return;
  }
  try {
    const r = await daemon.reload(configs);
    if (r.status === "refused")
      logger.error({ reason: r.reason }, "configuration not reloaded; the configuration in force stays");
    else logger.info({ sites: r.sites, apiKeys: r.apiKeys }, "configuration reloaded");
  } catch (err) {
    logger.error(
      { err: (err as Error).message },
      "reloading the configuration failed part way; will take it at the next SIGHUP",
    );
  }
}

/** `nurserywatch start`: scheduler, workers and HTTP in one process. */
export function startCommand(opts: StartOptions): Promise<number> {
  return runUntilSignal(opts, { scheduler: true, workers: true, http: true }, (url) => {
    process.stdout.write(`nurserywatch is watching. Dashboard and API: ${url ?? "(no HTTP)"}\n`);
  });
}

/** `nurserywatch worker`: only the BullMQ workers, to add polling capacity on another host. */
export function workerCommand(opts: StartOptions): Promise<number> {
  return runUntilSignal(opts, { scheduler: false, workers: true, http: false }, () => {
    process.stdout.write("nurserywatch worker is polling.\n");
  });
}
