import { spawn, type ChildProcess } from "node:child_process";
import { mkdir } from "node:fs/promises";
import { createConnection, createServer } from "node:net";
import { resolve } from "node:path";

/**
 * A private redis-server for a single-site install without a Redis of its own (and for the
 * durability tests): data under `dir` (the project's var folder in real use), AOF on, bound to
 * 127.0.0.1 on a free port (never 6379, which belongs to a Redis the machine may already run).
 */
export interface PrivateRedisOptions {
  readonly dir: string;
  /** Default: a free port chosen by the OS. */
  readonly port?: number;
  /** AOF fsync policy; "always" loses nothing even to a kill -9. Default everysec. */
  readonly appendfsync?: "always" | "everysec" | "no";
  /** Program to run. Default `redis-server`, looked up on PATH. */
  readonly command?: string;
  /** How long to wait for the first PONG. Default 15 s (loading a big AOF takes a while). */
  readonly startTimeoutMs?: number;
}

export interface PrivateRedis {
  readonly url: string;
  readonly port: number;
  readonly dir: string;
  readonly pid: number;
  /** SHUTDOWN (which fsyncs the AOF), then SIGKILL if the process has not exited in time. */
  stop(timeoutMs?: number): Promise<void>;
  /** SIGKILL: what a crash or a power cut looks like (tests use it). */
  kill(): Promise<void>;
}

/** redis-server is not installed (or not on PATH). */
export class RedisServerNotFoundError extends Error {
  override readonly name = "RedisServerNotFoundError";
  constructor(command: string) {
    super(
      `${command} was not found on PATH. Install Redis (Debian/Ubuntu: apt-get install redis-server) or point the monitor at an existing Redis with REDIS_URL (redis://HOST:PORT/DB).`,
    );
  }
}

/** redis-server started but did not answer, or exited (port taken, bad directory...). */
export class RedisServerStartError extends Error {
  override readonly name = "RedisServerStartError";
}

const RESERVED_PORT = 6379;
const LOG_LINES = 30;

export async function startPrivateRedis(options: PrivateRedisOptions): Promise<PrivateRedis> {
  if (options.port === RESERVED_PORT) {
    throw new RedisServerStartError(
      "a private Redis never uses port 6379 (the machine's own Redis may be there)",
    );
  }
  const dir = resolve(options.dir);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  // A port picked free may be taken before redis-server binds it; try a few.
  const attempts = options.port === undefined ? 3 : 1;
  let lastError: Error | null = null;
  for (let i = 0; i < attempts; i++) {
    const port = options.port ?? (await freePort());
    try {
      return await launch(dir, port, options);
    } catch (err) {
      if (err instanceof RedisServerNotFoundError) throw err;
      lastError = err as Error;
    }
  }
  throw lastError ?? new RedisServerStartError("redis-server did not start");
}

