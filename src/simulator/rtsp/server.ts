import { randomBytes, randomInt } from "node:crypto";
import { createServer, type AddressInfo, type Server, type Socket } from "node:net";
import { performance } from "node:perf_hooks";
import { DigestVerifier } from "../auth/digest.ts";
import type { ChannelRuntime } from "../channel.ts";
import type { MediaSessionState, SimDevice } from "../device.ts";
import type { VideoEncoding } from "../scenario.ts";
import type { SimLogger } from "../logger.ts";
import { streamOfNumber } from "../streams.ts";
import type { Clip, VideoLibrary } from "../video/library.ts";
import { RtspReader, rtspResponse, type RtspRequest } from "./message.ts";
import { TRACK_CONTROL, sessionDescription } from "./sdp.ts";
import { RtpStreamer, type FrameDecision } from "./streamer.ts";
import { chooseTransport } from "./transport.ts";

/**
 * A device's RTSP 1.0 server (RFC 2326) on its own TCP port: the URIs GetStreamUri hands out
 * lead here. OPTIONS is open; every other method needs RTSP Digest (MD5, qop=auth, checked by
 * the same DigestVerifier as the device's HTTP Digest: expiring nonces, nc must grow). Video goes
 * interleaved over the RTSP connection only.
 *
 * URIs: rtsp://host:port/Streaming/Channels/<channel × 100 + stream>[/trackID=1][?...]. An
 * unknown or offline channel, or one whose scenario says `stream: refused`, is 404. A channel
 * with `stream: stopping` streams for stopAfterSeconds after PLAY, then sends nothing while the
 * session and the socket stay open and keep-alives are answered: a hung encoder, the nastier
 * case for a client, which needs its own read timeout to notice.
 */

export interface RtspLimits {
  /** Concurrent sessions per device; SETUP beyond it gets 453 Not Enough Bandwidth. */
  readonly maxClients: number;
  /** Told to clients in the Session header; a connection silent this long (no request, no RTCP) is closed. */
  readonly sessionTimeoutSeconds: number;
  /** Bytes waiting in a client's socket above which frames are dropped. */
  readonly maxBufferedBytes: number;
  /** A client that stays above maxBufferedBytes this long is disconnected. */
  readonly slowReaderTimeoutSeconds: number;
}

export const DEFAULT_RTSP_LIMITS: RtspLimits = {
  maxClients: 16,
  sessionTimeoutSeconds: 60,
  maxBufferedBytes: 1024 * 1024,
  slowReaderTimeoutSeconds: 10,
};

const PUBLIC = "OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN, GET_PARAMETER, SET_PARAMETER";
const SERVER = "Simulated NVR RTSP/1.0";
/** The stream URI, optionally with the track control the SDP names (SETUP) or a trailing slash. */
const URI_PATH = new RegExp(`^/Streaming/Channels/(\\d{3,5})(?:/(?:${TRACK_CONTROL})?)?$`, "i");

interface Session {
  readonly id: string;
  readonly conn: Connection;
  readonly ch: ChannelRuntime;
  readonly uri: string;
  readonly encoding: VideoEncoding;
  readonly rtpChannel: number;
  readonly rtcpChannel: number;
  readonly ssrc: number;
  readonly firstSeq: number;
  readonly firstTimestamp: number;
  clip: Clip;
  streamer: RtpStreamer | null;
  /** With stream: stopping, when this session's video ends (monotonic ms). */
  stopAt: number | null;
}

interface Connection {
  readonly socket: Socket;
  readonly reader: RtspReader;
  readonly sessions: Map<string, Session>;
  /** Requests are answered one at a time, in order (DESCRIBE may wait for a clip to be made). */
  queue: Promise<void>;
  lastHeardMs: number;
}

