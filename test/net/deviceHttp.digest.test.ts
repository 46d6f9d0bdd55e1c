import { afterEach, describe, expect, it } from "vitest";
import { Secret } from "../../src/domain/secret.ts";
import { createDeviceHttp } from "../../src/net/deviceHttp.ts";
import { DeviceHttpError } from "../../src/net/errors.ts";
import type { DeviceHttp, DeviceRequest } from "../../src/net/types.ts";
import {
  digestServerHandler,
  rejectionOf,
  startServer,
  type DigestServerOptions,
  type TestServer,
} from "./servers.ts";

const USER = "admin";
const PASSWORD = 'Nurs3ry, "quoted" pa55';
let client: DeviceHttp;
let server: TestServer | undefined;
afterEach(async () => {
  await client?.close();
  await server?.close();
  server = undefined;
});

async function device(offer: DigestServerOptions["offer"], qop?: string) {
  const d = digestServerHandler(
    { username: USER, password: PASSWORD, offer, ...(qop ? { qop } : {}) },
    (req, res, body) => {
      res.writeHead(200, { "content-type": "text/plain" });
      res.end(`hello ${req.method} ${req.url} ${body}`);
    },
  );
  server = await startServer(d.handler);
  client = createDeviceHttp();
  return d;
}

const soap = (url: string, password = PASSWORD): DeviceRequest => ({
  url,
  method: "POST",
  body: "<Envelope>GetSystemDateAndTime</Envelope>",
  deadlineMs: 5000,
  maxBytes: 1 << 20,
  auth: { username: USER, password: new Secret(password) },
});

describe("DeviceHttp HTTP Digest", () => {
  it("answers an MD5 challenge without an algorithm parameter (default MD5)", async () => {
    const d = await device(["MD5-noalg"]);
    const res = await client.request(soap(`${server!.url}/onvif/device_service?x=1`));
    expect(res.status).toBe(200);
    expect(res.body.toString()).toBe(
      "hello POST /onvif/device_service?x=1 <Envelope>GetSystemDateAndTime</Envelope>",
    );
    expect(d.log.map((l) => l.outcome)).toEqual(["challenged", "ok"]);
    expect(d.log[1]?.algorithm).toBeNull(); // not echoed: the device did not name it
    expect(d.log.every((l) => l.body === "<Envelope>GetSystemDateAndTime</Envelope>")).toBe(true);
  });

  it("prefers SHA-256 when the device offers MD5 and SHA-256 (Hikvision)", async () => {
    const d = await device(["MD5", "SHA-256"]);
    expect((await client.request(soap(server!.url + "/"))).status).toBe(200);
    expect(d.log[1]).toMatchObject({ outcome: "ok", algorithm: "SHA-256" });
  });

  it('answers qop="auth,auth-int" with auth', async () => {
    const d = await device(["MD5"], "auth,auth-int");
    expect((await client.request(soap(server!.url + "/"))).status).toBe(200);
    expect(d.log[1]?.outcome).toBe("ok");
  });

  it("answers later requests pre-emptively: one request per call, nc counting up", async () => {
    const d = await device(["SHA-256"]);
    await client.request(soap(server!.url + "/a"));
    expect(server!.stats.requests).toBe(2);
    await client.request(soap(server!.url + "/b"));
    await client.request({ ...soap(server!.url + "/c"), method: "GET", body: undefined });
    expect(server!.stats.requests).toBe(4);
    expect(d.log.map((l) => [l.outcome, l.nc])).toEqual([
      ["challenged", null],
      ["ok", "00000001"],
      ["ok", "00000002"],
      ["ok", "00000003"],
    ]);
  });

  it("re-challenges once on a stale nonce, then goes on pre-emptively", async () => {
    const d = await device(["MD5"]);
    await client.request(soap(server!.url + "/"));
    d.expireNonces();
    expect((await client.request(soap(server!.url + "/"))).status).toBe(200);
    expect(d.log.map((l) => l.outcome)).toEqual(["challenged", "ok", "stale", "ok"]);
    await client.request(soap(server!.url + "/"));
    expect(d.log.map((l) => l.outcome)).toEqual(["challenged", "ok", "stale", "ok", "ok"]);
  });

  it("fails a wrong password as auth, not retryable, after one answer", async () => {
    const d = await device(["MD5", "SHA-256"]);
    const err = await rejectionOf(client.request(soap(server!.url + "/", "wrong-password")));
    expect(err).toBeInstanceOf(DeviceHttpError);
    expect(err).toMatchObject({ kind: "auth", retryable: false, status: 401 });
    expect(d.log.map((l) => l.outcome)).toEqual(["challenged", "rejected"]);
  });

  it("fails a wrong password sent pre-emptively after one re-challenge", async () => {
    const d = await device(["SHA-256"]);
    await client.request(soap(server!.url + "/"));
    await expect(client.request(soap(server!.url + "/", "changed"))).rejects.toMatchObject({ kind: "auth" });
    expect(d.log.map((l) => l.outcome)).toEqual(["challenged", "ok", "rejected", "rejected"]);
    // The bad answer evicted the cached challenge: the right password starts over cleanly.
    expect((await client.request(soap(server!.url + "/"))).status).toBe(200);
  });

  it("returns a 401 as is when no credentials are configured", async () => {
    await device(["MD5"]);
    const res = await client.request({ url: server!.url, method: "GET", deadlineMs: 5000, maxBytes: 1000 });
    expect(res.status).toBe(401);
    expect(server!.stats.requests).toBe(1);
  });

  it("never answers Basic: auth error, and no Authorization header is ever sent", async () => {
    const seen: (string | undefined)[] = [];
    server = await startServer((req, res) => {
      seen.push(req.headers.authorization);
      res.writeHead(401, { "www-authenticate": 'Basic realm="cam"' });
      res.end();
    });
    client = createDeviceHttp();
    const err = await rejectionOf(client.request(soap(server.url + "/")));
    expect(err).toMatchObject({ kind: "auth" });
    expect((err as Error).message).toMatch(/Basic/);
    expect(seen).toEqual([undefined]);
  });

  it("uses URL userinfo as Digest credentials without ever sending it as Basic", async () => {
    const d = await device(["MD5"]);
    const url = server!.url.replace("://", `://${USER}:${encodeURIComponent(PASSWORD)}@`) + "/snapshot.jpg";
    const res = await client.request({ url, method: "GET", deadlineMs: 5000, maxBytes: 1000 });
    expect(res.status).toBe(200);
    expect(d.log.map((l) => l.authorization?.split(" ")[0])).toEqual([undefined, "Digest"]);
  });
});