async function launch(dir: string, port: number, options: PrivateRedisOptions): Promise<PrivateRedis> {
  const command = options.command ?? "redis-server";
  const args = [
    "--port",
    String(port),
    "--bind",
    "127.0.0.1",
    "--protected-mode",
    "yes",
    "--dir",
    dir,
    "--appendonly",
    "yes",
    "--appendfsync",
    options.appendfsync ?? "everysec",
    // AOF is the persistence; no RDB snapshots besides it.
    "--save",
    "",
    "--maxmemory-policy",
    "noeviction",
    "--daemonize",
    "no",
    "--logfile",
    "",
  ];
  const child = spawn(command, args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
  const log: string[] = [];
  const keep = (chunk: Buffer) => {
    for (const line of chunk.toString("utf8").split("\n")) if (line.trim()) log.push(line);
    if (log.length > LOG_LINES) log.splice(0, log.length - LOG_LINES);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  const exited = exitOf(child);

  const spawned = await new Promise<Error | null>((res) => {
    child.once("spawn", () => res(null));
    child.once("error", (err) => res(err));
  });
  if (spawned) {
    if ((spawned as NodeJS.ErrnoException).code === "ENOENT") throw new RedisServerNotFoundError(command);
    throw new RedisServerStartError(`could not run ${command}: ${spawned.message}`);
  }

  type Exit = { code: number | null; signal: NodeJS.Signals | null };
  const state: { exit: Exit | null } = { exit: null };
  void exited.then((e) => {
    state.exit = e;
  });
  // Polled every 50 ms (counted, not timed: no wall clock in here).
  const attempts = Math.ceil((options.startTimeoutMs ?? 15_000) / 50);
  for (let attempt = 0; ; attempt++) {
    if (state.exit !== null) {
      const e = state.exit;
      throw new RedisServerStartError(
        `redis-server on 127.0.0.1:${port} exited (${e.signal ?? `code ${e.code}`}) before answering:\n${log.join("\n")}`,
      );
    }
    // Someone else's server on that port answers PING too: only our own process counts.
    if ((await ping(port)) === "PONG" && (await serverPid(port)) === child.pid) break;
    if (attempt >= attempts) {
      child.kill("SIGKILL");
      await exited;
      throw new RedisServerStartError(
        `redis-server on 127.0.0.1:${port} did not answer PING in time:\n${log.join("\n")}`,
      );
    }
    await delay(50);
  }

  const pid = child.pid ?? -1;
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    pid,
    async stop(timeoutMs = 10_000) {
      if (state.exit !== null) return;
      await sendCommand(port, "SHUTDOWN").catch(() => undefined);
      const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
      await exited;
      clearTimeout(timer);
    },
    async kill() {
      if (state.exit !== null) return;
      child.kill("SIGKILL");
      await exited;
    },
  };
}

function exitOf(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((res) => {
    child.once("exit", (code, signal) => res({ code, signal }));
    child.once("error", () => res({ code: null, signal: null }));
  });
}

async function freePort(): Promise<number> {
  for (;;) {
    const port = await new Promise<number>((res, rej) => {
      const server = createServer();
      server.once("error", rej);
      server.listen(0, "127.0.0.1", () => {
        const address = server.address();
        const p = typeof address === "object" && address !== null ? address.port : 0;
        server.close(() => res(p));
      });
    });
    if (port !== RESERVED_PORT && port !== 0) return port;
  }
}

/** "PONG", "LOADING..." or null when nothing answers. */
async function ping(port: number): Promise<string | null> {
  try {
    const reply = await sendCommand(port, "PING");
    return reply.startsWith("+") ? reply.slice(1).trim() : reply.trim();
  } catch {
    return null;
  }
}

/** The process id of the server answering on the port, from INFO server. */
async function serverPid(port: number): Promise<number | null> {
  try {
    const info = await sendCommand(port, "INFO server");
    const match = /process_id:(\d+)/.exec(info);
    return match ? Number(match[1]) : null;
  } catch {
    return null;
  }
}

/**
 * One inline command on a fresh socket; resolves with the reply: a status or error line, or the
 * whole text of a bulk string.
 */
function sendCommand(port: number, command: string): Promise<string> {
  return new Promise((res, rej) => {
    const socket = createConnection({ host: "127.0.0.1", port });
    let data = Buffer.alloc(0);
    const timer = setTimeout(() => {
      socket.destroy();
      rej(new Error("timeout"));
    }, 2000);
    const complete = (): string | null => {
      const end = data.indexOf("\r\n");
      if (end < 0) return null;
      const first = data.subarray(0, end).toString("utf8");
      if (!first.startsWith("$")) return first;
      const length = Number(first.slice(1));
      if (length < 0) return "";
      const body = data.subarray(end + 2);
      return body.length >= length ? body.subarray(0, length).toString("utf8") : null;
    };
    socket.once("connect", () => socket.write(`${command}\r\n`));
    socket.on("data", (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      const reply = complete();
      if (reply !== null) {
        clearTimeout(timer);
        socket.end();
        res(reply);
      }
    });
    socket.once("error", (err) => {
      clearTimeout(timer);
      rej(err);
    });
    socket.once("close", () => {
      clearTimeout(timer);
      // SHUTDOWN closes the connection without a reply when it succeeds.
      res(complete() ?? "");
    });
  });
}

const delay = (ms: number) => new Promise<void>((res) => setTimeout(res, ms));
