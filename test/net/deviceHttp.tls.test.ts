import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDeviceHttp } from "../../src/net/deviceHttp.ts";
import { DeviceHttpError } from "../../src/net/errors.ts";
import type { DeviceHttp, DeviceRequest } from "../../src/net/types.ts";
import { makeTestCerts, type TestCerts } from "./certs.ts";
import { rejectionOf, startServer, type TestServer } from "./servers.ts";

let certs: TestCerts;
let selfSignedServer: TestServer;
let caServer: TestServer;
let client: DeviceHttp;

beforeAll(async () => {
  certs = makeTestCerts();
  selfSignedServer = await startServer((_req, res) => res.end("self"), certs.selfSigned);
  caServer = await startServer((_req, res) => res.end("ca"), certs.leaf);
  client = createDeviceHttp();
});
afterAll(async () => {
  await client?.close();
  await selfSignedServer?.close();
  await caServer?.close();
});

const get = (url: string, tls: DeviceRequest["tls"]): Promise<unknown> =>
  client.request({ url, method: "GET", deadlineMs: 5000, maxBytes: 1000, tls });
const flip = (fp: string): string => (fp.startsWith("00") ? `11${fp.slice(2)}` : `00${fp.slice(2)}`);

async function expectTlsError(p: Promise<unknown>): Promise<DeviceHttpError> {
  const err = await rejectionOf(p);
  expect(err).toBeInstanceOf(DeviceHttpError);
  expect(err).toMatchObject({ kind: "tls", retryable: false });
  return err as DeviceHttpError;
}

describe("DeviceHttp TLS, self-signed NVR certificate", () => {
  it("rejects it without a pin or CA (never silently accepted)", async () => {
    const err = await expectTlsError(get(selfSignedServer.url, null));
    expect(err.code).toBe("DEPTH_ZERO_SELF_SIGNED_CERT");
  });

  it("accepts it when the pin matches, in any case and with or without colons", async () => {
    const before = selfSignedServer.stats.requests;
    const fp = certs.selfSigned.fingerprint256;
    for (const pin of [fp, fp.toLowerCase(), fp.replace(/:/g, "")]) {
      const res = await client.request({
        url: selfSignedServer.url,
        method: "GET",
        deadlineMs: 5000,
        maxBytes: 1000,
        tls: { ca: null, fingerprint256: pin },
      });
      expect(res.body.toString()).toBe("self");
    }
    expect(selfSignedServer.stats.requests - before).toBe(3);
  });

  it("refuses it on a pin mismatch before sending a single request", async () => {
    const before = selfSignedServer.stats.requests;
    const err = await expectTlsError(
      get(selfSignedServer.url, { ca: null, fingerprint256: flip(certs.selfSigned.fingerprint256) }),
    );
    expect(err.message).toMatch(/fingerprint/);
    expect(selfSignedServer.stats.requests).toBe(before);
  });
});

describe("DeviceHttp TLS, site CA", () => {
  it("accepts a leaf signed by the configured CA", async () => {
    await expect(get(caServer.url, { ca: certs.ca.cert, fingerprint256: null })).resolves.toMatchObject({
      status: 200,
    });
  });

  it("rejects the leaf when another CA is configured (the given CA is the only one)", async () => {
    await expectTlsError(get(caServer.url, { ca: certs.otherCa.cert, fingerprint256: null }));
  });

  it("rejects the leaf against the system CAs", async () => {
    await expectTlsError(get(caServer.url, null));
  });

  it("checks CA and pin together", async () => {
    await expect(
      get(caServer.url, { ca: certs.ca.cert, fingerprint256: certs.leaf.fingerprint256 }),
    ).resolves.toMatchObject({
      status: 200,
    });
    await expectTlsError(
      get(caServer.url, { ca: certs.ca.cert, fingerprint256: flip(certs.leaf.fingerprint256) }),
    );
    // A pin that matches does not rescue a certificate the configured CA did not sign.
    await expectTlsError(
      get(selfSignedServer.url, { ca: certs.ca.cert, fingerprint256: certs.selfSigned.fingerprint256 }),
    );
  });

  it("refuses a malformed pin as a tls error", async () => {
    await expectTlsError(get(caServer.url, { ca: null, fingerprint256: "AB:CD" }));
  });
});
