import { request } from "node:http";
import { connect } from "node:net";
import { XMLValidator } from "fast-xml-parser";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateOnvif } from "../helpers/validateOnvif.ts";
import { parseScenario } from "../../src/simulator/scenario.ts";
import { startSimulator, type RunningSimulator } from "../../src/simulator/server.ts";
import { TestDevice, pickAll, post, soap } from "./soapClient.ts";

const scenario = parseScenario(
  {
    devices: [
      {
        id: "odd",
        faults: { GetRecordingJobState: "NotAuthorized", GetRecordingSummary: "CriticalError" },
        operations: {
          GetRecordings: { oversized: true },
          GetRecordingJobs: { malformed: true },
          GetDeviceInformation: { entityBomb: true },
          GetProfiles: { xxe: true },
          GetVideoSources: { slowMs: 300 },
        },
        channels: { count: 2 },
      },
      { id: "all-faults", operations: { "*": { fault: "OutofMemory" } }, channels: { count: 1 } },
      { id: "strict", auth: "wsse", channels: { count: 1 } },
    ],
  },
  "behaviours.test",
);

let sim: RunningSimulator;
let odd: TestDevice;
let allFaults: TestDevice;
let strict: string;
const faults: string[] = [];

beforeAll(async () => {
  sim = await startSimulator(scenario);
  const base = (id: string): string => `http://127.0.0.1:${sim.devices.find((d) => d.id === id)?.port ?? 0}`;
  odd = new TestDevice(base("odd"), "admin", "admin123");
  allFaults = new TestDevice(base("all-faults"), "admin", "admin123");
  strict = base("strict");
  await odd.syncClock();
});

afterAll(async () => {
  await sim.stop();
});

describe("per-operation faults", () => {
  it("answers the scenario's fault for that operation only", async () => {
    const r = await odd.call(
      "/onvif/recording",
      "<trc:GetRecordingJobState><trc:JobToken>RecordingJob_1</trc:JobToken></trc:GetRecordingJobState>",
    );
    faults.push(r.body);
    expect(r.status).toBe(400);
    expect(pickAll(r.body, "Value")).toEqual(["s:Sender", "ter:NotAuthorized"]);
    const critical = await odd.call("/onvif/search", "<tse:GetRecordingSummary/>");
    faults.push(critical.body);
    expect(critical.status).toBe(500);
    expect(pickAll(critical.body, "Value")).toEqual(["s:Receiver", "ter:Action", "ter:CriticalError"]);
    expect((await odd.call("/onvif/recording", "<trc:GetServiceCapabilities/>")).status).toBe(200);
  });

  it('"*" applies to every operation', async () => {
    const r = await allFaults.call("/onvif/device_service", "<tds:GetSystemDateAndTime/>");
    faults.push(r.body);
    expect(r.status).toBe(500);
    expect(pickAll(r.body, "Value")).toContain("ter:OutofMemory");
  });

  it("faults validate against the schemas", () => {
    expect(validateOnvif(faults).filter((v) => !v.ok)).toEqual([]);
  });
});

