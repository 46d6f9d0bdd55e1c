import { spawn, type ChildProcess } from "node:child_process";
import { createInterface } from "node:readline";

/**
 * Child processes of the fleet benchmark: each one is started with its stderr kept (the last
 * lines only, for the error message when it dies), waited for with a deadline, and stopped with
 * SIGTERM then SIGKILL, so a benchmark that fails half-way never leaves a daemon or a simulator
 * behind.
 */
export interface BenchChild {
  readonly name: string;
  readonly child: ChildProcess;
  readonly pid: number;
  /** The last stderr lines (newest last). */
  readonly stderrTail: () => string;
  /** stderr lines seen so far (the daemon at --log-level warn writes one per warning). */
  readonly stderrLines: () => number;
  /** Resolves with the first stdout line `accept` takes; rejects when the child exits or the deadline passes. */
  waitForLine(accept: (line: string) => boolean, timeoutMs: number): Promise<string>;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
  stop(graceMs: number): Promise<void>;
}

const TAIL_LINES = 20;

export function spawnBenchChild(
  name: string,
  command: string,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): BenchChild {
  const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], env });
  if (child.pid === undefined) throw new Error(`${name}: could not start ${command}`);
  const pid = child.pid;
  const tail: string[] = [];
  let stderrCount = 0;
  createInterface({ input: child.stderr }).on("line", (line) => {
    stderrCount++;
    tail.push(line);
    if (tail.length > TAIL_LINES) tail.shift();
  });
  const stdout = createInterface({ input: child.stdout });
  // Lines that came before anyone waited for them (a simulator may be ready while the
  // benchmark still waits for another one).
  const early: string[] = [];
  stdout.on("line", (line) => {
    early.push(line);
    if (early.length > TAIL_LINES) early.shift();
  });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once("exit", () => resolve());
  });

  return {
    name,
    child,
    pid,
    stderrTail: () => tail.join("\n"),
    stderrLines: () => stderrCount,
    waitForLine(accept, timeoutMs) {
      const seen = early.find(accept);
      if (seen !== undefined) return Promise.resolve(seen);
      return new Promise<string>((resolve, reject) => {
        const cleanup = (): void => {
          clearTimeout(timer);
          stdout.off("line", onLine);
          child.off("exit", onExit);
        };
        const onLine = (line: string): void => {
          if (!accept(line)) return;
          cleanup();
          resolve(line);
        };
        const onExit = (code: number | null, signal: NodeJS.Signals | null): void => {
          cleanup();
          reject(
            new Error(
              `${name} exited (${signal ?? `code ${code}`}) before it was ready:\n${tail.join("\n")}`,
            ),
          );
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(new Error(`${name} was not ready within ${timeoutMs} ms:\n${tail.join("\n")}`));
        }, timeoutMs);
        // A benchmark that gives up early must not wait for this deadline to exit.
        timer.unref();
        stdout.on("line", onLine);
        child.once("exit", onExit);
      });
    },
    async stop(graceMs) {
      if (child.exitCode !== null || child.signalCode !== null) return;
      child.kill("SIGTERM");
      const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
      await exited;
      clearTimeout(timer);
    },
  };
}

/** A sleep that ends early when `signal` aborts (SIGINT to the benchmark). */
export function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal.removeEventListener("abort", onAbort);
      resolve();
    }, ms);
    signal.addEventListener("abort", onAbort, { once: true });
  });
}
