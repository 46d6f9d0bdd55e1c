import net from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createDeviceHttp } from "../../src/net/deviceHttp.ts";
import { DeviceHttpError } from "../../src/net/errors.ts";
import type { DeviceHttp } from "../../src/net/types.ts";
import { closedPort, readBody, rejectionOf, socketClosed, startServer, type TestServer } from "./servers.ts";

const base = { method: "GET" as const, deadlineMs: 5000, maxBytes: 1 << 20 };
let client: DeviceHttp;
let server: TestServer | undefined;
afterEach(async () => {
  await client?.close();
  await server?.close();
  server = undefined;
});

describe("DeviceHttp basics", () => {
  it("returns non-2xx answers with their body instead of throwing (SOAP faults)", async () => {
    server = await startServer((req, res) => {
      void readBody(req).then((body) => {
        res.writeHead(500, { "content-type": "application/soap+xml" });
        res.end(`<Fault>${req.method} ${req.headers["content-type"]} ${body}</Fault>`);
      });
    });
    client = createDeviceHttp();
    const res = await client.request({
      ...base,
      method: "POST",
      url: `${server.url}/onvif/device_service`,
      headers: { "Content-Type": "application/soap+xml; charset=utf-8" },
      body: "<Envelope/>",
    });
    expect(res.status).toBe(500);
    expect(res.body.toString()).toBe("<Fault>POST application/soap+xml; charset=utf-8 <Envelope/></Fault>");
    expect(res.headers["content-type"]).toBe("application/soap+xml");
  });

  it("reuses one kept-alive connection for consecutive requests to a device", async () => {
    server = await startServer((_req, res) => res.end("ok"));
    client = createDeviceHttp();
    for (let i = 0; i < 3; i++) expect((await client.request({ ...base, url: server.url })).status).toBe(200);
    expect(server.stats).toEqual({ connections: 1, requests: 3 });
  });

  it("does not let the idle-socket timer cut an active slow answer", async () => {
    server = await startServer((_req, res) => {
      res.flushHeaders();
      setTimeout(() => res.end("late"), 600);
    });
    client = createDeviceHttp({ idleSocketMs: 100 });
    const res = await client.request({ ...base, url: server.url });
    expect(res.body.toString()).toBe("late");
  });

  it("fails a refused connection as retryable network error", async () => {
    const port = await closedPort();
    client = createDeviceHttp();
    const err = await rejectionOf(client.request({ ...base, url: `http://127.0.0.1:${port}/x` }));
    expect(err).toBeInstanceOf(DeviceHttpError);
    expect(err).toMatchObject({
      kind: "network",
      retryable: true,
      code: "ECONNREFUSED",
      url: `http://127.0.0.1:${port}/x`,
    });
  });

  it("fails an answer cut short as network error", async () => {
    server = await startServer((_req, res) => {
      res.writeHead(200, { "content-length": "100" });
      res.write("only ten b");
      setImmediate(() => res.destroy());
    });
    client = createDeviceHttp();
    const err = await rejectionOf(client.request({ ...base, url: server.url }));
    expect(err).toMatchObject({ kind: "network", retryable: true });
  });

  it("retries once on a fresh connection when the device dropped a kept-alive one", async () => {
    // A raw server: answers the first request of each connection, resets on the second, like
    // a device that closed an idle connection just as we reused it.
    let connections = 0;
    const raw = net.createServer((socket) => {
      connections++;
      let seen = 0;
      let buf = "";
      socket.on("data", (d: Buffer) => {
        buf += d.toString("latin1");
        while (buf.includes("\r\n\r\n")) {
          buf = buf.slice(buf.indexOf("\r\n\r\n") + 4);
          seen++;
          if (seen === 1)
            socket.write("HTTP/1.1 200 OK\r\nContent-Length: 2\r\nConnection: keep-alive\r\n\r\nok");
          else socket.resetAndDestroy();
        }
      });
      socket.on("error", () => undefined);
    });
    await new Promise<void>((resolve) => raw.listen(0, "127.0.0.1", resolve));
    const { port } = raw.address() as net.AddressInfo;
    try {
      client = createDeviceHttp();
      const url = `http://127.0.0.1:${port}/`;
      expect((await client.request({ ...base, url })).status).toBe(200);
      expect((await client.request({ ...base, url })).status).toBe(200);
      expect(connections).toBe(2);
    } finally {
      raw.close();
    }
  });

  it("does not retry a reset on a new connection", async () => {
    let connections = 0;
    const raw = net.createServer((socket) => {
      connections++;
      socket.once("data", () => socket.resetAndDestroy());
      socket.on("error", () => undefined);
    });
    await new Promise<void>((resolve) => raw.listen(0, "127.0.0.1", resolve));
    const { port } = raw.address() as net.AddressInfo;
    try {
      client = createDeviceHttp();
      const err = await rejectionOf(client.request({ ...base, url: `http://127.0.0.1:${port}/` }));
      expect(err).toMatchObject({ kind: "network", code: "ECONNRESET" });
      expect(connections).toBe(1);
    } finally {
      raw.close();
    }
  });

  it("aborts via the caller's signal: not retryable, socket destroyed", async () => {
    const controller = new AbortController();
    let serverSocket: net.Socket | undefined;
    server = await startServer((req) => {
      serverSocket = req.socket;
      controller.abort(); // the caller gives up while the device is thinking
    });
    client = createDeviceHttp();
    const err = await rejectionOf(client.request({ ...base, url: server.url, signal: controller.signal }));
    expect(err).toBeInstanceOf(DeviceHttpError);
    expect(err).toMatchObject({ kind: "timeout", aborted: true, retryable: false });
    await socketClosed(serverSocket as net.Socket);
  });

  it("does not even connect with an already aborted signal", async () => {
    server = await startServer((_req, res) => res.end());
    client = createDeviceHttp();
    const err = await rejectionOf(client.request({ ...base, url: server.url, signal: AbortSignal.abort() }));
    expect(err).toMatchObject({ kind: "timeout", aborted: true });
    expect(server.stats.connections).toBe(0);
  });

  it("refuses caller-made Authorization headers, bad URLs and use after close", async () => {
    client = createDeviceHttp();
    await expect(
      client.request({ ...base, url: "http://127.0.0.1/", headers: { Authorization: "Basic x" } }),
    ).rejects.toThrow(TypeError);
    await expect(client.request({ ...base, url: "ftp://127.0.0.1/" })).rejects.toMatchObject({
      kind: "network",
      retryable: false,
    });
    await expect(client.request({ ...base, url: "http://[bad" })).rejects.toMatchObject({
      kind: "network",
      retryable: false,
    });
    await client.close();
    await expect(client.request({ ...base, url: "http://127.0.0.1/" })).rejects.toMatchObject({
      retryable: false,
    });
  });

  it("classifies retryability of HTTP statuses", async () => {
    const { isRetryableKind } = await import("../../src/net/errors.ts");
    expect([500, 503, 429, 404, 400].map((s) => isRetryableKind("http", s))).toEqual([
      true,
      true,
      true,
      false,
      false,
    ]);
    client = createDeviceHttp();
  });
});
