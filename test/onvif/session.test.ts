import { describe, expect, it } from "vitest";
import type { DeviceResponse } from "../../src/net/types.ts";
import { OnvifError } from "../../src/onvif/errors.ts";
import { NS } from "../../src/onvif/namespaces.ts";
import { getDeviceInformation } from "../../src/onvif/ops/device.ts";
import { createDeviceLimits } from "../../src/onvif/limit.ts";
import { getRecordings } from "../../src/onvif/ops/recording.ts";
import { createOnvifSession, DEFAULT_MAX_RESPONSE_BYTES } from "../../src/onvif/session.ts";
import {
  createdOf,
  envelope,
  fakeHttp,
  faultXml,
  fixture,
  netError,
  PASSWORD,
  response,
  servicesXml,
  systemDateAndTime,
  testDevice,
} from "./helpers/fakeDevice.ts";

const NOW = Date.UTC(2026, 9, 1, 8, 0, 0);
const DEVICE_INFO = fixture("bosch/GetDeviceInformation.xml");
const NOT_AUTHORIZED = faultXml("s:Sender", ["ter:NotAuthorized"], "Sender not Authorized");

async function caught(p: Promise<unknown>): Promise<OnvifError> {
  try {
    await p;
  } catch (e) {
    if (e instanceof OnvifError) return e;
    throw e;
  }
  throw new Error("expected a rejection");
}

