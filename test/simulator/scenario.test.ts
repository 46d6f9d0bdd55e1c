import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { ROOT } from "../helpers/paths.ts";
import {
  demoScenario,
  loadScenarioFile,
  parseChannelPatch,
  parseDevicePatch,
  ScenarioError,
} from "../../src/simulator/scenario.ts";

const dir = mkdtempSync(join(tmpdir(), "nw-scenario-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe("demoScenario", () => {
  it("is one NVR with 8 healthy channels holding 120 days, recording round the clock", () => {
    const s = demoScenario();
    expect(s.devices).toHaveLength(1);
    const [nvr] = s.devices;
    expect(nvr?.channels).toHaveLength(8);
    for (const c of nvr?.channels ?? []) {
      expect(c).toMatchObject({
        online: true,
        signalLoss: false,
        jobMode: "Active",
        jobState: null,
        eventOnly: false,
      });
      expect(c.earliestDataAgeDays).toBe(120);
      expect(c.scheduleToken).toBe("Schedule_24x7");
      expect(c.gaps).toEqual([]);
    }
    expect(nvr?.profileG).toBe(true);
    expect(nvr?.port).toBe(0);
  });
});

describe("loadScenarioFile", () => {
  it("loads every example scenario shipped in src/simulator/scenarios", () => {
    const folder = join(ROOT, "src/simulator/scenarios");
    const names = readdirSync(folder).filter((f) => f.endsWith(".yaml"));
    expect(names.length).toBeGreaterThan(0);
    for (const n of names) expect(loadScenarioFile(join(folder, n)).devices.length).toBeGreaterThan(0);
  });

  it("ships a troubled nursery with picture problems and a demo whose pictures are all healthy", () => {
    const troubled = loadScenarioFile(join(ROOT, "src/simulator/scenarios/troubled.yaml"));
    const channels = troubled.devices[0]?.channels ?? [];
    expect(new Set(channels.map((c) => c.picture))).toEqual(
      new Set(["moving", "black", "frozen", "changed", "dark"]),
    );
    expect(new Set(channels.map((c) => c.stream))).toEqual(new Set(["ok", "refused", "stopping"]));
    for (const demo of [demoScenario(), loadScenarioFile(join(ROOT, "src/simulator/scenarios/demo.yaml"))]) {
      expect(
        demo.devices.flatMap((d) => d.channels).every((c) => c.picture === "moving" && c.stream === "ok"),
      ).toBe(true);
    }
  });

  it("applies defaults, then channel defaults, then per-channel overrides", () => {
    const s = loadScenarioFile(
      file(
        "ok.yaml",
        `devices:
  - id: nvr1
    auth: digest
    clockStartsAt: 2009-01-01T00:00:00Z
    faults: { GetRecordingJobState: NotAuthorized }
    operations:
      GetRecordings: { slowMs: 250 }
      GetRecordingJobState: { slowMs: 10 }
    channels:
      count: 4
      defaults: { earliestDataAgeDays: 95 }
      overrides:
        2: { online: false }
        3: { earliestDataAgeDays: "1970", gaps: [{ startAgeHours: 30, endAgeHours: 29.5 }] }
`,
      ),
    );
    expect(s.name).toBe("ok");
    const d = s.devices[0];
    expect(d?.auth).toBe("digest");
    expect(d?.clockStartsAt).toBe("2009-01-01T00:00:00.000Z");
    expect(d?.operations["GetRecordingJobState"]).toEqual({ slowMs: 10, fault: "NotAuthorized" });
    expect(d?.operations["GetRecordings"]).toEqual({ slowMs: 250 });
    expect(d?.channels.map((c) => c.online)).toEqual([true, false, true, true]);
    expect(d?.channels.map((c) => c.earliestDataAgeDays)).toEqual([95, 95, "1970", 95]);
    expect(d?.channels[2]?.gaps).toEqual([{ startAgeHours: 30, endAgeHours: 29.5 }]);
  });

  it("gives every channel a healthy live picture and a free RTSP port unless told otherwise", () => {
    const s = loadScenarioFile(
      file(
        "video.yaml",
        `devices:
  - id: nvr1
    rtspPort: 8554
    channels:
      count: 3
      overrides:
        2: { picture: dark, encoding: H265 }
        3: { picture: frozen, stream: stopping, stopAfterSeconds: 2.5 }
`,
      ),
    );
    const d = s.devices[0];
    expect(d?.rtspPort).toBe(8554);
    expect(d?.channels.map((c) => [c.picture, c.stream, c.stopAfterSeconds, c.encoding])).toEqual([
      ["moving", "ok", 10, "H264"],
      ["dark", "ok", 10, "H265"],
      ["frozen", "stopping", 2.5, "H264"],
    ]);
    expect(demoScenario().devices[0]?.rtspPort).toBe(0);
  });

  it.each([
    [
      "unknown key",
      "devices:\n  - id: a\n    profileg: true\n",
      /bad\.yaml: devices\[0\]\.profileg: unknown key/,
    ],
    [
      "wrong type",
      "devices:\n  - id: a\n    port: http\n",
      /bad\.yaml: devices\[0\]\.port: expected a number/,
    ],
    [
      "bad enum",
      "devices:\n  - id: a\n    channels: { overrides: { 2: { jobMode: Running } } }\n",
      /bad\.yaml: devices\[0\]\.channels\.overrides\.2\.jobMode: expected one of Idle, Active/,
    ],
    [
      "no such channel",
      "devices:\n  - id: a\n    channels: { count: 2, overrides: { 5: {} } }\n",
      /channels\.overrides\.5: no channel 5/,
    ],
    ["missing id", "devices:\n  - port: 0\n", /bad\.yaml: devices\[0\]\.id: required/],
    ["duplicate id", "devices:\n  - id: a\n  - id: a\n", /devices\[1\]\.id: duplicate device id "a"/],
    [
      "bad duration",
      "devices:\n  - id: a\n    channels: { defaults: { maximumRetention: 30 days } }\n",
      /maximumRetention: "30 days" is not an xs:duration/,
    ],
    [
      "bad gap",
      "devices:\n  - id: a\n    channels: { defaults: { gaps: [{ startAgeHours: 1, endAgeHours: 2 }] } }\n",
      /gaps\[0\]\.endAgeHours/,
    ],
    [
      "unknown schedule",
      "devices:\n  - id: a\n    channels: { defaults: { scheduleToken: Nope } }\n",
      /scheduleToken: no schedule "Nope"/,
    ],
    [
      "bad fault",
      "devices:\n  - id: a\n    faults: { GetRecordings: Broken }\n",
      /devices\[0\]\.faults\.GetRecordings: expected one of NotAuthorized/,
    ],
    [
      "bad picture",
      "devices:\n  - id: a\n    channels: { overrides: { 1: { picture: blurry } } }\n",
      /channels\.overrides\.1\.picture: expected one of moving, black, frozen, dark, changed/,
    ],
    [
      "bad stream mode",
      "devices:\n  - id: a\n    channels: { defaults: { stream: flaky } }\n",
      /channels\.defaults\.stream: expected one of ok, refused, stopping/,
    ],
    [
      "negative stopAfterSeconds",
      "devices:\n  - id: a\n    channels: { defaults: { stopAfterSeconds: -1 } }\n",
      /stopAfterSeconds: must be at least 0/,
    ],
    [
      "RTSP port equal to the HTTP port",
      "devices:\n  - id: a\n    port: 8080\n    rtspPort: 8080\n",
      /devices\[0\]\.rtspPort: must differ from port/,
    ],
    [
      "RTSP port used by another device",
      "devices:\n  - id: a\n    port: 8080\n  - id: b\n    rtspPort: 8080\n",
      /devices\[1\]\.rtspPort: port 8080 used twice/,
    ],
    ["no devices", "name: x\n", /bad\.yaml: devices: expected a non-empty list/],
    ["not yaml", "devices: [\n", /bad\.yaml: not valid YAML/],
  ])("names the file and the key on error: %s", (_, text, message) => {
    const p = file("bad.yaml", text);
    expect(() => loadScenarioFile(p)).toThrow(ScenarioError);
    expect(() => loadScenarioFile(p)).toThrow(message);
  });

  it("names a missing file", () => {
    expect(() => loadScenarioFile(join(dir, "missing.yaml"))).toThrow(/missing\.yaml: cannot read/);
  });
});

describe("runtime patches", () => {
  it("validate like scenario keys", () => {
    expect(parseChannelPatch({ jobState: "Error", stalledSinceSeconds: 600 }, "p")).toEqual({
      jobState: "Error",
      stalledSinceSeconds: 600,
    });
    expect(() => parseChannelPatch({ jobState: "Broken" }, "p")).toThrow(/p\.jobState: expected one of/);
    expect(() => parseChannelPatch({ colour: "red" }, "p")).toThrow(/p\.colour: unknown key/);
    expect(parseDevicePatch({ reachable: false })).toEqual({ reachable: false });
    expect(() => parseDevicePatch({ port: 1 })).toThrow(/device\.port: unknown key/);
    expect(() => parseDevicePatch({ rtspPort: 1 })).toThrow(/device\.rtspPort: unknown key/);
    expect(parseChannelPatch({ picture: "black", stream: "refused" }, "p")).toEqual({
      picture: "black",
      stream: "refused",
    });
    expect(() => parseChannelPatch({ stream: "stopped" }, "p")).toThrow(/p\.stream: expected one of/);
  });
});
