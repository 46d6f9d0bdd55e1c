import { execFile } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { validateOnvif } from "../helpers/validateOnvif.ts";
import { parseScenario } from "../../src/simulator/scenario.ts";
import { startSimulator, type RunningSimulator } from "../../src/simulator/server.ts";
import { TestDevice, pickAll, post, soap, wsseHeader, type HttpAnswer } from "./soapClient.ts";

const run = promisify(execFile);
const START = Date.parse("2026-03-02T03:00:00Z");
let t = START;

const scenario = parseScenario(
  {
    devices: [
      { id: "either", password: "s3cret", channels: { count: 1 } },
      { id: "wsse", auth: "wsse", password: "s3cret", clockDriftSeconds: 600, channels: { count: 1 } },
      { id: "digest", auth: "digest", password: "s3cret", channels: { count: 1 } },
      { id: "md5", auth: "digest", digestAlgorithms: ["MD5"], password: "s3cret", channels: { count: 1 } },
    ],
  },
  "auth.test",
);

let sim: RunningSimulator;
const base: Record<string, string> = {};
const faults: string[] = [];
const INFO = "<tds:GetDeviceInformation/>";
const PATH = "/onvif/device_service";

const dev = (id: string, offsetMs = 0): TestDevice =>
  new TestDevice(base[id] ?? "", "admin", "s3cret", offsetMs);
const subcodes = (xml: string): string[] => pickAll(xml, "Value");

beforeAll(async () => {
  sim = await startSimulator(scenario, { now: () => t });
  for (const d of sim.devices) base[d.id] = `http://127.0.0.1:${d.port}`;
});

afterAll(async () => {
  await sim.stop();
});

describe("WS-UsernameToken", () => {
  it("accepts a right PasswordDigest and rejects a wrong one", async () => {
    const offset = START - Date.now();
    expect((await dev("either", offset).call(PATH, INFO)).status).toBe(200);
    const bad = await new TestDevice(base["wsse"] ?? "", "admin", "wrong", offset + 600_000).call(PATH, INFO);
    faults.push(bad.body);
    expect(bad.status).toBe(400);
    expect(subcodes(bad.body)).toEqual(["s:Sender", "ter:NotAuthorized"]);
    expect(bad.headers["www-authenticate"]).toBeUndefined();
  });

  it("checks Created against the DEVICE clock (drift included), ±5 minutes", async () => {
    const ours = START - Date.now();
    const drifted = dev("wsse", ours); // signed on the monitor's clock, 10 minutes behind the device
    const r = await drifted.call(PATH, INFO);
    faults.push(r.body);
    expect(r.status).toBe(400);
    const synced = dev("wsse");
    await synced.syncClock();
    expect((await synced.call(PATH, INFO)).status).toBe(200);
    const justInside = await synced.call(PATH, INFO, { offsetMs: synced.offsetMs + 290_000 });
    expect(justInside.status).toBe(200);
    const outside = await synced.call(PATH, INFO, { offsetMs: synced.offsetMs - 310_000 });
    expect(outside.status).toBe(400);
  });

  it("rejects a replayed nonce", async () => {
    const d = dev("either", START - Date.now());
    const nonce = randomBytes(16);
    const created = new Date(START).toISOString();
    expect((await d.call(PATH, INFO, { nonce, created })).status).toBe(200);
    const again = await d.call(PATH, INFO, { nonce, created });
    expect(again.status).toBe(401);
    expect(subcodes(again.body)).toContain("ter:NotAuthorized");
  });

  it("rejects PasswordText and a token without nonce", async () => {
    const text = wsseHeader({
      username: "admin",
      password: "s3cret",
      created: new Date(START).toISOString(),
    }).replace("#PasswordDigest", "#PasswordText");
    expect((await post(`${base["wsse"]}${PATH}`, soap(INFO, text))).status).toBe(400);
    const noNonce = wsseHeader({
      username: "admin",
      password: "s3cret",
      created: new Date(START + 600_000).toISOString(),
    }).replace(/<wsse:Nonce[^>]*>[^<]*<\/wsse:Nonce>/, "");
    expect((await post(`${base["wsse"]}${PATH}`, soap(INFO, noNonce))).status).toBe(400);
  });

  it("lets PRE_AUTH operations through without credentials, and nothing else", async () => {
    const d = dev("wsse");
    for (const [path, body] of [
      [PATH, "<tds:GetSystemDateAndTime/>"],
      [PATH, "<tds:GetServices><tds:IncludeCapability>false</tds:IncludeCapability></tds:GetServices>"],
      [PATH, "<tds:GetCapabilities/>"],
      ["/onvif/recording", "<trc:GetServiceCapabilities/>"],
    ] as const) {
      expect((await d.anonymous(path, body)).status, body).toBe(200);
    }
    const denied = await d.anonymous("/onvif/recording", "<trc:GetRecordings/>");
    faults.push(denied.body);
    expect(denied.status).toBe(400);
    expect(subcodes(denied.body)).toEqual(["s:Sender", "ter:NotAuthorized"]);
  });

  it("counts authentication failures", () => {
    expect(sim.device("wsse").state().requests.authFailures).toBeGreaterThanOrEqual(4);
  });
});