describe("device clock", () => {
  it("reads the clock unauthenticated, then signs every token on the device clock (years off included)", async () => {
    const deviceNow = Date.UTC(2031, 4, 17, 23, 59, 58); // five years ahead of us
    let ours = NOW;
    const http = fakeHttp({
      GetSystemDateAndTime: systemDateAndTime(deviceNow),
      GetDeviceInformation: DEVICE_INFO,
    });
    const session = createOnvifSession({ device: testDevice(), http, now: () => ours });
    const sync = await session.syncClock();
    expect(sync.offsetMs).toBe(deviceNow - NOW);
    expect(sync.clock).toEqual({
      deviceUtc: "2031-05-17T23:59:58.000Z",
      source: "utc",
      observedAt: "2026-10-01T08:00:00.000Z",
      timezone: "CST-8",
      dateTimeType: "NTP",
    });
    const [first] = http.seen;
    expect(first?.header).toBeNull(); // no WS-Security on the clock read
    expect(first?.req.auth).toBeUndefined(); // nor HTTP Digest
    ours += 1500;
    await getDeviceInformation(session);
    const call = http.seen[1]!;
    expect(createdOf(call)).toBe(new Date(deviceNow + 1500).toISOString());
    expect(session.deviceNow()).toBe(deviceNow + 1500);
  });

  it("retries the clock read with credentials after HTTP 401 (digest-only device)", async () => {
    const http = fakeHttp({
      GetSystemDateAndTime: (s) => (s.req.auth ? systemDateAndTime(NOW + 60_000) : response("", 401)),
      GetDeviceInformation: (s) => (s.req.auth ? DEVICE_INFO : response("", 401)),
    });
    const session = createOnvifSession({ device: testDevice(), http, now: () => NOW });
    expect((await session.syncClock()).offsetMs).toBe(60_000);
    expect((await getDeviceInformation(session)).manufacturer).toBe("Bosch");
    expect(http.opsSeen()).toEqual(["GetSystemDateAndTime", "GetSystemDateAndTime", "GetDeviceInformation"]);
    const retry = http.seen[1]!;
    expect(retry.req.auth?.username).toBe("monitor");
    expect(retry.req.auth?.password.reveal()).toBe(PASSWORD);
    expect(createdOf(retry)).not.toBeNull();
  });

  it("reads the same answers alike for every device of one HTTP client (envelopes read once are shared)", async () => {
    const answers = {
      GetSystemDateAndTime: () => systemDateAndTime(NOW),
      GetDeviceInformation: () => DEVICE_INFO,
    };
    const shared = fakeHttp(answers);
    const read = async (http: typeof shared, id: string) => {
      const session = createOnvifSession({ device: { ...testDevice(), id }, http, now: () => NOW });
      await session.syncClock();
      return { info: await getDeviceInformation(session), clock: session.lastClock() };
    };
    const first = await read(shared, "cam1");
    const second = await read(shared, "cam2");
    const alone = await read(fakeHttp(answers), "cam3");
    expect(second).toStrictEqual(first);
    expect(alone).toStrictEqual(first);
  });

  it("retries the clock read with credentials after a NotAuthorized fault (token-only device)", async () => {
    const http = fakeHttp({
      GetSystemDateAndTime: (s) => (createdOf(s) ? systemDateAndTime(NOW) : response(NOT_AUTHORIZED, 400)),
      GetDeviceInformation: (s) => (createdOf(s) ? DEVICE_INFO : response(NOT_AUTHORIZED, 400)),
    });
    const session = createOnvifSession({ device: testDevice(), http, now: () => NOW });
    await session.syncClock();
    await getDeviceInformation(session);
    expect(http.opsSeen()).toEqual(["GetSystemDateAndTime", "GetSystemDateAndTime", "GetDeviceInformation"]);
  });

  it("on NotAuthorized re-reads the clock once and retries before reporting auth", async () => {
    let deviceClock = NOW + 10 * 60_000;
    const http = fakeHttp({
      GetSystemDateAndTime: () => systemDateAndTime(deviceClock),
      // Accepts only tokens within 5 s of the device's current clock.
      GetDeviceInformation: (s) =>
        Math.abs(Date.parse(createdOf(s) ?? "") - deviceClock) <= 5000
          ? DEVICE_INFO
          : response(NOT_AUTHORIZED, 400),
    });
    const session = createOnvifSession({ device: testDevice(), http, now: () => NOW });
    await session.syncClock();
    deviceClock += 3_600_000; // someone set the device clock an hour forward
    const info = await getDeviceInformation(session);
    expect(info.model).toBe("FLEXIDOME indoor 5100i IR");
    expect(http.opsSeen()).toEqual([
      "GetSystemDateAndTime",
      "GetDeviceInformation",
      "GetSystemDateAndTime",
      "GetDeviceInformation",
    ]);
    expect(createdOf(http.seen[3]!)).toBe(new Date(deviceClock).toISOString());
  });

  it("reports auth (without the password) when the retry on a fresh clock fails too", async () => {
    const http = fakeHttp({
      GetSystemDateAndTime: systemDateAndTime(NOW),
      GetDeviceInformation: response(
        faultXml("s:Sender", ["ter:NotAuthorized"], `wrong password ${PASSWORD} for monitor`),
        400,
      ),
    });
    const session = createOnvifSession({ device: testDevice(), http, now: () => NOW });
    const err = await caught(getDeviceInformation(session));
    expect(err.kind).toBe("auth");
    expect(err.faultCode).toBe("ter:NotAuthorized");
    expect(err.retryable).toBe(false);
    expect(err.message).not.toContain(PASSWORD);
    expect(err.message).toContain("[redacted]");
    expect(JSON.stringify(err.toProbeError())).not.toContain(PASSWORD);
    expect(http.opsSeen().filter((o) => o === "GetDeviceInformation")).toHaveLength(2);
    expect(http.opsSeen().filter((o) => o === "GetSystemDateAndTime")).toHaveLength(2);
  });

  it("signs with our clock when the device gives no usable time", async () => {
    const noTime = envelope(
      `<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime><tt:DateTimeType>Manual</tt:DateTimeType><tt:DaylightSavings>false</tt:DaylightSavings></tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse>`,
    );
    const http = fakeHttp({ GetSystemDateAndTime: noTime, GetDeviceInformation: DEVICE_INFO });
    const session = createOnvifSession({ device: testDevice(), http, now: () => NOW });
    const sync = await session.syncClock();
    expect(sync.offsetMs).toBe(0);
    expect(sync.clock.source).toBe("none");
    expect(sync.clock.deviceUtc).toBeNull();
    await getDeviceInformation(session);
    expect(createdOf(http.seen[1]!)).toBe(new Date(NOW).toISOString());
  });

  it("reads the clock on the first authenticated call when nobody asked", async () => {
    const http = fakeHttp({
      GetSystemDateAndTime: systemDateAndTime(NOW + 7000),
      GetDeviceInformation: DEVICE_INFO,
    });
    const session = createOnvifSession({ device: testDevice(), http, now: () => NOW });
    await getDeviceInformation(session);
    expect(http.opsSeen()).toEqual(["GetSystemDateAndTime", "GetDeviceInformation"]);
    expect(createdOf(http.seen[1]!)).toBe(new Date(NOW + 7000).toISOString());
  });
});

