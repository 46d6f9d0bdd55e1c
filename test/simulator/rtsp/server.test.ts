import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseScenario } from "../../../src/simulator/scenario.ts";
import { startSimulator, type RunningSimulator } from "../../../src/simulator/server.ts";
import { RtspTestClient, correlation, grabGray, rtspUrl, run, sampleFrames } from "../mediaClients.ts";
import { TestDevice, pick } from "../soapClient.ts";

/**
 * The simulated cameras' RTSP side, read by independent clients: ffprobe/ffmpeg for what a
 * monitor sees, and a bare RTSP client for status codes and headers.
 */
const cacheDir = mkdtempSync(join(tmpdir(), "nw-rtsp-cache-"));
const scenario = parseScenario(
  {
    devices: [
      {
        id: "nvr",
        streamsPerChannel: 2,
        channels: {
          count: 12,
          overrides: {
            2: { encoding: "H265" },
            3: { picture: "frozen" },
            4: { picture: "black" },
            5: { picture: "dark" },
            6: { picture: "changed" },
            7: { stream: "refused" },
            8: { stream: "stopping", stopAfterSeconds: 1 },
            9: { online: false },
            10: { picture: "frozen", encoding: "H265" },
          },
        },
      },
    ],
  },
  "rtsp.test",
);

let sim: RunningSimulator;
let port: number;
let startupCache: string[];

beforeAll(async () => {
  sim = await startSimulator(scenario, { videoCacheDir: cacheDir });
  port = sim.devices[0]!.rtspPort;
  startupCache = readdirSync(cacheDir);
});

afterAll(async () => {
  await sim.stop();
  rmSync(cacheDir, { recursive: true, force: true });
});

const uri = (n: number): string => `rtsp://127.0.0.1:${port}/Streaming/Channels/${n}`;
const nvr = (): ReturnType<RunningSimulator["device"]> => sim.device("nvr");

