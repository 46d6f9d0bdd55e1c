import net from "node:net";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Secret } from "../../src/domain/secret.ts";
import { probeStream } from "../../src/media/probeStream.ts";
import { closedPort } from "../net/servers.ts";
import { childProcesses, processExists, recordingRunner } from "./helpers/media.ts";

/** A TCP server that accepts connections and never says a word (a hung camera, a wrong port). */
let silent: net.Server;
let port: number;
const sockets = new Set<net.Socket>();

beforeAll(async () => {
  silent = net.createServer((s) => {
    sockets.add(s);
    s.on("close", () => sockets.delete(s));
    s.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
  port = (silent.address() as AddressInfo).port;
});

afterAll(async () => {
  for (const s of sockets) s.destroy();
  await new Promise<void>((resolve) => silent.close(() => resolve()));
});

const password = "Hung-Cam-P4ss";
const opts = (deadlineMs: number) => ({
  streamUri: `rtsp://127.0.0.1:${port}/Streaming/Channels/101`,
  username: "admin",
  password: new Secret(password),
  deadlineMs,
  windowSeconds: 2,
});

describe("probeStream deadlines", () => {
  it("kills ffmpeg at the deadline when the server never answers, and leaves no process", async () => {
    const { runner, tools, pids, logs } = await recordingRunner();
    // No socket timeout: only our deadline can end this run.
    const noSocketTimeout = { ...tools, options: { ...tools.options, rtspSocketTimeout: null } };
    const t0 = performance.now();
    const r = await probeStream(opts(1500), { runner, tools: noSocketTimeout });
    const took = performance.now() - t0;
    expect(took).toBeGreaterThanOrEqual(1400);
    expect(took).toBeLessThan(3000);
    expect(r.run.end).toBe("deadline");
    expect(r.stream).toMatchObject({ status: "failed", error: { kind: "timeout" } });
    expect(r.windows.map((w) => w.status)).toEqual(["failed", "failed"]);
    expect(pids).toHaveLength(1);
    expect(processExists(pids[0]!)).toBe(false);
    expect(childProcesses("ffmpeg")).toEqual([]);
    expect(JSON.stringify(r) + logs.join("\n")).not.toContain(password);
  });

  it("with the socket timeout ffmpeg gives up by itself, before the deadline", async () => {
    const { runner, tools, pids } = await recordingRunner();
    const t0 = performance.now();
    // Socket timeout = min(5 s, deadline / 2) = 2 s; deadline 4 s.
    const r = await probeStream(opts(4000), { runner, tools });
    const took = performance.now() - t0;
    expect(r.run.end).toBe("exit");
    expect(took).toBeLessThan(3900);
    expect(r.stream).toMatchObject({ status: "failed", error: { kind: "timeout" } });
    expect(processExists(pids[0]!)).toBe(false);
  });

  it("a refused connection fails fast as a network error", async () => {
    const { runner, tools } = await recordingRunner();
    const r = await probeStream(
      { ...opts(10_000), streamUri: `rtsp://127.0.0.1:${await closedPort()}/x` },
      { runner, tools },
    );
    expect(r.stream).toMatchObject({ status: "failed", error: { kind: "network" } });
    expect(r.run.wallMs).toBeLessThan(3000);
    expect(JSON.stringify(r)).not.toContain(password);
  });
});