describe("requests", () => {
  it("send SOAP 1.2 with the action, both credentials, the deadline, the size cap and TLS options", async () => {
    const tls = { ca: "PEM", fingerprint256: "AB:CD" };
    const http = fakeHttp({
      GetSystemDateAndTime: systemDateAndTime(NOW),
      GetDeviceInformation: DEVICE_INFO,
    });
    const session = createOnvifSession({
      device: testDevice({ timeoutSeconds: 7, tls }),
      http,
      now: () => NOW,
    });
    await getDeviceInformation(session);
    const r = http.seen[1]!.req;
    expect(r.method).toBe("POST");
    expect(r.url).toBe("http://203.0.113.7:8080/onvif/device_service");
    expect(r.headers?.["Content-Type"]).toBe(
      `application/soap+xml; charset=utf-8; action="${NS.tds}/GetDeviceInformation"`,
    );
    expect(r.deadlineMs).toBe(7000);
    expect(r.maxBytes).toBe(DEFAULT_MAX_RESPONSE_BYTES);
    expect(r.tls).toEqual(tls);
    expect(r.auth?.username).toBe("monitor");
    expect(String(r.body)).not.toContain(PASSWORD);
    expect(http.seen[1]!.envelope.ns).toBe(NS.soap12);
  });

  it("honour an overridden response cap", async () => {
    const http = fakeHttp({ GetSystemDateAndTime: systemDateAndTime(NOW) });
    const session = createOnvifSession({
      device: testDevice(),
      http,
      now: () => NOW,
      maxResponseBytes: 1234,
    });
    await session.syncClock();
    expect(http.seen[0]?.req.maxBytes).toBe(1234);
  });

  it("keep net/ error kinds and retryability, and say which operation failed", async () => {
    const http = fakeHttp({
      GetSystemDateAndTime: systemDateAndTime(NOW),
      GetDeviceInformation: netError("timeout", "no answer within 5000 ms"),
      GetServices: netError("tls", "certificate fingerprint mismatch"),
    });
    const session = createOnvifSession({ device: testDevice(), http, now: () => NOW });
    const t = await caught(getDeviceInformation(session));
    expect(t.kind).toBe("timeout");
    expect(t.retryable).toBe(true);
    expect(t.message).toMatch(
      /^GetDeviceInformation at http:\/\/203\.0\.113\.7:8080\/onvif\/device_service: no answer/,
    );
    const s = await caught(session.directory());
    expect(s.kind).toBe("tls");
    expect(s.retryable).toBe(false);
  });

  it("map HTTP 404 on a service to not_supported", async () => {
    const http = fakeHttp({
      GetSystemDateAndTime: systemDateAndTime(NOW),
      GetServices: servicesXml({ [NS.trc]: "http://203.0.113.7:8080/onvif/recording" }),
      GetRecordings: response("<html>Not Found</html>", 404),
    });
    const session = createOnvifSession({ device: testDevice(), http, now: () => NOW });
    const e = await caught(getRecordings(session));
    expect(e.kind).toBe("not_supported");
  });
});