export class RtspServer {
  readonly #server: Server;
  readonly #connections = new Set<Connection>();
  readonly #sessions = new Map<string, Session>();
  readonly #verifier: DigestVerifier;
  readonly #limits: RtspLimits;
  #sweeper: NodeJS.Timeout | null = null;
  #stopped = false;

  constructor(
    private readonly device: SimDevice,
    private readonly library: VideoLibrary,
    limits: Partial<RtspLimits> = {},
    private readonly log?: SimLogger,
  ) {
    this.#limits = { ...DEFAULT_RTSP_LIMITS, ...limits };
    this.#verifier = new DigestVerifier({
      realm: `NVR(${device.spec.id})`,
      algorithms: () => ["MD5"],
      now: device.now,
    });
    this.#server = createServer((socket) => this.#accept(socket));
    device.mediaSessions = () => this.sessions();
  }

  /** Binds the listener; resolves to the port. */
  listen(host: string, port: number): Promise<number> {
    return new Promise((resolve, reject) => {
      this.#server.once("error", reject);
      this.#server.listen(port, host, () => {
        this.#server.off("error", reject);
        const sweepMs = Math.min(1000, this.#limits.sessionTimeoutSeconds * 250);
        this.#sweeper = setInterval(() => this.#sweep(), sweepMs);
        this.#sweeper.unref();
        resolve((this.#server.address() as AddressInfo).port);
      });
    });
  }

  /** Closes the listener and every connection, playing ones included. */
  async stop(): Promise<void> {
    this.#stopped = true;
    if (this.#sweeper) clearInterval(this.#sweeper);
    const closed = new Promise<void>((resolve) =>
      this.#server.listening ? this.#server.close(() => resolve()) : resolve(),
    );
    for (const c of [...this.#connections]) this.#drop(c);
    await closed;
  }

  sessions(): MediaSessionState[] {
    return [...this.#sessions.values()].map((s) => {
      const stats = s.streamer?.stats();
      return {
        session: s.id,
        channel: s.ch.n,
        uri: s.uri,
        playing: s.streamer?.running ?? false,
        framesSent: stats?.framesSent ?? 0,
        framesDropped: stats?.framesDropped ?? 0,
        bufferedBytes: s.conn.socket.writableLength,
        silent: stats?.silent ?? false,
      };
    });
  }

  #accept(socket: Socket): void {
    const tooMany = this.#connections.size >= this.#limits.maxClients * 2 + 4;
    if (this.#stopped || !this.device.spec.reachable || tooMany) {
      socket.destroy();
      return;
    }
    socket.setNoDelay(true);
    const conn: Connection = {
      socket,
      reader: new RtspReader(),
      sessions: new Map(),
      queue: Promise.resolve(),
      lastHeardMs: performance.now(),
    };
    this.#connections.add(conn);
    socket.on("error", () => undefined); // a reset by the client ends the connection, nothing more
    socket.once("close", () => this.#drop(conn));
    socket.on("data", (chunk: Buffer) => {
      conn.lastHeardMs = performance.now();
      for (const m of conn.reader.push(chunk)) {
        if (m.kind === "interleaved") continue; // RTCP receiver reports: liveness only
        if (m.kind === "bad") {
          socket.end(rtspResponse(m.status, { Server: SERVER }));
          return;
        }
        const request = m.request;
        conn.queue = conn.queue
          .then(() => this.#handle(conn, request))
          .catch((e: unknown) => {
            this.log?.error(
              { device: this.device.spec.id, err: e instanceof Error ? e.message : String(e) },
              "rtsp request failed",
            );
            this.#drop(conn);
          });
      }
    });
  }

  /** Ends a connection and its sessions. */
  #drop(conn: Connection): void {
    for (const s of conn.sessions.values()) this.#endSession(s);
    conn.socket.destroy();
    this.#connections.delete(conn);
  }

  #endSession(s: Session): void {
    s.streamer?.stop();
    s.conn.sessions.delete(s.id);
    this.#sessions.delete(s.id);
  }

  #sweep(): void {
    const limit = this.#limits.sessionTimeoutSeconds * 1000;
    const now = performance.now();
    for (const c of [...this.#connections]) {
      if (!this.device.spec.reachable || now - c.lastHeardMs > limit) this.#drop(c);
    }
  }

  async #handle(conn: Connection, req: RtspRequest): Promise<void> {
    if (conn.socket.destroyed) return;
    const d = this.device;
    if (!d.spec.reachable) return this.#drop(conn);
    d.countRtspRequest(req.method);
    const cseq = req.headers.get("cseq");
    const send = (
      status: number,
      headers: Record<string, string | readonly string[] | undefined> = {},
      body?: string,
    ): void => {
      if (conn.socket.destroyed) return;
      conn.socket.write(
        rtspResponse(
          status,
          { CSeq: cseq, Server: SERVER, Date: new Date(d.deviceNow()).toUTCString(), ...headers },
          body,
        ),
      );
    };
    if (cseq === undefined || !/^\d+$/.test(cseq)) return send(400);
    if (req.method === "OPTIONS") return send(200, { Public: PUBLIC });
    if (!PUBLIC.split(", ").includes(req.method)) return send(501, { Public: PUBLIC });

    const auth = this.#verifier.verify(req.headers.get("authorization"), req.method, req.uri, {
      username: d.spec.username,
      password: d.spec.password,
    });
    if (auth.status !== "ok") {
      if (auth.status === "bad") d.countMediaAuthFailure();
      const stale = auth.status === "bad" && auth.stale;
      return send(401, { "WWW-Authenticate": this.#verifier.challenges(stale) });
    }

    const sessionId = req.headers.get("session")?.split(";")[0]?.trim();
    const session = sessionId === undefined ? undefined : conn.sessions.get(sessionId);
    if (sessionId !== undefined && session === undefined) return send(454);
    const sessionHeader = (s: Session): string => `${s.id};timeout=${this.#limits.sessionTimeoutSeconds}`;

    switch (req.method) {
      case "DESCRIBE": {
        const target = this.#resolve(req.uri);
        if (target === null) return send(404);
        const clip = await this.#clip(target.ch, target.ch.spec.encoding);
        if (clip === null) return send(500);
        // the channel may have changed while the clip was made
        if (this.#resolve(req.uri) === null) return send(404);
        const base = `${req.uri.split("?")[0]!.replace(/\/+$/, "")}/`;
        const sdp = sessionDescription(clip, {
          sessionId: String(randomInt(1, 2 ** 31)),
          host: d.advertisedHostName(),
          name: target.ch.name,
        });
        return send(200, { "Content-Base": base, "Content-Type": "application/sdp" }, sdp);
      }
      case "SETUP": {
        const target = this.#resolve(req.uri);
        if (target === null) return send(404);
        if (session?.streamer?.running) return send(455);
        const transport = chooseTransport(req.headers.get("transport"));
        if (!transport.ok) return send(461);
        if (session === undefined && this.#sessions.size >= this.#limits.maxClients) return send(453);
        const encoding = target.ch.spec.encoding;
        const clip = await this.#clip(target.ch, encoding);
        if (clip === null) return send(500);
        if (conn.socket.destroyed) return;
        if (session) this.#endSession(session);
        const s: Session = {
          id: session?.id ?? randomBytes(8).toString("hex").toUpperCase(),
          conn,
          ch: target.ch,
          uri: req.uri,
          encoding,
          rtpChannel: transport.rtpChannel,
          rtcpChannel: transport.rtcpChannel,
          ssrc: randomInt(1, 2 ** 32 - 1),
          firstSeq: randomInt(0, 0x10000),
          firstTimestamp: randomInt(0, 2 ** 32 - 1),
          clip,
          streamer: null,
          stopAt: null,
        };
        conn.sessions.set(s.id, s);
        this.#sessions.set(s.id, s);
        const hex = s.ssrc.toString(16).toUpperCase().padStart(8, "0");
        return send(200, {
          Transport: `RTP/AVP/TCP;unicast;interleaved=${s.rtpChannel}-${s.rtcpChannel};ssrc=${hex};mode="PLAY"`,
          Session: sessionHeader(s),
        });
      }
      case "PLAY": {
        if (session === undefined) return send(454);
        const info = `url=${session.uri};seq=${session.firstSeq};rtptime=${session.firstTimestamp}`;
        send(200, { Range: "npt=now-", Session: sessionHeader(session), "RTP-Info": info });
        if (session.streamer === null) this.#play(session);
        return;
      }
      case "TEARDOWN": {
        if (session === undefined) return send(454);
        this.#endSession(session);
        return send(200, { Session: session.id });
      }
      case "GET_PARAMETER":
      case "SET_PARAMETER": {
        if (req.method === "SET_PARAMETER" && req.body.length > 0) return send(451);
        return send(200, session ? { Session: sessionHeader(session) } : {});
      }
      default:
        return send(501, { Public: PUBLIC });
    }
  }

  /** The channel a stream URI names, when it can stream now (online, not refused). */
  #resolve(uri: string): { ch: ChannelRuntime } | null {
    let path: string;
    try {
      path = new URL(uri).pathname;
    } catch {
      return null;
    }
    const m = URI_PATH.exec(path);
    const target = m ? streamOfNumber(this.device, Number(m[1])) : null;
    if (!target || !target.ch.spec.online || target.ch.spec.stream === "refused") return null;
    return { ch: target.ch };
  }

  async #clip(ch: ChannelRuntime, encoding: VideoEncoding): Promise<Clip | null> {
    try {
      return await this.library.clip(ch.spec.picture, encoding);
    } catch (e) {
      this.log?.error(
        { device: this.device.spec.id, err: e instanceof Error ? e.message : String(e) },
        "cannot make the simulated video",
      );
      return null;
    }
  }

  #play(s: Session): void {
    const d = this.device;
    s.streamer = new RtpStreamer({
      sink: s.conn.socket,
      rtpChannel: s.rtpChannel,
      rtcpChannel: s.rtcpChannel,
      ssrc: s.ssrc,
      firstSeq: s.firstSeq,
      firstTimestamp: s.firstTimestamp,
      decide: () => this.#decide(s),
      clock: () => performance.now(),
      wallclock: () => d.deviceNow(),
      schedule: (fn, ms) => {
        const t = setTimeout(fn, ms);
        return () => clearTimeout(t);
      },
      maxBufferedBytes: this.#limits.maxBufferedBytes,
      stallLimitMs: this.#limits.slowReaderTimeoutSeconds * 1000,
      cname: `${d.spec.id}-ch${s.ch.n}@${d.advertisedHostName()}`,
      onClose: (why) => {
        this.log?.info({ device: d.spec.id, channel: s.ch.n, why }, "rtsp client dropped");
        this.#drop(s.conn);
      },
    });
    s.streamer.start();
  }

  /** What the channel wants sent now; patches act on playing sessions, as on a real camera. */
  #decide(s: Session): FrameDecision {
    const spec = s.ch.spec;
    if (!this.device.spec.reachable) return { kind: "close", why: "device unreachable" };
    if (!spec.online) return { kind: "close", why: "channel offline" };
    if (spec.stream === "refused") return { kind: "close", why: "stream refused" };
    if (spec.encoding !== s.encoding) return { kind: "close", why: "encoding changed" };
    if (spec.stream === "stopping") {
      s.stopAt ??= performance.now() + spec.stopAfterSeconds * 1000;
      if (performance.now() >= s.stopAt) return { kind: "silent" };
    } else s.stopAt = null;
    s.clip = this.library.ready(spec.picture, s.encoding) ?? s.clip;
    return { kind: "send", clip: s.clip };
  }
}
