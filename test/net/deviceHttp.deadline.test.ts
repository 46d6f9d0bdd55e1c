import net from "node:net";
import { performance } from "node:perf_hooks";
import { afterEach, describe, expect, it } from "vitest";
import { createDeviceHttp } from "../../src/net/deviceHttp.ts";
import { DeviceHttpError } from "../../src/net/errors.ts";
import type { DeviceHttp } from "../../src/net/types.ts";
import { rejectionOf, socketClosed, startServer, type TestServer } from "./servers.ts";

const DEADLINE = 1000;
// Behaviour, not speed: the request must end near its deadline, long before the device would finish.
const SLACK = 1500;

let client: DeviceHttp;
let server: TestServer | undefined;
const timers: NodeJS.Timeout[] = [];
afterEach(async () => {
  timers.forEach((t) => clearInterval(t));
  await client?.close();
  await server?.close();
  server = undefined;
});

describe("DeviceHttp deadline (whole request, not idle)", () => {
  it("cuts a device that sends headers then trickles one byte every 100 ms", async () => {
    let serverSocket: net.Socket | undefined;
    server = await startServer((req, res) => {
      serverSocket = req.socket;
      res.writeHead(200, { "content-length": "100" }); // would take 10 s to finish
      res.flushHeaders();
      const t = setInterval(() => res.write("x"), 100);
      timers.push(t);
      res.on("close", () => clearInterval(t));
    });
    client = createDeviceHttp();
    const started = performance.now();
    const err = await rejectionOf(
      client.request({ url: server.url, method: "GET", deadlineMs: DEADLINE, maxBytes: 1000 }),
    );
    const elapsed = performance.now() - started;
    expect(err).toBeInstanceOf(DeviceHttpError);
    expect(err).toMatchObject({ kind: "timeout", retryable: true, aborted: false });
    expect((err as Error).message).toMatch(/reading body/);
    expect(elapsed).toBeGreaterThanOrEqual(DEADLINE - 50);
    expect(elapsed).toBeLessThan(DEADLINE + SLACK);
    await socketClosed(serverSocket as net.Socket); // the socket was destroyed, not left trickling
  });

  it("cuts a device that never answers", async () => {
    let serverSocket: net.Socket | undefined;
    server = await startServer((req) => {
      serverSocket = req.socket;
    });
    client = createDeviceHttp();
    const started = performance.now();
    const err = await rejectionOf(
      client.request({ url: server.url, method: "POST", body: "<x/>", deadlineMs: DEADLINE, maxBytes: 1000 }),
    );
    expect(performance.now() - started).toBeLessThan(DEADLINE + SLACK);
    expect(err).toMatchObject({ kind: "timeout", retryable: true });
    expect((err as Error).message).toMatch(/waiting for headers/);
    await socketClosed(serverSocket as net.Socket);
  });

  it("cuts a TLS handshake that never completes (the deadline covers connecting)", async () => {
    const sockets: net.Socket[] = [];
    // resume(): reads and drops the ClientHello, so the server notices when the client hangs up.
    const silent = net.createServer((s) => sockets.push(s.resume()));
    await new Promise<void>((resolve) => silent.listen(0, "127.0.0.1", resolve));
    const { port } = silent.address() as net.AddressInfo;
    try {
      client = createDeviceHttp();
      const started = performance.now();
      const err = await rejectionOf(
        client.request({
          url: `https://127.0.0.1:${port}/`,
          method: "GET",
          deadlineMs: DEADLINE,
          maxBytes: 1000,
        }),
      );
      expect(performance.now() - started).toBeLessThan(DEADLINE + SLACK);
      expect(err).toMatchObject({ kind: "timeout" });
      expect((err as Error).message).toMatch(/connecting/);
      await Promise.all(sockets.map(socketClosed));
    } finally {
      silent.close();
    }
  });

  it("counts the digest round trip inside the same deadline", async () => {
    // 401 quickly, then hang on the answer: the whole call still ends at the deadline.
    server = await startServer((req, res) => {
      if (!req.headers.authorization) {
        res.writeHead(401, { "www-authenticate": 'Digest realm="r", nonce="n", qop="auth"' });
        res.end();
      }
    });
    client = createDeviceHttp();
    const { Secret } = await import("../../src/domain/secret.ts");
    const started = performance.now();
    const err = await rejectionOf(
      client.request({
        url: server.url,
        method: "GET",
        deadlineMs: DEADLINE,
        maxBytes: 1000,
        auth: { username: "u", password: new Secret("p") },
      }),
    );
    expect(err).toMatchObject({ kind: "timeout" });
    expect(performance.now() - started).toBeLessThan(DEADLINE + SLACK);
    expect(server.stats.requests).toBe(2);
  });
});
