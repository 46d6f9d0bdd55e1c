import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DeviceState } from "../../src/simulator/device.ts";
import { parseScenario } from "../../src/simulator/scenario.ts";
import { startSimulator, type RunningSimulator } from "../../src/simulator/server.ts";
import { TestDevice, pick, pickAll } from "./soapClient.ts";

const START = Date.parse("2026-03-02T03:00:00Z");
const HOUR = 3_600_000;
let t = START;

let sim: RunningSimulator;
let nvr: TestDevice;

const iso = (ms: number): string => new Date(ms).toISOString().replace(".000Z", "Z");

async function json(url: string, body?: unknown): Promise<{ status: number; value: unknown }> {
  const r = await fetch(url, body === undefined ? {} : { method: "POST", body: JSON.stringify(body) });
  return { status: r.status, value: await r.json() };
}

beforeAll(async () => {
  sim = await startSimulator(parseScenario({ devices: [{ id: "nvr", channels: { count: 3 } }] }, "control"), {
    now: () => t,
  });
  nvr = new TestDevice(`http://127.0.0.1:${sim.devices[0]?.port ?? 0}`, "admin", "admin123");
  await nvr.syncClock();
});

afterAll(async () => {
  await sim.stop();
});

// The tests move the fake clock, so each call re-learns the device clock before signing.
async function jobState(n: number): Promise<string | null> {
  await nvr.syncClock();
  const r = await nvr.call(
    "/onvif/recording",
    `<trc:GetRecordingJobState><trc:JobToken>RecordingJob_${n}</trc:JobToken></trc:GetRecordingJobState>`,
  );
  return pick(r.body, "State");
}

async function info(n: number): Promise<string> {
  await nvr.syncClock();
  const r = await nvr.call(
    "/onvif/search",
    `<tse:GetRecordingInformation><tse:RecordingToken>RecordingToken_${n}</tse:RecordingToken></tse:GetRecordingInformation>`,
  );
  return r.body;
}

describe("HTTP control on the device port", () => {
  it("GET /sim/state tells the device without its password", async () => {
    const { status, value } = await json(`${nvr.base}/sim/state`);
    expect(status).toBe(200);
    const st = value as DeviceState;
    expect(st.id).toBe("nvr");
    expect(st.channels).toHaveLength(3);
    expect(JSON.stringify(st)).not.toContain("admin123");
  });

  it("POST /sim/channels/:n takes a JSON patch; offline channels leave GetProfiles", async () => {
    expect((await json(`${nvr.base}/sim/channels/2`, { online: false })).status).toBe(200);
    const profiles = (await nvr.call("/onvif/media", "<trt:GetProfiles/>")).body;
    expect(profiles).not.toContain("ProfileToken_2");
    expect(profiles).toContain("ProfileToken_3");
    await json(`${nvr.base}/sim/channels/2`, { online: true });
  });

  it("rejects a bad patch, naming the key", async () => {
    const r = await json(`${nvr.base}/sim/channels/1`, { jobState: "Sleeping" });
    expect(r.status).toBe(400);
    expect((r.value as { error: string }).error).toMatch(/channels\.1\.jobState: expected one of/);
    expect((await json(`${nvr.base}/sim/channels/9`, {})).status).toBe(400);
  });

  it("POST /sim/device switches Profile G off", async () => {
    await json(`${nvr.base}/sim/device`, { profileG: false });
    const services = (
      await nvr.anonymous(
        "/onvif/device_service",
        "<tds:GetServices><tds:IncludeCapability>false</tds:IncludeCapability></tds:GetServices>",
      )
    ).body;
    expect(pickAll(services, "Namespace")).not.toContain("http://www.onvif.org/ver10/recording/wsdl");
    expect((await nvr.call("/onvif/recording", "<trc:GetRecordings/>")).status).toBe(500);
    await json(`${nvr.base}/sim/device`, { profileG: true });
    expect((await nvr.call("/onvif/recording", "<trc:GetRecordings/>")).status).toBe(200);
  });
});