describe("service routing", () => {
  it("rewrites XAddrs whose host:port differ from the configured URL, keeping path and query", async () => {
    const http = fakeHttp({
      GetSystemDateAndTime: systemDateAndTime(NOW),
      GetServices: servicesXml({
        [NS.tds]: "http://192.168.1.10/onvif/device_service",
        [NS.trc]: "http://192.168.1.10:80/onvif/Recording?chan=1&x=%20y",
        [NS.tse]: "http://203.0.113.7:8080/onvif/search",
        [NS.tev]: "https://192.168.1.10:8443/onvif/events",
      }),
      GetRecordings: envelope(`<trc:GetRecordingsResponse/>`),
    });
    const session = createOnvifSession({ device: testDevice(), http, now: () => NOW });
    const { services, source } = await session.directory();
    expect(source).toBe("GetServices");
    expect(services).toEqual({
      device: "http://203.0.113.7:8080/onvif/device_service",
      recording: "http://203.0.113.7:8080/onvif/Recording?chan=1&x=%20y",
      search: "http://203.0.113.7:8080/onvif/search",
      events: "http://203.0.113.7:8080/onvif/events",
    });
    expect(await getRecordings(session)).toEqual([]);
    expect(http.seen.at(-1)?.req.url).toBe("http://203.0.113.7:8080/onvif/Recording?chan=1&x=%20y");
    expect(session.rewriteAddress("http://10.0.0.9/onvif/sub?id=3")).toBe(
      "http://203.0.113.7:8080/onvif/sub?id=3",
    );
  });

  it("never downgrades a configured https address to the http the device lists", async () => {
    const http = fakeHttp({
      GetSystemDateAndTime: systemDateAndTime(NOW),
      GetServices: servicesXml({ [NS.trc]: "http://nvr.example/onvif/recording" }),
    });
    const device = testDevice({ onvif: "https://nvr.example/onvif/device_service" });
    const session = createOnvifSession({ device, http, now: () => NOW });
    expect((await session.directory()).services.recording).toBe("https://nvr.example/onvif/recording");
  });

  it("falls back to GetCapabilities when GetServices is not supported", async () => {
    const http = fakeHttp({
      GetSystemDateAndTime: systemDateAndTime(NOW),
      GetServices: response(fixture("oem-misc/IPD-H4K8M05_Fault.xml"), 500),
      GetCapabilities: fixture("hikvision-oem/ENP1A14_GetCapabilities.xml"),
      GetRecordings: fixture("hikvision-oem/ENP1A14_GetRecordings.xml"),
    });
    const session = createOnvifSession({ device: testDevice(), http, now: () => NOW });
    const dir = await session.directory();
    expect(dir.source).toBe("GetCapabilities");
    expect(dir.services.recording).toBe("http://203.0.113.7:8080/onvif/Recording");
    expect(dir.services.schedule).toBeUndefined();
    const recs = await getRecordings(session);
    expect(recs.map((r) => r.token)).toEqual(["OnvifRecordingToken_1"]);
    expect(http.seen.at(-1)?.req.url).toBe("http://203.0.113.7:8080/onvif/Recording");
  });

  it("does not fall back on a login failure, and asks again after a failed lookup", async () => {
    let refuse = true;
    const http = fakeHttp({
      GetSystemDateAndTime: systemDateAndTime(NOW),
      GetServices: () => (refuse ? response(NOT_AUTHORIZED, 400) : servicesXml({})),
    });
    const session = createOnvifSession({ device: testDevice(), http, now: () => NOW });
    expect((await caught(session.directory())).kind).toBe("auth");
    expect(http.opsSeen()).not.toContain("GetCapabilities");
    refuse = false;
    expect((await session.directory()).services).toEqual({
      device: "http://203.0.113.7:8080/onvif/device_service",
    });
  });

  it("reports a service the device does not offer as not_supported, without asking it", async () => {
    const http = fakeHttp({ GetSystemDateAndTime: systemDateAndTime(NOW), GetServices: servicesXml({}) });
    const session = createOnvifSession({ device: testDevice(), http, now: () => NOW });
    const e = await caught(getRecordings(session));
    expect(e.kind).toBe("not_supported");
    expect(e.message).toContain("recording");
    expect(http.opsSeen()).not.toContain("GetRecordings");
  });

  it("asks GetServices once for many concurrent calls", async () => {
    const http = fakeHttp({
      GetSystemDateAndTime: systemDateAndTime(NOW),
      GetServices: servicesXml({ [NS.trc]: "http://203.0.113.7:8080/onvif/recording" }),
      GetRecordings: envelope(`<trc:GetRecordingsResponse/>`),
    });
    const session = createOnvifSession({ device: testDevice(), http, now: () => NOW });
    await Promise.all([getRecordings(session), getRecordings(session), getRecordings(session)]);
    expect(http.opsSeen().filter((o) => o === "GetServices")).toHaveLength(1);
    expect(http.opsSeen().filter((o) => o === "GetSystemDateAndTime")).toHaveLength(1);
  });
});

