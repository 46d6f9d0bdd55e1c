import { inspect } from "node:util";
import { afterEach, describe, expect, it } from "vitest";
import { Secret } from "../../src/domain/secret.ts";
import { createDeviceHttp } from "../../src/net/deviceHttp.ts";
import { DeviceHttpError } from "../../src/net/errors.ts";
import type { DeviceHttp, DeviceRequest } from "../../src/net/types.ts";
import { closedPort, digestServerHandler, rejectionOf, startServer, type TestServer } from "./servers.ts";

// Characters that get URL-encoded, so both raw and encoded forms must be hidden.
const PASSWORD = "S3cr3t/Pa ss#word";
const forms = [PASSWORD, encodeURIComponent(PASSWORD), encodeURI(PASSWORD), "S3cr3t"];

let client: DeviceHttp;
let server: TestServer | undefined;
afterEach(async () => {
  await client?.close();
  await server?.close();
  server = undefined;
});

/** Every way an error gets printed or stored must be free of the password. */
function expectNoPassword(err: unknown): void {
  expect(err).toBeInstanceOf(DeviceHttpError);
  const e = err as DeviceHttpError;
  const renderings = [
    e.message,
    e.stack ?? "",
    e.url,
    JSON.stringify(e),
    inspect(e, { depth: 10, showHidden: true }),
    String(e),
  ];
  for (const text of renderings) for (const form of forms) expect(text).not.toContain(form);
}

const auth = { username: "admin", password: new Secret(PASSWORD) };
const req = (url: string, extra: Partial<DeviceRequest> = {}): DeviceRequest => ({
  url,
  method: "GET",
  deadlineMs: 3000,
  maxBytes: 1000,
  auth,
  ...extra,
});

describe("DeviceHttp never leaks credentials in errors", () => {
  it("redacts userinfo, query credentials and the password in the path of a refused connection", async () => {
    const port = await closedPort();
    client = createDeviceHttp();
    const url = `http://admin:${encodeURIComponent(PASSWORD)}@127.0.0.1:${port}/cgi/${encodeURIComponent(PASSWORD)}?password=S3cr3t&user=admin&token=abc`;
    const err = await rejectionOf(client.request(req(url, { auth: undefined })));
    expectNoPassword(err);
    expect(err).toMatchObject({ kind: "network", retryable: true });
    expect((err as DeviceHttpError).url).toBe(
      `http://admin:***@127.0.0.1:${port}/cgi/***?password=***&user=admin&token=***`,
    );
  });

  it("redacts an invalid URL that Node would quote whole", async () => {
    client = createDeviceHttp();
    const err = await rejectionOf(client.request(req(`http://admin:${PASSWORD}@127.0.0.1:99999999/`)));
    expectNoPassword(err);
  });

  it("redacts a wrong-password auth failure", async () => {
    const d = digestServerHandler({ username: "admin", password: "other", offer: ["MD5"] }, (_q, res) =>
      res.end(),
    );
    server = await startServer(d.handler);
    client = createDeviceHttp();
    const err = await rejectionOf(client.request(req(`${server.url}/x?pwd=${encodeURIComponent(PASSWORD)}`)));
    expect(err).toMatchObject({ kind: "auth" });
    expectNoPassword(err);
  });

  it("redacts timeouts and size-cap failures", async () => {
    server = await startServer((q, res) => {
      if (q.url?.startsWith("/big")) res.end("x".repeat(5000));
    });
    client = createDeviceHttp();
    const base = server.url.replace("://", `://admin:${encodeURIComponent(PASSWORD)}@`);
    const timeout = await rejectionOf(
      client.request(req(`${base}/hang`, { deadlineMs: 200, auth: undefined })),
    );
    expect(timeout).toMatchObject({ kind: "timeout" });
    expectNoPassword(timeout);
    const big = await rejectionOf(client.request(req(`${base}/big`, { auth: undefined })));
    expect(big).toMatchObject({ kind: "too_large" });
    expectNoPassword(big);
  });

  it("sends neither the password nor a Basic header to the device", async () => {
    const seen: string[] = [];
    const d = digestServerHandler({ username: "admin", password: PASSWORD, offer: ["SHA-256"] }, (_q, res) =>
      res.end("ok"),
    );
    server = await startServer((q, res) => {
      seen.push(JSON.stringify(q.headers));
      d.handler(q, res);
    });
    client = createDeviceHttp();
    const url = server.url.replace("://", `://admin:${encodeURIComponent(PASSWORD)}@`);
    expect((await client.request(req(url))).status).toBe(200);
    const basic = Buffer.from(`admin:${PASSWORD}`).toString("base64");
    for (const headers of seen) {
      expect(headers).not.toContain(basic);
      for (const form of forms) expect(headers).not.toContain(form);
    }
  });
});
