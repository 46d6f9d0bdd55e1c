import { spawn } from "node:child_process";
import { createHash } from "node:crypto";
import { createServer, connect, type AddressInfo, type Server, type Socket } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createRtspHop, RtspHopError, type RtspHop } from "../../src/net/rtspHop.ts";
import { closedPort } from "./servers.ts";

/**
 * The loopback RTSP hop against a scripted camera: routes are one-time, the camera's challenge
 * is answered by the hop (Digest, a stale nonce renewed, a wrong password given back as the
 * camera's 401 once), addresses in replies move onto the local prefix and back, interleaved
 * packets pass both ways, and a route's end ends its connections.
 */

interface Req {
  method: string;
  uri: string;
  headers: Record<string, string>;
}

const md5 = (s: string): string => createHash("md5").update(s).digest("hex");

/** A camera that speaks just enough RTSP; `answer` scripts each reply. */
async function fakeCamera(answer: (req: Req, sock: Socket, n: number) => string | null): Promise<{
  port: number;
  requests: Req[];
  sockets: Set<Socket>;
  close(): Promise<void>;
}> {
  const requests: Req[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((sock) => {
    sockets.add(sock);
    sock.on("error", () => undefined);
    sock.on("close", () => sockets.delete(sock));
    let buf = Buffer.alloc(0);
    sock.on("data", (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      for (;;) {
        if (buf[0] === 0x24) {
          if (buf.length < 4 || buf.length < 4 + buf.readUInt16BE(2)) return;
          requests.push({
            method: "$",
            uri: buf.subarray(4, 4 + buf.readUInt16BE(2)).toString(),
            headers: {},
          });
          buf = buf.subarray(4 + buf.readUInt16BE(2));
          continue;
        }
        const end = buf.indexOf("\r\n\r\n");
        if (end < 0) return;
        const [line = "", ...rest] = buf.subarray(0, end).toString().split("\r\n");
        buf = buf.subarray(end + 4);
        const [method = "", uri = ""] = line.split(" ");
        const headers: Record<string, string> = {};
        for (const h of rest)
          headers[h.slice(0, h.indexOf(":")).toLowerCase()] = h.slice(h.indexOf(":") + 1).trim();
        const req = { method, uri, headers };
        requests.push(req);
        const out = answer(req, sock, requests.length);
        if (out !== null) sock.write(out);
      }
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    port: (server.address() as AddressInfo).port,
    requests,
    sockets,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

const response = (
  cseq: string | undefined,
  status: string,
  headers: Record<string, string> = {},
  body = "",
): string =>
  [
    `RTSP/1.0 ${status}`,
    `CSeq: ${cseq ?? "0"}`,
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    ...(body ? [`Content-Length: ${Buffer.byteLength(body)}`] : []),
    "",
    body,
  ].join("\r\n");

/** A bare RTSP client on the hop: sends a request, resolves with the next whole reply. */
class Client {
  #buf = "";
  #waiters: ((text: string) => void)[] = [];
  readonly data: Buffer[] = [];
  closed: Promise<void>;
  private constructor(readonly sock: Socket) {
    sock.on("error", () => undefined);
    this.closed = new Promise((r) => sock.once("close", () => r()));
    sock.on("data", (d: Buffer) => {
      if (d[0] === 0x24) {
        this.data.push(d);
        return;
      }
      this.#buf += d.toString("latin1");
      for (;;) {
        const end = this.#buf.indexOf("\r\n\r\n");
        if (end < 0) return;
        const length = Number(/content-length:\s*(\d+)/i.exec(this.#buf.slice(0, end))?.[1] ?? 0);
        if (this.#buf.length < end + 4 + length) return;
        const text = this.#buf.slice(0, end + 4 + length);
        this.#buf = this.#buf.slice(end + 4 + length);
        this.#waiters.shift()?.(text);
      }
    });
  }
  static async to(url: string): Promise<Client> {
    const u = new URL(url);
    const sock = connect({ host: u.hostname, port: Number(u.port) });
    await new Promise<void>((r, j) => {
      sock.once("connect", () => r());
      sock.once("error", j);
    });
    return new Client(sock);
  }
  request(method: string, uri: string, cseq: number, headers: Record<string, string> = {}): Promise<string> {
    const lines = [
      `${method} ${uri} RTSP/1.0`,
      `CSeq: ${cseq}`,
      ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
    ];
    this.sock.write(`${lines.join("\r\n")}\r\n\r\n`);
    return new Promise((r) => this.#waiters.push(r));
  }
}

const started: RtspHop[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
  for (const h of started.splice(0)) await h.stop();
});
const hopStarted = async (): Promise<RtspHop> => {
  const h = createRtspHop({ connectTimeoutMs: 2000 });
  await h.start();
  started.push(h);
  return h;
};

const REALM = "cam";
const USER = "monitor";
const PASS = "p@ss:w/rd";

/** A Digest camera: checks the answer for the request URI; `nonces` in order, a later one announced stale. */
function digestCamera(sdp: (base: string) => string, options: { staleAfter?: number } = {}) {
  let nonce = "n1";
  let answered = 0;
  return (req: Req, sock: Socket): string | null => {
    const cseq = req.headers["cseq"];
    if (req.method === "OPTIONS")
      return response(cseq, "200 OK", { Public: "DESCRIBE, SETUP, PLAY, TEARDOWN" });
    const auth = req.headers["authorization"] ?? "";
    const p: Record<string, string | undefined> = {};
    for (const m of auth.matchAll(/(\w+)="?([^",]*)"?/g)) p[m[1]!] = m[2];
    const ha1 = md5(`${USER}:${REALM}:${PASS}`);
    const expected = md5(`${ha1}:${nonce}:${p["nc"]}:${p["cnonce"]}:auth:${md5(`${req.method}:${req.uri}`)}`);
    const good =
      auth.startsWith("Digest ") &&
      p["uri"] === req.uri &&
      p["nonce"] === nonce &&
      p["response"] === expected;
    if (!good)
      return response(cseq, "401 Unauthorized", {
        "WWW-Authenticate": `Digest realm="${REALM}", nonce="${nonce}", qop="auth"${p["nonce"] && p["nonce"] !== nonce ? ", stale=true" : ""}`,
      });
    answered += 1;
    if (options.staleAfter !== undefined && answered === options.staleAfter) nonce = "n2";
    const base = `rtsp://10.1.2.3:554/Streaming/Channels/101/`;
    if (req.method === "DESCRIBE")
      return response(cseq, "200 OK", { "Content-Base": base, "Content-Type": "application/sdp" }, sdp(base));
    if (req.method === "SETUP")
      return response(cseq, "200 OK", {
        Transport: req.headers["transport"] ?? "",
        Session: "ABC123;timeout=60",
      });
    if (req.method === "PLAY") {
      const reply = response(cseq, "200 OK", { Session: "ABC123", "RTP-Info": `url=${base}trackID=1;seq=1` });
      setTimeout(() => sock.write(Buffer.from([0x24, 0, 0, 3, 1, 2, 3])), 20);
      return reply;
    }
    return response(cseq, "200 OK", { Session: "ABC123" });
  };
}

describe("RtspHop", () => {
  it("relays a whole Digest session: credentials added by the hop, addresses rewritten both ways, packets passed", async () => {
    const cam = await fakeCamera(
      digestCamera((base) => `v=0\r\nm=video 0 RTP/AVP 96\r\na=control:${base}trackID=1\r\n`, {
        staleAfter: 1,
      }),
    );
    cleanups.push(() => cam.close());
    const hop = await hopStarted();
    const route = hop.open({
      uri: `rtsp://127.0.0.1:${cam.port}/Streaming/Channels/101?x=1`,
      username: USER,
      password: PASS,
    });
    expect(route.url).toMatch(
      new RegExp(`^rtsp://127\\.0\\.0\\.1:\\d+/[A-Za-z0-9_-]{32}/Streaming/Channels/101\\?x=1$`),
    );
    expect(route.url).not.toContain(USER);
    const prefix = /^rtsp:\/\/[^/]+\/[^/]+/.exec(route.url)![0];

    const c = await Client.to(route.url);
    const d = await c.request("DESCRIBE", route.url, 7, { Accept: "application/sdp" });
    expect(d).toMatch(/^RTSP\/1\.0 200 OK/);
    expect(d).toContain("CSeq: 7");
    expect(d).toContain(`Content-Base: ${prefix}/Streaming/Channels/101/`);
    expect(d).toContain(`a=control:${prefix}/Streaming/Channels/101/trackID=1`);
    expect(d).not.toContain("10.1.2.3");
    expect(d).not.toMatch(/WWW-Authenticate/i);

    // The nonce goes stale after DESCRIBE: the hop renews it by itself.
    const s = await c.request("SETUP", `${prefix}/Streaming/Channels/101/trackID=1`, 8, {
      Transport: "RTP/AVP/TCP;unicast;interleaved=0-1",
    });
    expect(s).toMatch(/^RTSP\/1\.0 200 OK/);
    expect(s).toContain("CSeq: 8");
    expect(s).toContain("Session: ABC123;timeout=60");
    const p = await c.request("PLAY", `${prefix}/Streaming/Channels/101/`, 9, { Session: "ABC123" });
    expect(p).toContain(`RTP-Info: url=${prefix}/Streaming/Channels/101/trackID=1;seq=1`);
    await waitFor(() => c.data.length > 0);
    expect([...Buffer.concat(c.data)]).toEqual([0x24, 0, 0, 3, 1, 2, 3]);
    c.sock.write(Buffer.from([0x24, 1, 0, 2, 9, 9]));
    await waitFor(() => cam.requests.some((r) => r.method === "$"));

    const upstream = cam.requests.filter((r) => r.method !== "$");
    // DESCRIBE 401 then 200; SETUP refused stale, then 200; PLAY.
    expect(upstream.map((r) => r.method)).toEqual(["DESCRIBE", "DESCRIBE", "SETUP", "SETUP", "PLAY"]);
    expect(upstream[1]!.uri).toBe(`rtsp://127.0.0.1:${cam.port}/Streaming/Channels/101?x=1`);
    expect(upstream[3]!.uri).toBe("rtsp://10.1.2.3:554/Streaming/Channels/101/trackID=1");
    expect(new Set(upstream.map((r) => r.headers["cseq"])).size).toBe(upstream.length);
    expect(JSON.stringify(upstream)).not.toContain(PASS);

    route.close();
    await c.closed;
    expect(hop.routes).toBe(0);
  });

  it("a route is one-time: a second connection naming it, or an unknown path, gets 404", async () => {
    const cam = await fakeCamera(digestCamera(() => "v=0\r\n"));
    cleanups.push(() => cam.close());
    const hop = await hopStarted();
    const route = hop.open({ uri: `rtsp://127.0.0.1:${cam.port}/live`, username: USER, password: PASS });
    const first = await Client.to(route.url);
    expect(await first.request("OPTIONS", route.url, 1)).toMatch(/^RTSP\/1\.0 200/);
    const second = await Client.to(route.url);
    expect(await second.request("DESCRIBE", route.url, 1)).toMatch(/^RTSP\/1\.0 404/);
    const guess = await Client.to(route.url);
    expect(
      await guess.request("DESCRIBE", route.url.replace(/\/[A-Za-z0-9_-]{32}\//, `/${"A".repeat(32)}/`), 1),
    ).toMatch(/^RTSP\/1\.0 404/);
    expect(cam.sockets.size).toBe(1);
    first.sock.destroy();
  });

  it.runIf(process.getuid?.() === 0)(
    "another user's process cannot take a route it read from ffmpeg's command line (403), and the route stays ours",
    async () => {
      const cam = await fakeCamera(digestCamera(() => "v=0\r\n"));
      cleanups.push(() => cam.close());
      const events: string[] = [];
      const hop = createRtspHop({ onEvent: (e) => events.push(e.kind === "refused" ? e.reason : e.kind) });
      await hop.start();
      started.push(hop);
      const route = hop.open({ uri: `rtsp://127.0.0.1:${cam.port}/live`, username: USER, password: PASS });
      const u = new URL(route.url);
      const script = `const s=require("node:net").connect(${u.port},"127.0.0.1",()=>s.write("DESCRIBE ${route.url} RTSP/1.0\\r\\nCSeq: 1\\r\\n\\r\\n"));let o="";s.on("data",d=>o+=d);s.on("close",()=>process.stdout.write(o.split("\\r\\n")[0]));s.on("error",()=>{});`;
      const child = spawn(process.execPath, ["-e", script], {
        uid: 65534,
        gid: 65534,
        stdio: ["ignore", "pipe", "ignore"],
      });
      let out = "";
      child.stdout.on("data", (d: Buffer) => (out += d.toString()));
      await new Promise((r) => child.once("exit", r));
      expect(out).toBe("RTSP/1.0 403 Forbidden");
      expect(events).toContain("another user");
      expect(cam.sockets.size).toBe(0);
      const mine = await Client.to(route.url);
      expect(await mine.request("OPTIONS", route.url, 1)).toMatch(/^RTSP\/1\.0 200/);
      mine.sock.destroy();
    },
  );

  it("a wrong password is the camera's 401, asked once; UDP is refused; an unreachable camera is 503 with the reason", async () => {
    const cam = await fakeCamera(digestCamera(() => "v=0\r\n"));
    cleanups.push(() => cam.close());
    const hop = await hopStarted();
    const route = hop.open({ uri: `rtsp://127.0.0.1:${cam.port}/live`, username: USER, password: "wrong" });
    const c = await Client.to(route.url);
    expect(await c.request("DESCRIBE", route.url, 1)).toMatch(/^RTSP\/1\.0 401 Unauthorized/);
    expect(cam.requests.map((r) => r.method)).toEqual(["DESCRIBE", "DESCRIBE"]);
    expect(
      await c.request("SETUP", route.url, 2, { Transport: "RTP/AVP;unicast;client_port=5000-5001" }),
    ).toMatch(/^RTSP\/1\.0 461/);
    expect(cam.requests).toHaveLength(2);
    c.sock.destroy();

    const gone = hop.open({
      uri: `rtsp://127.0.0.1:${await closedPort()}/live`,
      username: USER,
      password: PASS,
    });
    const g = await Client.to(gone.url);
    expect(await g.request("OPTIONS", gone.url, 1)).toMatch(/^RTSP\/1\.0 503 Upstream Connection refused/);
    await g.closed;
  });

  it("refuses what it cannot relay, and closes everything on stop", async () => {
    const hop = createRtspHop();
    expect(() => hop.open({ uri: "rtsp://cam/live", username: "u", password: "p" })).toThrow(RtspHopError);
    await hop.start();
    for (const uri of ["file:///etc/passwd", "http://cam/live", "rtsp://u:p@cam/live", "not a url"])
      expect(() => hop.open({ uri, username: "u", password: "p" })).toThrow(RtspHopError);
    const cam = await fakeCamera(digestCamera(() => "v=0\r\n"));
    cleanups.push(() => cam.close());
    const route = hop.open({ uri: `rtsp://127.0.0.1:${cam.port}/live`, username: USER, password: PASS });
    const c = await Client.to(route.url);
    await c.request("OPTIONS", route.url, 1);
    await hop.stop();
    await c.closed;
    expect(hop.routes).toBe(0);
  });
});

async function waitFor(test: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!test()) {
    if (Date.now() > end) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
}
