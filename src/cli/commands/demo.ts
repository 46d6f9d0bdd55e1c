import { startSimulator } from "../../simulator/server.ts";
import { EXIT, UsageError } from "../exitCodes.ts";
import { checkCommand } from "./check.ts";
import { DEMO_CONFIG, DEMO_PORT, demoSiteScenario } from "./demoSite.ts";

/** `nurserywatch demo`: the quick start. Starts the simulated nursery, checks it, stops it. */
export async function demoCommand(opts: { json: boolean }): Promise<number> {
  let sim;
  try {
    sim = await startSimulator(demoSiteScenario());
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "EADDRINUSE") {
      throw new UsageError(
        `port ${DEMO_PORT} is taken (is \`nurserywatch simulate\` already running? then run: nurserywatch check --config ${DEMO_CONFIG})`,
      );
    }
    throw err;
  }
  try {
    if (!opts.json)
      process.stdout.write(`Simulated nursery at ${sim.devices.map((d) => d.url).join(", ")}\n\n`);
    const code = await checkCommand({ configFile: DEMO_CONFIG, json: opts.json, logLevel: "warn" });
    if (!opts.json) {
      process.stdout.write(
        `\nThis was: nurserywatch check --config ${DEMO_CONFIG}\n` +
          "Try a troubled nursery: nurserywatch simulate --scenario src/simulator/scenarios/troubled.yaml\n",
      );
    }
    return code === EXIT.usage ? EXIT.usage : code;
  } finally {
    await sim.stop();
  }
}
