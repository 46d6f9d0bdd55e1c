import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { RUN_TAG_VARIABLE, findStrays, killStrays } from "./strayProcesses.ts";

/** Tags this run (unless scripts/test.sh already did) so every process it starts can be found. */
export function setup(): void {
  process.env[RUN_TAG_VARIABLE] ??= randomUUID();
}

/**
 * After the last test: any process still carrying the run's tag was left behind. Processes told
 * to stop a moment ago may still be on their way out, so they get two seconds; whatever is still
 * there is killed and named, and the run fails, so a leaking test cannot go unnoticed.
 */
export async function teardown(): Promise<void> {
  const tag = process.env[RUN_TAG_VARIABLE];
  if (tag === undefined) return;
  let strays = findStrays(tag);
  for (let waited = 0; strays.length > 0 && waited < 2000; waited += 100) {
    await sleep(100);
    strays = findStrays(tag);
  }
  if (strays.length === 0) return;
  killStrays(strays);
  process.stderr.write(
    `\nFAILED: tests left ${strays.length} process(es) running (now killed):\n` +
      strays.map((s) => `  ${s.pid} ${s.command}`).join("\n") +
      "\n",
  );
  // vitest reports a throwing teardown but still exits 0; the run must fail.
  process.exitCode = 1;
}