describe("HTTP Digest", () => {
  it("challenges with SHA-256 and MD5 (401) when no credentials come, with a NotAuthorized fault body", async () => {
    const r = await dev("either").anonymous(PATH, INFO);
    faults.push(r.body);
    expect(r.status).toBe(401);
    const challenges = r.all("www-authenticate");
    expect(challenges).toHaveLength(2);
    expect(challenges[0]).toMatch(
      /^Digest realm="[^"]+", qop="auth", algorithm=SHA-256, nonce="[^"]+", opaque="[^"]+"$/,
    );
    expect(challenges[1]).toMatch(/algorithm=MD5/);
  });

  it("a digest-only device ignores WS-UsernameToken", async () => {
    const r = await dev("digest", START - Date.now()).call(PATH, INFO);
    expect(r.status).toBe(401);
  });

  it("works with curl --digest (an independent client), MD5", async () => {
    const args = (user: string): string[] => [
      "-s",
      "-o",
      "/dev/null",
      "-w",
      "%{http_code}",
      "--digest",
      "-u",
      user,
      "-H",
      "Content-Type: application/soap+xml; charset=utf-8",
      "--data-binary",
      soap(INFO),
      `${base["md5"]}${PATH}`,
    ];
    expect((await run("curl", args("admin:s3cret"))).stdout).toBe("200");
    expect((await run("curl", args("admin:wrong"))).stdout).toBe("401");
  });

  it("works with curl --digest when SHA-256 is offered first", async () => {
    const out = await run("curl", [
      "-s",
      "-w",
      "\n%{http_code}",
      "--digest",
      "-u",
      "admin:s3cret",
      "-H",
      "Content-Type: application/soap+xml; charset=utf-8",
      "--data-binary",
      soap(INFO),
      `${base["digest"]}${PATH}`,
    ]);
    expect(out.stdout.trim().split("\n").pop()).toBe("200");
    expect(out.stdout).toContain("<tds:Manufacturer>");
  });

  describe("by hand (RFC 7616)", () => {
    const challenge = async (id: string): Promise<Record<string, string>[]> => {
      const r = await dev(id).anonymous(PATH, INFO);
      const values = r.all("www-authenticate");
      return values.map((v) =>
        Object.fromEntries(
          [...v.matchAll(/(\w+)="?([^",]+)"?/g)].map((m): [string, string] => [m[1] ?? "", m[2] ?? ""]),
        ),
      );
    };
    const answer = (
      c: Record<string, string>,
      alg: "MD5" | "SHA-256",
      nc: string,
      password = "s3cret",
    ): string => {
      const h = (s: string): string =>
        createHash(alg === "MD5" ? "md5" : "sha256")
          .update(s)
          .digest("hex");
      const cnonce = randomBytes(8).toString("hex");
      const ha1 = h(`admin:${c["realm"]}:${password}`);
      const ha2 = h(`POST:${PATH}`);
      const response = h(`${ha1}:${c["nonce"]}:${nc}:${cnonce}:auth:${ha2}`);
      return `Digest username="admin", realm="${c["realm"]}", nonce="${c["nonce"]}", uri="${PATH}", algorithm=${alg}, response="${response}", qop=auth, nc=${nc}, cnonce="${cnonce}", opaque="${c["opaque"]}"`;
    };
    const send = (id: string, authorization: string): Promise<HttpAnswer> =>
      post(`${base[id]}${PATH}`, soap(INFO), { Authorization: authorization });

    it("accepts SHA-256, then rejects a repeated nc (replay)", async () => {
      const [sha] = await challenge("digest");
      expect(sha?.["algorithm"]).toBe("SHA-256");
      expect((await send("digest", answer(sha ?? {}, "SHA-256", "00000001"))).status).toBe(200);
      expect((await send("digest", answer(sha ?? {}, "SHA-256", "00000002"))).status).toBe(200);
      expect((await send("digest", answer(sha ?? {}, "SHA-256", "00000002"))).status).toBe(401);
    });

    it("answers stale=true for an expired nonce with the right password", async () => {
      const [sha] = await challenge("digest");
      t += 6 * 60_000;
      const r = await send("digest", answer(sha ?? {}, "SHA-256", "00000001"));
      t = START;
      expect(r.status).toBe(401);
      expect(r.all("www-authenticate")[0]).toContain("stale=true");
      const wrong = await send("digest", answer(sha ?? {}, "SHA-256", "00000001", "nope"));
      expect(wrong.all("www-authenticate")[0]).not.toContain("stale=true");
    });

    it("refuses an algorithm the device did not offer", async () => {
      const [md5] = await challenge("md5");
      expect((await send("md5", answer(md5 ?? {}, "MD5", "00000001"))).status).toBe(200);
      expect((await send("md5", answer(md5 ?? {}, "SHA-256", "00000002"))).status).toBe(401);
    });
  });
});

describe("auth faults", () => {
  it("validate against the ONVIF schemas", () => {
    expect(faults.length).toBeGreaterThanOrEqual(4);
    const bad = validateOnvif(faults).filter((r) => !r.ok);
    expect(bad.map((r) => r.output)).toEqual([]);
  });
});