/** A device whose GetDeviceInformation answers are held until released, counting those in flight. */
function heldDevice() {
  let inFlight = 0;
  let peak = 0;
  const gates: (() => void)[] = [];
  const held = async (): Promise<DeviceResponse> => {
    inFlight++;
    peak = Math.max(peak, inFlight);
    await new Promise<void>((resolve) => gates.push(resolve));
    inFlight--;
    return response(DEVICE_INFO);
  };
  return {
    http: fakeHttp({ GetSystemDateAndTime: systemDateAndTime(NOW), GetDeviceInformation: held }),
    peak: () => peak,
    /** Releases requests one at a time, letting the limiter start the next one each time. */
    async releaseAll<T>(calls: readonly Promise<T>[]): Promise<T[]> {
      let released = 0;
      while (released < calls.length) {
        await new Promise((r) => setImmediate(r));
        const gate = gates.shift();
        if (gate) {
          gate();
          released++;
        }
      }
      return Promise.all(calls);
    },
  };
}

describe("concurrency", () => {
  it("never has more than device.maxConcurrency requests in flight", async () => {
    const d = heldDevice();
    const session = createOnvifSession({
      device: testDevice({ maxConcurrency: 2 }),
      http: d.http,
      now: () => NOW,
    });
    await session.syncClock();
    const results = await d.releaseAll(Array.from({ length: 7 }, () => getDeviceInformation(session)));
    expect(results).toHaveLength(7);
    expect(d.peak()).toBe(2);
  });

  it("sessions sharing a device limit never have more than maxConcurrency in flight together", async () => {
    const d = heldDevice();
    const device = testDevice({ maxConcurrency: 2 });
    const limits = createDeviceLimits();
    // A poll, a probe and a retention scan of the same device, each with its own session.
    const sessions = [1, 2, 3].map(() =>
      createOnvifSession({ device, http: d.http, now: () => NOW, limit: limits.for("site/nvr1", 2) }),
    );
    for (const s of sessions) await s.syncClock();
    const results = await d.releaseAll(
      sessions.flatMap((s) => [getDeviceInformation(s), getDeviceInformation(s)]),
    );
    expect(results).toHaveLength(6);
    expect(d.peak()).toBe(2);
    // Another device, or the same one with another limit configured, gets its own.
    expect(limits.for("site/nvr2", 2)).not.toBe(limits.for("site/nvr1", 2));
    expect(limits.for("site/nvr1", 2)).toBe(limits.for("site/nvr1", 2));
    expect(limits.for("site/nvr1", 3)).not.toBe(limits.for("site/nvr1", 2));
  });
});
