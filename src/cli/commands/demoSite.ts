import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { demoScenario, type Scenario } from "../../simulator/scenario.ts";

/** The demo nursery's files: a site config and the simulator's password beside it. */
export const DEMO_DIR = join(dirname(fileURLToPath(import.meta.url)), "../../../examples/demo");
export const DEMO_CONFIG = join(DEMO_DIR, "site.yaml");
/** The port examples/demo/site.yaml points at. */
export const DEMO_PORT = 18000;

/**
 * The built-in demo scenario, on the port and with the credentials examples/demo/site.yaml
 * uses, so `simulate` in one terminal and `check --config examples/demo/site.yaml` in another
 * work together.
 */
export function demoSiteScenario(): Scenario {
  const password = readFileSync(join(DEMO_DIR, "nvr1.password"), "utf8").replace(/\r?\n$/, "");
  const base = demoScenario();
  return {
    ...base,
    devices: base.devices.map((d) => ({ ...d, port: DEMO_PORT, username: "monitor", password })),
  };
}
