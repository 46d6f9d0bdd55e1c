import { createLogger } from "../../logging/logger.ts";
import { loadScenarioFile, ScenarioError, type Scenario } from "../../simulator/scenario.ts";
import { startSimulator } from "../../simulator/server.ts";
import { EXIT, UsageError } from "../exitCodes.ts";
import { demoSiteScenario } from "./demoSite.ts";

/**
 * `nurserywatch simulate`: runs the simulated NVRs of a scenario until SIGINT/SIGTERM. With
 * --json, the first stdout line is one JSON object with the device and control URLs (what
 * tests and benchmarks in another process wait for).
 */
export async function simulateCommand(opts: {
  scenario?: string;
  logLevel: string;
  json?: boolean;
}): Promise<number> {
  let scenario: Scenario;
  try {
    scenario = opts.scenario === undefined ? demoSiteScenario() : loadScenarioFile(opts.scenario);
  } catch (err) {
    if (err instanceof ScenarioError) throw new UsageError(err.message);
    throw err;
  }
  const logger = createLogger({ level: opts.logLevel, name: "simulator" });
  const sim = await startSimulator(scenario, { logger });
  const ready = { event: "ready", scenario: scenario.name, controlUrl: sim.controlUrl, devices: sim.devices };
  if (opts.json) {
    process.stdout.write(`${JSON.stringify(ready)}\n`);
  } else {
    process.stdout.write(
      `Simulating "${scenario.name}":\n${sim.devices.map((d) => `  ${d.id}  ${d.url}  (user ${d.username})\n`).join("")}` +
        `Control: ${sim.controlUrl}/sim/state\nStop with Ctrl-C.\n`,
    );
  }
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await sim.stop();
  return EXIT.compliant;
}
