import { readFileSync } from "node:fs";
import { join } from "node:path";
import { startDaemon } from "../../app/daemon.ts";
import { loadConfig, processEnv } from "../../config/load.ts";
import { createLogger } from "../../logging/logger.ts";
import { startSimulator, type RunningSimulator } from "../../simulator/server.ts";
import { EXIT, UsageError } from "../exitCodes.ts";
import { checkCommand } from "./check.ts";
import { DEMO_CONFIG, DEMO_DIR, DEMO_PORT, demoSiteScenario } from "./demoSite.ts";

async function startDemoNursery(): Promise<RunningSimulator> {
  try {
    return await startSimulator(demoSiteScenario());
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EADDRINUSE") {
      throw new UsageError(
        `port ${DEMO_PORT} is taken (is \`nurserywatch simulate\` already running? then run: nurserywatch start --config ${DEMO_CONFIG})`,
      );
    }
    throw err;
  }
}

/**
 * `nurserywatch demo`: the quick start. Starts the simulated nursery and the monitor daemon on
 * it (a private redis-server under var/), prints the dashboard address and the demo key, and
 * runs until Ctrl-C. With --check: one `check` of the nursery instead, then exit.
 */
export async function demoCommand(opts: { json: boolean; check: boolean }): Promise<number> {
  const sim = await startDemoNursery();
  try {
    if (opts.check) {
      if (!opts.json)
        process.stdout.write(`Simulated nursery at ${sim.devices.map((d) => d.url).join(", ")}\n\n`);
      const code = await checkCommand({ configFile: DEMO_CONFIG, json: opts.json, logLevel: "warn" });
      if (!opts.json) process.stdout.write(`\nThis was: nurserywatch check --config ${DEMO_CONFIG}\n`);
      return code;
    }
    const config = await loadConfig(DEMO_CONFIG, processEnv());
    const logger = createLogger({ level: "warn" });
    const daemon = await startDaemon({
      configs: [config],
      roles: { scheduler: true, workers: true, http: true },
      logger,
    });
    const key = readFileSync(join(DEMO_DIR, "admin.key"), "utf8").trim();
    process.stdout.write(
      [
        `Simulated nursery (8 cameras) at ${sim.devices.map((d) => d.url).join(", ")}`,
        `nurserywatch is watching it. Dashboard: ${daemon.httpUrl ?? "-"}`,
        `Log in with the demo key: ${key}`,
        `Break a camera:  curl -s -o /dev/null -X POST ${sim.controlUrl}/sim/devices/nvr1/channels/2 -d '{"online":false}'`,
        "Stop with Ctrl-C.",
        "",
      ].join("\n"),
    );
    await new Promise<void>((resolve) => {
      process.once("SIGINT", resolve);
      process.once("SIGTERM", resolve);
    });
    await daemon.stop();
    return EXIT.compliant;
  } finally {
    await sim.stop();
  }
}
