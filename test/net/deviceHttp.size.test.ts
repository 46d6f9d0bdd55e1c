import { afterEach, describe, expect, it } from "vitest";
import { createDeviceHttp } from "../../src/net/deviceHttp.ts";
import { DeviceHttpError } from "../../src/net/errors.ts";
import type { DeviceHttp } from "../../src/net/types.ts";
import { rejectionOf, startServer, type TestServer } from "./servers.ts";

const MB = 1024 * 1024;
let client: DeviceHttp;
let server: TestServer | undefined;
afterEach(async () => {
  await client?.close();
  await server?.close();
  server = undefined;
});

describe("DeviceHttp size cap", () => {
  it("aborts a 50 MB streamed answer as too_large without buffering it", async () => {
    const chunk = Buffer.alloc(64 * 1024, 0x61); // one buffer reused: the server adds no memory itself
    let written = 0;
    server = await startServer((_req, res) => {
      res.writeHead(200, { "content-type": "application/octet-stream" }); // chunked: no Content-Length to check up front
      const pump = (): void => {
        while (written < 50 * MB && !res.destroyed) {
          written += chunk.length;
          if (!res.write(chunk)) {
            res.once("drain", pump);
            return;
          }
        }
        if (!res.destroyed) res.end();
      };
      res.on("close", () => res.removeAllListeners("drain"));
      pump();
    });
    client = createDeviceHttp();
    const before = process.memoryUsage();
    const err = await rejectionOf(
      client.request({ url: server.url, method: "GET", deadlineMs: 20_000, maxBytes: MB }),
    );
    const after = process.memoryUsage();
    expect(err).toBeInstanceOf(DeviceHttpError);
    expect(err).toMatchObject({ kind: "too_large", retryable: false });
    // The client stopped reading early, so the device could not push the whole answer through...
    expect(written).toBeLessThan(25 * MB);
    // ...and memory grew by far less than the answer.
    expect(after.arrayBuffers - before.arrayBuffers).toBeLessThan(16 * MB);
    expect(after.rss - before.rss).toBeLessThan(32 * MB);
  });

  it("refuses up front an answer whose Content-Length is over the cap", async () => {
    server = await startServer((_req, res) => {
      res.writeHead(200, { "content-length": String(100 * MB) });
      res.write("x".repeat(10));
    });
    client = createDeviceHttp();
    const err = await rejectionOf(
      client.request({ url: server.url, method: "GET", deadlineMs: 5000, maxBytes: MB }),
    );
    expect(err).toMatchObject({ kind: "too_large" });
    expect((err as Error).message).toMatch(/Content-Length/);
  });

  it("accepts an answer of exactly the cap and fails one byte over", async () => {
    server = await startServer((req, res) => res.end("x".repeat(req.url === "/over" ? 101 : 100)));
    client = createDeviceHttp();
    const ok = await client.request({
      url: `${server.url}/exact`,
      method: "GET",
      deadlineMs: 5000,
      maxBytes: 100,
    });
    expect(ok.body.length).toBe(100);
    await expect(
      client.request({ url: `${server.url}/over`, method: "GET", deadlineMs: 5000, maxBytes: 100 }),
    ).rejects.toMatchObject({ kind: "too_large" });
  });

  it("also caps chunked answers that lie about nothing (no Content-Length)", async () => {
    server = await startServer((_req, res) => {
      res.write("x".repeat(60));
      res.end("y".repeat(60));
    });
    client = createDeviceHttp();
    await expect(
      client.request({ url: server.url, method: "GET", deadlineMs: 5000, maxBytes: 100 }),
    ).rejects.toMatchObject({
      kind: "too_large",
    });
  });
});
