import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";
import { CLI } from "./paths.ts";

export interface SimulatorProcess {
  readonly child: ChildProcess;
  readonly controlUrl: string;
  readonly devices: readonly { id: string; url: string; port: number; username: string }[];
  stop(): Promise<void>;
}

/**
 * Runs `nurserywatch simulate --scenario FILE --json` in its own process, so the simulated
 * devices' CPU never counts as the checker's, and waits for its ready line.
 */
export async function startSimulatorProcess(scenarioFile: string): Promise<SimulatorProcess> {
  const child = spawn(
    process.execPath,
    [CLI, "simulate", "--scenario", scenarioFile, "--json", "--log-level", "error"],
    {
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  const lines = createInterface({ input: child.stdout });
  const ready = await new Promise<{ controlUrl: string; devices: SimulatorProcess["devices"] }>(
    (resolve, reject) => {
      child.once("exit", (code) => reject(new Error(`simulator exited with ${code} before it was ready`)));
      lines.once("line", (line) =>
        resolve(JSON.parse(line) as { controlUrl: string; devices: SimulatorProcess["devices"] }),
      );
    },
  );
  return {
    child,
    controlUrl: ready.controlUrl,
    devices: ready.devices,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}

/** Total SOAP requests the simulator has answered, from its control listener. */
export async function simulatorRequestCount(controlUrl: string): Promise<number> {
  const res = await fetch(`${controlUrl}/sim/state`);
  const state = (await res.json()) as { devices: { requests: { total: number } }[] };
  return state.devices.reduce((n, d) => n + d.requests.total, 0);
}