describe("hostile answers", () => {
  it("malformed: the answer is not well-formed XML", async () => {
    const r = await odd.call("/onvif/recording", "<trc:GetRecordingJobs/>");
    expect(r.status).toBe(200);
    expect(XMLValidator.validate(r.body)).not.toBe(true);
  });

  it("entityBomb: the answer carries a billion-laughs DOCTYPE", async () => {
    const r = await odd.call("/onvif/device_service", "<tds:GetDeviceInformation/>");
    expect(r.body).toMatch(/<!DOCTYPE[^[]*\[<!ENTITY lol0 "lol">/);
    expect(r.body).toContain(`<!ENTITY lol9 "${"&lol8;".repeat(10)}">`);
    expect(r.body).toContain("&lol9;");
    expect(r.body.length).toBeLessThan(5000);
  });

  it("xxe: the answer names file:///etc/passwd as an external entity", async () => {
    const r = await odd.call("/onvif/media", "<trt:GetProfiles/>");
    expect(r.body).toContain('<!ENTITY xxe SYSTEM "file:///etc/passwd">');
    expect(r.body).toContain("<trt:GetProfilesResponse");
    expect(r.body).toContain("&xxe;");
  });

  it("oversized: streams at least 50 MB", async () => {
    const url = new URL(`${odd.base}/onvif/recording`);
    const { wsseHeader } = await import("./soapClient.ts");
    const body = soap(
      "<trc:GetRecordings/>",
      wsseHeader({ username: "admin", password: "admin123", offsetMs: odd.offsetMs }),
    );
    const { bytes, head } = await new Promise<{ bytes: number; head: string }>((resolve, reject) => {
      const req = request(
        url,
        { method: "POST", headers: { "Content-Type": "application/soap+xml" } },
        (res) => {
          let bytes = 0;
          let head = "";
          res.on("data", (c: Buffer) => {
            if (head.length < 2000) head += c.toString("utf8");
            bytes += c.length;
          });
          res.on("end", () => resolve({ bytes, head }));
          res.on("error", reject);
        },
      );
      req.on("error", reject);
      req.end(body);
    });
    expect(bytes).toBeGreaterThanOrEqual(50 * 1024 * 1024);
    expect(head).toMatch(/^<\?xml[^>]*>\s*<s:Envelope[\s\S]*<trc:GetRecordingsResponse/);
  });

  it("slowMs delays the answer", async () => {
    const started = performance.now();
    const r = await odd.call("/onvif/media", "<trt:GetVideoSources/>");
    expect(r.status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
  });
});

describe("hostile and broken requests", () => {
  it("refuses a DOCTYPE in a request without expanding it", async () => {
    const bomb =
      `<?xml version="1.0"?><!DOCTYPE s:Envelope [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>` +
      soap("<tds:GetSystemDateAndTime/>").replace(/^<\?xml[^>]*>/, "");
    const r = await post(`${strict}/onvif/device_service`, bomb);
    faults.push(r.body);
    expect(r.status).toBe(400);
    expect(pickAll(r.body, "Value")).toEqual(["s:Sender", "ter:WellFormed"]);
  });

  it("answers ter:WellFormed to broken XML and 413 to a huge request", async () => {
    const broken = await post(`${strict}/onvif/device_service`, "<s:Envelope><s:Body>");
    expect(broken.status).toBe(400);
    expect(pickAll(broken.body, "Value")).toContain("ter:WellFormed");
    // Where Digest is allowed, an unauthenticated request gets the challenge first (curl sends an empty body).
    expect((await post(`${odd.base}/onvif/device_service`, "")).status).toBe(401);
    const big = await post(`${strict}/onvif/device_service`, `<x>${"a".repeat(2 * 1024 * 1024)}</x>`);
    expect(big.status).toBe(413);
  });

  it("404 for an unknown path, 405 for GET on a service", async () => {
    const get = (path: string): Promise<number> =>
      new Promise((resolve, reject) => {
        request(`${odd.base}${path}`, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        })
          .on("error", reject)
          .end();
      });
    expect(await get("/onvif/nothing")).toBe(404);
    expect(await get("/onvif/device_service")).toBe(405);
  });
});

describe("reachability", () => {
  it("an unreachable device resets connections until it is reachable again", async () => {
    sim.device("odd").setDevice({ reachable: false });
    const error = await new Promise<string>((resolve) => {
      const s = connect(Number(new URL(odd.base).port), "127.0.0.1");
      s.on("error", (e) => resolve(e.message));
      s.on("close", () => resolve("closed"));
      s.write("POST / HTTP/1.1\r\nHost: x\r\n\r\n");
    });
    expect(error).toMatch(/closed|ECONNRESET|EPIPE/);
    sim.device("odd").setDevice({ reachable: true });
    expect((await odd.anonymous("/onvif/device_service", "<tds:GetSystemDateAndTime/>")).status).toBe(200);
  });
});

describe("hang", () => {
  it("accepts the request, never answers, and stop() still returns promptly", async () => {
    const own = await startSimulator(
      parseScenario(
        { devices: [{ id: "hung", operations: { GetProfiles: { hang: true } }, channels: { count: 1 } }] },
        "hang",
      ),
    );
    const base = `http://127.0.0.1:${own.devices[0]?.port ?? 0}`;
    const pending = post(`${base}/onvif/media`, soap("<trt:GetProfiles/>")).then(
      () => "answered",
      (e: Error) => `failed: ${e.message}`,
    );
    // Wait until the device has the request (counted), then check nothing came back.
    for (
      let i = 0;
      i < 200 && (own.device("hung").state().requests.byOperation["GetProfiles"] ?? 0) === 0;
      i++
    ) {
      await new Promise((r) => setImmediate(r));
    }
    expect(own.device("hung").state().requests.byOperation["GetProfiles"]).toBe(1);
    const early = await Promise.race([
      pending,
      new Promise((r) => setTimeout(() => r("still waiting"), 200)),
    ]);
    expect(early).toBe("still waiting");
    const started = performance.now();
    await own.stop();
    expect(performance.now() - started).toBeLessThan(1000);
    expect(await pending).toMatch(/^failed: /);
  });
});
