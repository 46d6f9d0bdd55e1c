import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { chmod, mkdir, mkdtemp, readdir, readFile, readlink, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterEach, describe, expect, it } from "vitest";
import {
  RedisServerNotFoundError,
  RedisServerStartError,
  startPrivateRedis,
  type PrivateRedis,
} from "../../src/app/privateRedis.ts";
import { openRedis } from "../../src/app/redis.ts";
import { checkRedisSettings } from "../../src/store/settings.ts";

describe("startPrivateRedis", () => {
  const started: PrivateRedis[] = [];
  const dirs: string[] = [];
  const clients: Redis[] = [];
  afterEach(async () => {
    for (const c of clients.splice(0)) c.disconnect();
    for (const s of started.splice(0)) await s.stop();
    for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
  });
  const temp = async () => {
    const d = await mkdtemp(join(tmpdir(), "nw-private-redis-"));
    dirs.push(d);
    return d;
  };
  const client = (url: string) => {
    const c = new Redis(url, { maxRetriesPerRequest: 1, retryStrategy: () => null });
    c.on("error", () => undefined);
    clients.push(c);
    return c;
  };

  it("runs on a unix socket in dir with AOF under dir, keeps data over a clean restart, and passes the settings check", async () => {
    const dir = join(await temp(), "var");
    const first = await startPrivateRedis({ dir });
    started.push(first);
    expect(first.socket).toBe(join(dir, "redis.sock"));
    expect(first.url).toBe(`redis://localhost/0?path=${encodeURIComponent(first.socket)}`);
    const c1 = client(first.url);
    await c1.set("k", "v");
    expect(await checkRedisSettings(c1)).toEqual([]);
    c1.disconnect();
    await first.stop();
    started.pop();
    expect(existsSync(join(dir, "appendonlydir"))).toBe(true);
    expect((await readdir(join(dir, "appendonlydir"))).some((f) => f.includes(".aof"))).toBe(true);

    const second = await startPrivateRedis({ dir });
    started.push(second);
    expect(await client(second.url).get("k")).toBe("v");
  });

  it("a kill -9 with appendfsync always loses no acknowledged write", async () => {
    const dir = await temp();
    const server = await startPrivateRedis({ dir, appendfsync: "always" });
    started.push(server);
    const c = client(server.url);
    for (let i = 0; i < 50; i++) await c.rpush("list", String(i));
    c.disconnect();
    await server.kill();
    started.pop();
    const again = await startPrivateRedis({ dir, appendfsync: "always" });
    started.push(again);
    expect(await client(again.url).llen("list")).toBe(50);
  });

  it("without redis-server says how to get one", async () => {
    const err = await startPrivateRedis({
      dir: await temp(),
      command: "redis-server-that-is-not-there",
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RedisServerNotFoundError);
    expect((err as Error).message).toContain("apt-get install redis-server");
    expect((err as Error).message).toContain("REDIS_URL");
  });

  it("refuses to start a second server over the socket of one that runs", async () => {
    const dir = await temp();
    const first = await startPrivateRedis({ dir });
    started.push(first);
    const err = await startPrivateRedis({ dir }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RedisServerStartError);
    expect((err as Error).message).toContain("already answers");
    expect(await client(first.url).ping()).toBe("PONG");
  });

  it("another local user cannot connect: no TCP port, a 0700 folder and socket; CONFIG is unknown", async () => {
    const dir = join(await temp(), "var");
    // A folder created wide open is narrowed.
    await mkdir(dir, { mode: 0o777 });
    await chmod(dir, 0o777);
    const server = await startPrivateRedis({ dir });
    started.push(server);

    expect((await stat(dir)).mode & 0o777).toBe(0o700);
    expect((await stat(server.socket)).mode & 0o777).toBe(0o700);
    expect((await stat(join(dir, "redis.conf"))).mode & 0o777).toBe(0o600);
    expect(await tcpListenersOf(server.pid)).toEqual([]);

    const c = client(server.url);
    await expect(c.call("CONFIG", "SET", "dir", "/tmp")).rejects.toThrow(/unknown command/i);
    await expect(c.call("CONFIG", "GET", "dir")).rejects.toThrow(/unknown command/i);

    if (process.getuid?.() === 0) {
      // As root, try it for real as nobody: the socket is not theirs to connect to.
      const code = await connectAs(65534, server.socket);
      expect(code).toBe("EACCES");
    }
  });

  it("openRedis without a URL starts the private Redis under var/redis, and a second caller reuses it", async () => {
    const varDir = await temp();
    const first = await openRedis(null, {
      varDir,
      connection: { maxRetriesPerRequest: 1, onError: () => undefined },
    });
    try {
      expect(first.private).toBe(true);
      expect(first.url).toContain(encodeURIComponent(join(varDir, "redis", "redis.sock")));
      const second = await openRedis(null, { varDir });
      expect(second.private).toBe(false);
      expect(second.url).toBe(first.url);
      const c = first.factory("test");
      clients.push(c);
      expect(await c.ping()).toBe("PONG");
    } finally {
      await first.close();
    }
  });

  it("the settings check reads INFO and warns about appendonly off and an evicting policy", async () => {
    const dir = await temp();
    const socket = join(dir, "plain.sock");
    const child = spawn(
      "redis-server",
      [
        "--port",
        "0",
        "--unixsocket",
        socket,
        "--appendonly",
        "no",
        "--maxmemory-policy",
        "allkeys-lru",
        "--save",
        "",
        "--dir",
        dir,
      ],
      { stdio: "ignore" },
    );
    const exited = new Promise((res) => child.once("exit", res));
    try {
      const c = client(`redis://localhost/0?path=${encodeURIComponent(socket)}`);
      c.options.retryStrategy = (times) => (times > 40 ? null : 50);
      await waitForPong(c);
      const warnings = await checkRedisSettings(c);
      expect(warnings).toHaveLength(2);
      expect(warnings[0]).toMatch(/appendonly is no/);
      expect(warnings[1]).toMatch(/maxmemory-policy is allkeys-lru.*noeviction/);
    } finally {
      child.kill("SIGKILL");
      await exited;
    }
  });
});

async function waitForPong(c: Redis): Promise<void> {
  for (let i = 0; i < 100; i++) {
    if ((await c.ping().catch(() => null)) === "PONG") return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error("redis-server did not answer");
}

/** The TCP sockets the process listens on (state 0A in /proc/net/tcp{,6}), by inode. */
async function tcpListenersOf(pid: number): Promise<string[]> {
  const inodes = new Set<string>();
  for (const fd of await readdir(`/proc/${pid}/fd`)) {
    const link = await readlink(`/proc/${pid}/fd/${fd}`).catch(() => "");
    const m = /^socket:\[(\d+)\]$/.exec(link);
    if (m) inodes.add(m[1]!);
  }
  const listening: string[] = [];
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    const text = await readFile(table, "utf8").catch(() => "");
    for (const line of text.split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[3] === "0A" && cols[9] !== undefined && inodes.has(cols[9])) listening.push(cols[1]!);
    }
  }
  return listening;
}

/** Connects to a unix socket from a process running as `uid`; its error code, or "connected". */
async function connectAs(uid: number, socket: string): Promise<string> {
  const script = `const s=require("node:net").createConnection({path:${JSON.stringify(socket)}});s.on("connect",()=>{process.stdout.write("connected");s.destroy()});s.on("error",(e)=>process.stdout.write(String(e.code)));`;
  const child = spawn(process.execPath, ["-e", script], { uid, gid: uid, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  child.stdout.on("data", (d: Buffer) => (out += d.toString("utf8")));
  await new Promise((res) => child.once("exit", res));
  return out;
}
