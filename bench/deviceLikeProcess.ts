import { spawn } from "node:child_process";
import { fileURLToPath } from "node:url";
import { createInterface } from "node:readline";
import type { DeviceLikeOptions } from "./deviceLikeServer.ts";

export interface DeviceLikeProcess {
  /** GET `${url}/stats` counts the SOAP requests answered. */
  readonly url: string;
  /** Device n's device service address (n from 1). */
  deviceUrl(n: number): string;
  /** SOAP requests answered so far. */
  requests(): Promise<number>;
  stop(): Promise<void>;
}

const SERVER = fileURLToPath(new URL("./deviceLikeServer.ts", import.meta.url));

/** Runs bench/deviceLikeServer.ts in its own process, so its CPU never counts as the checker's. */
export async function startDeviceLikeProcess(options: DeviceLikeOptions = {}): Promise<DeviceLikeProcess> {
  const child = spawn(process.execPath, ["--import", "tsx", SERVER, "0", JSON.stringify(options)], {
    stdio: ["ignore", "pipe", "inherit"],
  });
  const line = await new Promise<string>((resolve, reject) => {
    child.once("exit", (code) =>
      reject(new Error(`device-like server exited with ${code} before it was ready`)),
    );
    createInterface({ input: child.stdout }).once("line", resolve);
  });
  const { url, deviceUrls } = JSON.parse(line) as { url: string; deviceUrls: string[] };
  return {
    url,
    deviceUrl: (n) => deviceUrls[n - 1] ?? `${url}/d${n}/onvif/device_service`,
    requests: async () => ((await (await fetch(`${url}/stats`)).json()) as { requests: number }).requests,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill("SIGTERM");
      }),
  };
}