describe("simulator-wide control listener", () => {
  it("GET /sim/state lists the devices; POST /sim/devices/:id/channels/:n patches one", async () => {
    const st = (await json(`${sim.controlUrl}/sim/state`)).value as { devices: DeviceState[] };
    expect(st.devices.map((d) => d.id)).toEqual(["nvr"]);
    await json(`${sim.controlUrl}/sim/devices/nvr/channels/3`, { jobState: "Error" });
    expect(await jobState(3)).toBe("Error");
    await json(`${sim.controlUrl}/sim/devices/nvr/channels/3`, { jobState: null });
    expect(await jobState(3)).toBe("Active");
    expect((await json(`${sim.controlUrl}/sim/devices/nope`, {})).status).toBe(404);
  });

  it("a device made unreachable can be brought back from the control listener", async () => {
    await json(`${sim.controlUrl}/sim/devices/nvr`, { reachable: false });
    await expect(nvr.anonymous("/onvif/device_service", "<tds:GetSystemDateAndTime/>")).rejects.toThrow();
    await json(`${sim.controlUrl}/sim/devices/nvr`, { reachable: true });
    expect((await nvr.anonymous("/onvif/device_service", "<tds:GetSystemDateAndTime/>")).status).toBe(200);
  });
});

describe("history follows runtime changes", () => {
  it("a job stopped for an hour leaves a gap and a Stopped status meanwhile", async () => {
    const dev = sim.device("nvr");
    dev.setChannel(1, { jobMode: "Idle" });
    expect(pick(await info(1), "RecordingStatus")).toBe("Stopped");
    t += HOUR;
    expect(pick(await info(1), "DataTo")).toBe(iso(START));
    dev.setChannel(1, { jobMode: "Active" });
    t += 60_000;
    const after = await info(1);
    expect(pick(after, "DataTo")).toBe(iso(t));
    expect(pick(after, "RecordingStatus")).toBe("Recording");

    await nvr.syncClock();
    const find = await nvr.call(
      "/onvif/search",
      `<tse:FindEvents><tse:StartPoint>${iso(START - HOUR)}</tse:StartPoint><tse:Scope><tt:IncludedRecordings>RecordingToken_1</tt:IncludedRecordings></tse:Scope>` +
        `<tse:SearchFilter><wsnt:TopicExpression Dialect="http://www.onvif.org/ver10/tev/topicExpression/ConcreteSet">tns1:RecordingHistory//.</wsnt:TopicExpression></tse:SearchFilter>` +
        `<tse:IncludeStartState>false</tse:IncludeStartState><tse:KeepAliveTime>PT10S</tse:KeepAliveTime></tse:FindEvents>`,
    );
    const token = pick(find.body, "SearchToken") ?? "";
    const results = (
      await nvr.call(
        "/onvif/search",
        `<tse:GetEventSearchResults><tse:SearchToken>${token}</tse:SearchToken></tse:GetEventSearchResults>`,
      )
    ).body;
    expect(results).toMatch(new RegExp(`<tt:Time>${iso(START)}</tt:Time>.*?IsDataPresent" Value="false"`));
    expect(results).toMatch(
      new RegExp(`<tt:Time>${iso(START + HOUR)}</tt:Time>.*?IsDataPresent" Value="true"`),
    );
    expect(results).toMatch(new RegExp(`<tt:Time>${iso(START)}</tt:Time>.*?IsRecording" Value="false"`));
  });

  it("stalledSinceSeconds freezes the newest data while the job stays Active", async () => {
    sim.device("nvr").setChannel(2, { stalledSinceSeconds: 900 });
    expect(pick(await info(2), "DataTo")).toBe(iso(t - 900_000));
    expect(await jobState(2)).toBe("Active");
    sim.device("nvr").setChannel(2, { stalledSinceSeconds: null });
    expect(pick(await info(2), "DataTo")).toBe(iso(t));
  });

  it("clock patches move the device clock; clockStartsAt gives an absurd year", async () => {
    const dev = sim.device("nvr");
    dev.setDevice({ clockDriftSeconds: 3600 });
    expect(dev.state().clock.offsetSeconds).toBe(3600);
    dev.setDevice({ clockStartsAt: "2009-01-01T00:00:00Z" });
    const r = await nvr.anonymous("/onvif/device_service", "<tds:GetSystemDateAndTime/>");
    expect(pick(r.body, "Year")).toBe("2009");
    dev.setDevice({ clockStartsAt: null, clockDriftSeconds: 0 });
    expect(dev.state().clock.offsetSeconds).toBe(0);
  });

  it("resetCounters zeroes the request counts", async () => {
    const dev = sim.device("nvr");
    expect(dev.state().requests.total).toBeGreaterThan(0);
    dev.resetCounters();
    expect(dev.state().requests.total).toBe(0);
    await nvr.call("/onvif/media", "<trt:GetProfiles/>");
    expect(dev.state().requests.byOperation).toEqual({ GetProfiles: 1 });
  });
});