async function until(what: string, test: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

async function playing(
  n: number,
  creds = { user: "admin", pass: "admin123" },
): Promise<{ client: RtspTestClient; ssrc: string; info: string }> {
  const client = await RtspTestClient.connect(port, creds);
  const d = await client.request("DESCRIBE", uri(n), { Accept: "application/sdp" });
  expect(d.status).toBe(200);
  const s = await client.request("SETUP", `${uri(n)}/trackID=1`, {
    Transport: "RTP/AVP/TCP;unicast;interleaved=0-1",
  });
  expect(s.status).toBe(200);
  const session = (s.header("session") ?? "").split(";")[0]!;
  const p = await client.request("PLAY", uri(n), { Session: session, Range: "npt=0.000-" });
  expect(p.status).toBe(200);
  return {
    client,
    ssrc: /ssrc=([0-9A-F]+)/.exec(s.header("transport") ?? "")?.[1] ?? "",
    info: p.header("rtp-info") ?? "",
  };
}

describe("stream URIs and codecs", () => {
  it("makes no video at start-up; GetStreamUri leads to the RTSP port, where ffprobe finds 640x360 H.264", async () => {
    expect(startupCache).toEqual([]);
    const soap = new TestDevice(`http://127.0.0.1:${sim.devices[0]!.port}`, "admin", "admin123");
    await soap.syncClock();
    const r = await soap.call(
      "/onvif/media",
      `<trt:GetStreamUri><trt:StreamSetup><tt:Stream>RTP-Unicast</tt:Stream><tt:Transport><tt:Protocol>RTSP</tt:Protocol></tt:Transport></trt:StreamSetup><trt:ProfileToken>ProfileToken_1</trt:ProfileToken></trt:GetStreamUri>`,
    );
    const streamUri = pick(r.body, "Uri") ?? "";
    expect(streamUri).toBe(`rtsp://127.0.0.1:${port}/Streaming/Channels/101`);
    const probe = await run("ffprobe", [
      "-v",
      "error",
      "-rtsp_transport",
      "tcp",
      "-show_entries",
      "stream=codec_name,width,height",
      "-of",
      "json",
      streamUri.replace("rtsp://", "rtsp://admin:admin123@"),
    ]);
    expect(probe.code, probe.stderr).toBe(0);
    expect((JSON.parse(probe.stdout.toString()) as { streams: unknown }).streams).toEqual([
      { codec_name: "h264", width: 640, height: 360 },
    ]);
  });

  it("serves H.265 where the channel says so, and a client that tries UDP first falls back to TCP", async () => {
    const probe = await run("ffprobe", [
      "-v",
      "error",
      "-show_entries",
      "stream=codec_name,width,height",
      "-of",
      "json",
      rtspUrl(port, 202),
    ]);
    expect(probe.code, probe.stderr).toBe(0);
    expect((JSON.parse(probe.stdout.toString()) as { streams: unknown }).streams).toEqual([
      { codec_name: "hevc", width: 640, height: 360 },
    ]);
    expect(probe.stderr).toContain("461 Unsupported Transport");
  });
});

describe("pictures, as a decoder sees them", () => {
  let moving: Awaited<ReturnType<typeof sampleFrames>>;
  let moving2: Awaited<ReturnType<typeof sampleFrames>>;
  let frozen: Awaited<ReturnType<typeof sampleFrames>>;
  let frozen265: Awaited<ReturnType<typeof sampleFrames>>;
  let black: Awaited<ReturnType<typeof sampleFrames>>;
  let dark: Awaited<ReturnType<typeof sampleFrames>>;
  let changed: Awaited<ReturnType<typeof sampleFrames>>;
  let views: Buffer[][];
  const mean = (xs: number[]): number => xs.reduce((a, b) => a + b, 0) / xs.length;
  const consecutiveDiffer = (hs: string[]): boolean => hs.every((h, i) => i === 0 || h !== hs[i - 1]);

  beforeAll(async () => {
    // two clients on one channel at once, and a run past the 4 s clip so it loops
    [moving, moving2, frozen, frozen265, black, dark, changed] = await Promise.all([
      sampleFrames(rtspUrl(port, 101), 5),
      sampleFrames(rtspUrl(port, 101), 2),
      sampleFrames(rtspUrl(port, 301), 2),
      sampleFrames(rtspUrl(port, 1001), 2),
      sampleFrames(rtspUrl(port, 401), 2),
      sampleFrames(rtspUrl(port, 501), 2),
      sampleFrames(rtspUrl(port, 601), 2),
    ]);
    views = await Promise.all([101, 501, 601].map((n) => grabGray(rtspUrl(port, n), 16)));
  }, 30_000);

  it("every kind decodes cleanly at 10 fps with timestamps one frame apart, across the clip's loop too", () => {
    for (const s of [moving, moving2, frozen, frozen265, black, dark, changed]) {
      expect(s.result.code, s.result.stderr).toBe(0);
      expect(s.result.stderr).not.toMatch(/error|corrupt|non-existing PPS|no frame/i);
      expect(s.hashes.length).toBeGreaterThanOrEqual(18);
      expect(s.pts.every((p, i) => i === 0 || p === s.pts[i - 1]! + 1)).toBe(true);
    }
    expect(moving.hashes.length).toBeGreaterThanOrEqual(48);
  });

  it("moving: every frame differs from the one before (both clients)", () => {
    expect(consecutiveDiffer(moving.hashes)).toBe(true);
    expect(consecutiveDiffer(moving2.hashes)).toBe(true);
    expect(mean(moving.yavg)).toBeGreaterThan(80);
  });

  it("frozen: identical frames while the timestamps advance (H.264 and H.265)", () => {
    expect(new Set(frozen.hashes).size).toBe(1);
    expect(new Set(frozen265.hashes).size).toBe(1);
    expect(frozen.pts.at(-1)! - frozen.pts[0]!).toBeGreaterThanOrEqual(17);
  });

  it("black: black by blackdetect and by mean luma, yet not bit-identical frames", () => {
    expect(black.result.stderr).toMatch(/black_start:0/);
    expect(Math.max(...black.yavg)).toBeLessThan(20);
    expect(new Set(black.hashes).size).toBeGreaterThan(1);
  });

  it("dark: dim but not black, and alive (sensor noise: every frame differs)", () => {
    expect(dark.result.stderr).not.toMatch(/black_start/);
    expect(mean(dark.yavg)).toBeGreaterThan(25);
    expect(mean(dark.yavg)).toBeLessThan(60);
    expect(consecutiveDiffer(dark.hashes)).toBe(true);
  });

  it("changed: another scene by layout (dark is the same room by it), still alive", () => {
    const [room, night, away] = views.map((v) => v[15]!);
    // numbers for picture checks: same view 1.5 s apart ~0.97, the room at night ~0.99, turned away ~0.3
    expect(correlation(views[0]![0]!, room!)).toBeGreaterThan(0.9);
    expect(correlation(room!, night!)).toBeGreaterThan(0.9);
    expect(correlation(room!, away!)).toBeLessThan(0.6);
    expect(Math.abs(mean(changed.yavg) - mean(moving.yavg))).toBeGreaterThan(10);
    expect(consecutiveDiffer(changed.hashes)).toBe(true);
    expect(changed.result.stderr).not.toMatch(/black_start/);
  });
});

describe("RTSP protocol", () => {
  it("asks for MD5 Digest; a wrong password is 401 (ffprobe fails) and counted", async () => {
    const before = nvr().state().media.authFailures;
    const anon = await RtspTestClient.connect(port);
    expect((await anon.request("OPTIONS", uri(101))).status).toBe(200);
    const d = await anon.request("DESCRIBE", uri(101));
    expect(d.status).toBe(401);
    expect(d.header("www-authenticate")).toMatch(
      /^Digest realm="NVR\(nvr\)", qop="auth", algorithm=MD5, nonce="[^"]+", opaque="/,
    );
    anon.close();
    const wrong = await RtspTestClient.connect(port, { user: "admin", pass: "nope" });
    expect((await wrong.request("DESCRIBE", uri(101))).status).toBe(401);
    wrong.close();
    const probe = await run("ffprobe", [
      "-v",
      "error",
      "-rtsp_transport",
      "tcp",
      rtspUrl(port, 101, "admin", "wrong"),
    ]);
    expect(probe.code).not.toBe(0);
    expect(probe.stderr).toContain("401 Unauthorized");
    expect(nvr().state().media.authFailures).toBeGreaterThanOrEqual(before + 2);
  });

  it("answers SETUP for UDP with 461, then streams over TCP as SETUP and PLAY announced; TEARDOWN stops it", async () => {
    const c = await RtspTestClient.connect(port, { user: "admin", pass: "admin123" });
    const describe = await c.request("DESCRIBE", uri(101));
    expect(describe.header("content-type")).toBe("application/sdp");
    expect(describe.header("content-base")).toBe(`${uri(101)}/`);
    expect(describe.body).toMatch(/a=rtpmap:96 H264\/90000/);
    expect(describe.body).toMatch(
      /a=fmtp:96 packetization-mode=1;profile-level-id=4D[0-9A-F]{4};sprop-parameter-sets=Z[A-Za-z0-9+/=]+,a[A-Za-z0-9+/=]+/,
    );
    const udp = await c.request("SETUP", `${uri(101)}/trackID=1`, {
      Transport: "RTP/AVP;unicast;client_port=50000-50001",
    });
    expect(udp.status).toBe(461);
    const setup = await c.request("SETUP", `${uri(101)}/trackID=1`, {
      Transport: "RTP/AVP/TCP;unicast;interleaved=4-5",
    });
    expect(setup.status).toBe(200);
    expect(setup.header("transport")).toMatch(
      /^RTP\/AVP\/TCP;unicast;interleaved=4-5;ssrc=[0-9A-F]{8};mode="PLAY"$/,
    );
    const session = setup.header("session") ?? "";
    expect(session).toMatch(/^[0-9A-F]{16};timeout=60$/);
    const id = session.split(";")[0]!;
    expect((await c.request("PLAY", uri(101), { Session: "nope" })).status).toBe(454);
    const play = await c.request("PLAY", uri(101), { Session: id });
    expect(play.status).toBe(200);
    const info = /url=(\S+);seq=(\d+);rtptime=(\d+)/.exec(play.header("rtp-info") ?? "");
    expect(info?.[1]).toBe(`${uri(101)}/trackID=1`);
    await until("RTP packets", () => c.frames.filter((f) => f.channel === 4).length > 20);
    const rtp = c.frames.filter((f) => f.channel === 4).map((f) => f.data);
    expect(rtp[0]!.readUInt16BE(2)).toBe(Number(info?.[2]));
    expect(rtp[0]!.readUInt32BE(4)).toBe(Number(info?.[3]));
    expect(rtp[0]!.readUInt32BE(8).toString(16).toUpperCase().padStart(8, "0")).toBe(
      /ssrc=([0-9A-F]+)/.exec(setup.header("transport") ?? "")?.[1],
    );
    expect(
      rtp.every((p, i) => i === 0 || p.readUInt16BE(2) === ((rtp[i - 1]!.readUInt16BE(2) + 1) & 0xffff)),
    ).toBe(true);
    expect(c.frames.some((f) => f.channel === 5 && f.data[1] === 200)).toBe(true); // a sender report
    expect((await c.request("GET_PARAMETER", uri(101), { Session: id })).status).toBe(200);
    expect(
      nvr()
        .state()
        .media.sessions.some((s) => s.session === id && s.playing && s.framesSent > 0),
    ).toBe(true);
    expect((await c.request("TEARDOWN", uri(101), { Session: id })).status).toBe(200);
    const after = c.frames.length;
    expect((await c.request("GET_PARAMETER", uri(101))).status).toBe(200);
    expect(c.frames.length).toBe(after);
    expect(
      nvr()
        .state()
        .media.sessions.some((s) => s.session === id),
    ).toBe(false);
    c.close();
  });

  it("gives each client its own SSRC and sequence numbers", async () => {
    const [a, b] = await Promise.all([playing(101), playing(101)]);
    expect(a.ssrc).not.toBe(b.ssrc);
    expect(a.info).not.toBe(b.info);
    a.client.close();
    b.client.close();
    await until("sessions to end", () => nvr().state().media.sessions.length === 0);
  });

  it("answers 404 for a refused stream, an offline channel, a channel or stream that does not exist; ffmpeg fails", async () => {
    const c = await RtspTestClient.connect(port, { user: "admin", pass: "admin123" });
    for (const n of [701, 901, 9901, 103])
      expect((await c.request("DESCRIBE", uri(n))).status, `${n}`).toBe(404);
    expect(
      (await c.request("SETUP", `${uri(701)}/trackID=1`, { Transport: "RTP/AVP/TCP;interleaved=0-1" }))
        .status,
    ).toBe(404);
    c.close();
    const r = await run("ffmpeg", [
      "-v",
      "error",
      "-rtsp_transport",
      "tcp",
      "-i",
      rtspUrl(port, 701),
      "-t",
      "1",
      "-f",
      "null",
      "-",
    ]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain("404 Not Found");
  });

  it("stopping: RTP ceases after stopAfterSeconds while the session stays and keep-alives are answered", async () => {
    const { client } = await playing(801);
    const session = (): { framesSent: number; silent: boolean } | undefined =>
      nvr()
        .state()
        .media.sessions.find((s) => s.channel === 8);
    await until("the stream to go silent", () => session()?.silent === true, 4000);
    const sent = session()?.framesSent ?? 0;
    expect(sent).toBeGreaterThanOrEqual(5); // 10 at 10 fps; fewer only if this worker stalled
    expect(sent).toBeLessThanOrEqual(12);
    const rtpCount = client.frames.filter((f) => f.channel === 0).length;
    expect((await client.request("GET_PARAMETER", uri(801))).status).toBe(200);
    await new Promise((r) => setTimeout(r, 300));
    expect(client.frames.filter((f) => f.channel === 0).length).toBe(rtpCount);
    expect(session()?.framesSent).toBe(sent);
    expect(client.socket.destroyed).toBe(false);
    client.close();
  });

  it("stopping: ffmpeg with a read timeout gets ~1 s of frames, then gives up instead of waiting forever", async () => {
    // ffmpeg 5.1 retries a timed-out read before it ends, so it takes a few of its timeouts
    const s = await sampleFrames(rtspUrl(port, 801), 30, ["-timeout", "1000000"]);
    expect(s.result.stderr).toContain("Connection timed out");
    expect(s.hashes.length).toBeGreaterThanOrEqual(5);
    expect(s.hashes.length).toBeLessThanOrEqual(13);
    expect(s.result.ms).toBeLessThan(20_000);
  });

  it("acts on patches while playing: a covered lens turns the same session black, an offline channel drops the client", async () => {
    const reading = sampleFrames(rtspUrl(port, 1101), 3);
    const sent = (): number =>
      nvr()
        .state()
        .media.sessions.find((x) => x.channel === 11)?.framesSent ?? 0;
    await until("ffmpeg to be playing", () => sent() >= 5, 10_000);
    nvr().setChannel(11, { picture: "black" });
    const s = await reading;
    expect(s.yavg[0]).toBeGreaterThan(60);
    expect(s.yavg.at(-1)).toBeLessThan(20);
    expect(s.result.stderr).not.toMatch(/error|corrupt/i);
    const { client } = await playing(1101);
    nvr().setChannel(11, { online: false });
    await client.closed;
    nvr().setChannel(11, { online: true, picture: "moving" });
  });

  it("resets RTSP connections of an unreachable device", async () => {
    nvr().setDevice({ reachable: false });
    try {
      const c = await RtspTestClient.connect(port, { user: "admin", pass: "admin123" }).catch(() => null);
      if (c) await c.closed;
    } finally {
      nvr().setDevice({ reachable: true });
    }
    const ok = await RtspTestClient.connect(port);
    expect((await ok.request("OPTIONS", "*")).status).toBe(200);
    ok.close();
  });
});

describe("limits and stop()", () => {
  it("refuses a client over maxClients with 453 and closes a connection silent past the session timeout", async () => {
    const small = await startSimulator(
      parseScenario({ devices: [{ id: "cam", channels: { count: 1 } }] }, "limits"),
      { videoCacheDir: cacheDir, rtsp: { maxClients: 1, sessionTimeoutSeconds: 1 } },
    );
    try {
      const p = small.devices[0]!.rtspPort;
      const creds = { user: "admin", pass: "admin123" };
      const a = await RtspTestClient.connect(p, creds);
      const setup = { Transport: "RTP/AVP/TCP;unicast;interleaved=0-1" };
      const first = await a.request("SETUP", `rtsp://127.0.0.1:${p}/Streaming/Channels/101/trackID=1`, setup);
      expect(first.status).toBe(200);
      expect(first.header("session")).toMatch(/;timeout=1$/);
      const b = await RtspTestClient.connect(p, creds);
      const second = await b.request(
        "SETUP",
        `rtsp://127.0.0.1:${p}/Streaming/Channels/101/trackID=1`,
        setup,
      );
      expect(second.status).toBe(453);
      // neither sends anything more: both are closed after about a second
      await Promise.all([a.closed, b.closed]);
      expect(small.device("cam").state().media.sessions).toEqual([]);
    } finally {
      await small.stop();
    }
  });

  it("stop() returns promptly with a client playing, and the client sees the end", async () => {
    const other = await startSimulator(
      parseScenario({ devices: [{ id: "cam", channels: { count: 1 } }] }, "stop"),
      { videoCacheDir: cacheDir },
    );
    const p = other.devices[0]!.rtspPort;
    const reader = run("ffmpeg", [
      "-v",
      "error",
      "-rtsp_transport",
      "tcp",
      "-i",
      rtspUrl(p, 101),
      "-f",
      "null",
      "-",
    ]);
    await until(
      "ffmpeg to be playing",
      () =>
        other
          .device("cam")
          .state()
          .media.sessions.some((s) => s.framesSent > 5),
      10_000,
    );
    const t0 = performance.now();
    await other.stop();
    expect(performance.now() - t0).toBeLessThan(500);
    const r = await reader;
    expect(r.ms).toBeLessThan(15_000);
  });
});
