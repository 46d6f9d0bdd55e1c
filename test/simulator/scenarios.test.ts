import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ROOT } from "../helpers/paths.ts";
import { validateOnvif } from "../helpers/validateOnvif.ts";
import { demoScenario, loadScenarioFile } from "../../src/simulator/scenario.ts";
import { startSimulator, type RunningSimulator } from "../../src/simulator/server.ts";
import { TestDevice, pick, pickAll } from "./soapClient.ts";

/** Sweeps the read operations a compliance check uses over the shipped scenarios and validates every answer. */
async function sweep(d: TestDevice): Promise<string[]> {
  const out: string[] = [];
  const call = async (path: string, body: string): Promise<string> => {
    const r = await d.call(path, body);
    out.push(r.body);
    return r.body;
  };
  await d.syncClock();
  await call("/onvif/device_service", "<tds:GetSystemDateAndTime/>");
  await call("/onvif/device_service", "<tds:GetDeviceInformation/>");
  const services = await call(
    "/onvif/device_service",
    "<tds:GetServices><tds:IncludeCapability>true</tds:IncludeCapability></tds:GetServices>",
  );
  const has = (ns: string): boolean => pickAll(services, "Namespace").includes(ns);
  const profiles = await call("/onvif/media", "<trt:GetProfiles/>");
  for (const token of [...profiles.matchAll(/<trt:Profiles token="([^"]+)"/g)].map((m) => m[1] ?? "")) {
    await call(
      "/onvif/media",
      `<trt:GetStreamUri><trt:StreamSetup><tt:Stream>RTP-Unicast</tt:Stream><tt:Transport><tt:Protocol>RTSP</tt:Protocol></tt:Transport></trt:StreamSetup><trt:ProfileToken>${token}</trt:ProfileToken></trt:GetStreamUri>`,
    );
  }
  if (has("http://www.onvif.org/ver20/analytics/wsdl")) {
    for (const token of new Set(
      [...profiles.matchAll(/<tt:VideoAnalyticsConfiguration token="([^"]+)"/g)].map((m) => m[1]),
    )) {
      await call(
        "/onvif/analytics",
        `<tan:GetRules><tan:ConfigurationToken>${token}</tan:ConfigurationToken></tan:GetRules>`,
      );
    }
  }
  if (has("http://www.onvif.org/ver10/recording/wsdl")) {
    await call("/onvif/recording", "<trc:GetRecordings/>");
    const jobs = await call("/onvif/recording", "<trc:GetRecordingJobs/>");
    for (const job of pickAll(jobs, "JobToken")) {
      await call(
        "/onvif/recording",
        `<trc:GetRecordingJobState><trc:JobToken>${job}</trc:JobToken></trc:GetRecordingJobState>`,
      );
    }
    for (const s of new Set([...jobs.matchAll(/ScheduleToken="([^"]+)"/g)].map((m) => m[1]))) {
      await call("/onvif/schedule", `<tsc:GetSchedules><tsc:Token>${s}</tsc:Token></tsc:GetSchedules>`);
    }
    await call("/onvif/search", "<tse:GetRecordingSummary/>");
    const find = await call(
      "/onvif/search",
      `<tse:FindEvents><tse:StartPoint>2000-01-01T00:00:00Z</tse:StartPoint><tse:Scope/><tse:SearchFilter/><tse:IncludeStartState>true</tse:IncludeStartState><tse:KeepAliveTime>PT10S</tse:KeepAliveTime></tse:FindEvents>`,
    );
    const token = pick(find, "SearchToken") ?? "";
    for (let i = 0; i < 50; i++) {
      const page = await call(
        "/onvif/search",
        `<tse:GetEventSearchResults><tse:SearchToken>${token}</tse:SearchToken><tse:MaxResults>100</tse:MaxResults></tse:GetEventSearchResults>`,
      );
      if (pick(page, "SearchState") === "Completed") break;
    }
    await call("/onvif/search", `<tse:EndSearch><tse:SearchToken>${token}</tse:SearchToken></tse:EndSearch>`);
  }
  if (has("http://www.onvif.org/ver10/events/wsdl")) {
    const sub = await call("/onvif/events", "<tev:CreatePullPointSubscription/>");
    const path = new URL(pick(sub, "Address") ?? "http://x/").pathname;
    await call(
      path,
      "<tev:PullMessages><tev:Timeout>PT0S</tev:Timeout><tev:MessageLimit>100</tev:MessageLimit></tev:PullMessages>",
    );
    await call(path, "<wsnt:Unsubscribe/>");
  }
  return out;
}

for (const [name, load] of [
  ["demoScenario()", demoScenario],
  ["scenarios/troubled.yaml", () => loadScenarioFile(join(ROOT, "src/simulator/scenarios/troubled.yaml"))],
] as const) {
  describe(`scenario ${name}`, () => {
    let sim: RunningSimulator;
    beforeAll(async () => {
      sim = await startSimulator(load());
    });
    afterAll(async () => {
      await sim.stop();
    });

    it("answers every read operation of a check with schema-valid XML", async () => {
      const answers: string[] = [];
      for (const dev of load().devices) {
        const port = sim.devices.find((d) => d.id === dev.id)?.port ?? 0;
        answers.push(
          ...(await sweep(new TestDevice(`http://127.0.0.1:${port}`, dev.username, dev.password))),
        );
      }
      expect(answers.length).toBeGreaterThan(20);
      expect(answers.every((a) => !a.includes("<s:Fault>"))).toBe(true);
      const bad = validateOnvif(answers).filter((r) => !r.ok);
      expect(bad.map((r) => r.output)).toEqual([]);
    });
  });
}
