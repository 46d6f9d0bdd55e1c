import { randomBytes } from "node:crypto";
import { readFile } from "node:fs/promises";
import {
  connect as tcpConnect,
  createServer,
  isIP,
  type AddressInfo,
  type Server,
  type Socket,
} from "node:net";
import { connect as tlsConnect, type TLSSocket } from "node:tls";
import type { DeviceTls } from "../domain/site.ts";
import { digestAuthorization, type DigestChallenge } from "./digest.ts";
import { parseAuthChallenges, toDigestChallenge } from "./digestChallenge.ts";
import {
  RtspFramer,
  RtspFramingError,
  header,
  headerValues,
  serialize,
  type RtspChunk,
  type RtspMessage,
} from "./rtspMessage.ts";
import { pinMismatch, tlsPlan } from "./tlsOptions.ts";

/**
 * A loopback RTSP hop: a local client (ffmpeg) connects to `rtsp://127.0.0.1:PORT/<token>/...`
 * with no credentials; the hop connects to the camera, answers its Basic or Digest challenge
 * itself, and relays the session both ways. So a camera password never has to be on another
 * process's command line (readable by every local user through `ps` or /proc/PID/cmdline).
 *
 * - Each route is opened for one upstream stream and has a one-time, unguessable path (192 random
 *   bits). The first connection that names it claims it; any later connection naming it gets 404,
 *   as does any unknown path. A route not claimed within `claimTimeoutMs` expires.
 * - RTSP interleaved over TCP only (the client must ask for `RTP/AVP/TCP`; a UDP SETUP gets 461):
 *   one connection each side, nothing else to open.
 * - Request URIs are mapped from the local prefix to the camera's address, and the addresses in
 *   replies (Content-Base, Content-Location, RTP-Info, absolute `a=control:` in the SDP) back to
 *   the local prefix; CSeq is renumbered per side; Session passes through.
 * - No media knowledge: interleaved packets are passed on as they are, with backpressure.
 * - Failures to reach the camera are answered to the client as `503 Upstream <reason>` (the
 *   reason in the words ffmpeg's failure patterns know: "Connection refused", "timed out"...).
 * - Nothing here logs or returns the password; `onEvent` gets redaction-free facts only.
 */

export interface RtspUpstream {
  /** The camera's stream address, rtsp:// or rtsps://, without credentials. */
  readonly uri: string;
  readonly username: string;
  readonly password: string;
  /** Trust settings for rtsps:// (as for the device's HTTPS). */
  readonly tls?: DeviceTls | null;
}

export interface HopRoute {
  /** What the local client opens: rtsp://127.0.0.1:PORT/<token><path and query of the camera's address>. */
  readonly url: string;
  /** Ends the route's connections (if any) and forgets it. Idempotent. */
  close(): void;
}

export interface RtspHopOptions {
  /** Connect deadline towards the camera, ms. Default 5000. */
  readonly connectTimeoutMs?: number;
  /** A route nobody claimed is forgotten after this long, ms. Default 60 s. */
  readonly claimTimeoutMs?: number;
  /** A connection must name its route within this long, ms. Default 5000. */
  readonly firstRequestTimeoutMs?: number;
  /** Largest RTSP head and body accepted from either side. Defaults 64 KiB and 256 KiB. */
  readonly maxHeadBytes?: number;
  readonly maxBodyBytes?: number;
  /** Facts about sessions (never credentials), for logs and tests. */
  readonly onEvent?: (event: RtspHopEvent) => void;
}

export type RtspHopEvent =
  | { readonly kind: "claimed"; readonly route: string }
  | {
      readonly kind: "refused";
      readonly reason: "unknown path" | "already claimed" | "not loopback" | "another user";
    }
  | { readonly kind: "upstream_failed"; readonly route: string; readonly reason: string }
  | { readonly kind: "closed"; readonly route: string };

export interface RtspHop {
  /** Listens on 127.0.0.1, on a port the OS picks. */
  start(): Promise<void>;
  /** Closes the listener and every route. */
  stop(): Promise<void>;
  /** A one-time route to the camera. Throws RtspHopError when not started or the address is not rtsp(s). */
  open(upstream: RtspUpstream): HopRoute;
  /** Routes opened and not closed (claimed or not). */
  readonly routes: number;
}

export class RtspHopError extends Error {
  override readonly name = "RtspHopError";
  constructor(
    readonly code: "not_started" | "bad_address",
    message: string,
  ) {
    super(message);
  }
}

const DEFAULTS = {
  connectTimeoutMs: 5000,
  firstRequestTimeoutMs: 5000,
  claimTimeoutMs: 60_000,
  maxHeadBytes: 64 * 1024,
  maxBodyBytes: 256 * 1024,
};

interface Route {
  readonly token: string;
  readonly upstream: RtspUpstream;
  /** scheme://host[:port] of the camera as we connect to it. */
  readonly origin: string;
  claimed: boolean;
  expiry: NodeJS.Timeout | null;
  session: HopSession | null;
  closed: boolean;
}

export function createRtspHop(options: RtspHopOptions = {}): RtspHop {
  const opts = { ...DEFAULTS, ...options };
  const routes = new Map<string, Route>();
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let port = 0;

  const closeRoute = (route: Route): void => {
    if (route.closed) return;
    route.closed = true;
    if (route.expiry) clearTimeout(route.expiry);
    routes.delete(route.token);
    route.session?.end();
    options.onEvent?.({ kind: "closed", route: route.token.slice(0, 6) });
  };

  const accept = (client: Socket): void => {
    sockets.add(client);
    client.once("close", () => sockets.delete(client));
    client.on("error", () => undefined);
    client.setNoDelay(true);
    if (client.remoteAddress !== "127.0.0.1" && client.remoteAddress !== "::ffff:127.0.0.1") {
      options.onEvent?.({ kind: "refused", reason: "not loopback" });
      client.destroy();
      return;
    }
    const framer = new RtspFramer(opts);
    // A connection that names no route soon is dropped (nobody holds sockets open here for free).
    const silent = setTimeout(() => client.destroy(), opts.firstRequestTimeoutMs);
    client.once("close", () => clearTimeout(silent));
    const onFirst = (data: Buffer): void => {
      let chunks;
      try {
        chunks = framer.push(data);
      } catch {
        client.destroy();
        return;
      }
      const first = chunks[0];
      if (first === undefined) return;
      client.off("data", onFirst);
      client.pause(); // what follows waits for the session (ffmpeg sends nothing more before a reply anyway)
      clearTimeout(silent);
      if (first.kind !== "message") {
        client.destroy();
        return;
      }
      const token = tokenOf(first.message.startLine);
      const route = token === null ? undefined : routes.get(token);
      if (route === undefined || route.claimed) {
        options.onEvent?.({ kind: "refused", reason: route ? "already claimed" : "unknown path" });
        client.end(reply(first.message, 404, "Not Found"));
        return;
      }
      // Reserved while the peer is looked at; given back if it is another user's process.
      route.claimed = true;
      void sameUser(client, port).then((same) => {
        if (route.closed || client.destroyed) return;
        if (!same) {
          route.claimed = false;
          options.onEvent?.({ kind: "refused", reason: "another user" });
          client.end(reply(first.message, 403, "Forbidden"));
          return;
        }
        claim(route, client, framer, chunks);
      });
    };
    client.on("data", onFirst);
  };

  const claim = (route: Route, client: Socket, framer: RtspFramer, chunks: RtspChunk[]): void => {
    if (route.expiry) clearTimeout(route.expiry);
    route.expiry = null;
    options.onEvent?.({ kind: "claimed", route: route.token.slice(0, 6) });
    const session = new HopSession(
      route,
      `rtsp://127.0.0.1:${port}/${route.token}`,
      client,
      framer,
      opts,
      (why) => {
        options.onEvent?.({ kind: "upstream_failed", route: route.token.slice(0, 6), reason: why });
      },
    );
    route.session = session;
    client.once("close", () => closeRoute(route));
    session.begin(chunks);
  };

  return {
    get routes() {
      return routes.size;
    },
    async start() {
      if (server) return;
      const s = createServer(accept);
      await new Promise<void>((resolve, reject) => {
        s.once("error", reject);
        s.listen(0, "127.0.0.1", () => {
          s.off("error", reject);
          resolve();
        });
      });
      port = (s.address() as AddressInfo).port;
      server = s;
    },
    async stop() {
      const s = server;
      server = null;
      for (const r of [...routes.values()]) closeRoute(r);
      for (const sock of sockets) sock.destroy();
      if (s) await new Promise<void>((resolve) => s.close(() => resolve()));
    },
    open(upstream) {
      if (!server) throw new RtspHopError("not_started", "the RTSP hop is not started");
      let u: URL;
      try {
        u = new URL(upstream.uri);
      } catch {
        throw new RtspHopError("bad_address", "the stream address is not a URL");
      }
      const scheme = u.protocol.toLowerCase();
      if (scheme !== "rtsp:" && scheme !== "rtsps:")
        throw new RtspHopError("bad_address", `the RTSP hop relays rtsp:// and rtsps:// only, not ${scheme}`);
      if (u.username !== "" || u.password !== "")
        throw new RtspHopError(
          "bad_address",
          "credentials go in username/password, not in the stream address",
        );
      const token = randomBytes(24).toString("base64url");
      const route: Route = {
        token,
        upstream,
        origin: `${scheme}//${u.host}`,
        claimed: false,
        expiry: null,
        session: null,
        closed: false,
      };
      route.expiry = setTimeout(() => closeRoute(route), opts.claimTimeoutMs);
      route.expiry.unref();
      routes.set(token, route);
      return {
        url: `rtsp://127.0.0.1:${port}/${token}${u.pathname}${u.search}`,
        close: () => closeRoute(route),
      };
    },
  };
}

/** The route token: the first path segment of the request URI. */
function tokenOf(startLine: string): string | null {
  const uri = startLine.split(" ")[1] ?? "";
  const m = /^rtsp:\/\/[^/]+\/([A-Za-z0-9_-]{32})(?:[/?]|$)/i.exec(uri);
  return m?.[1] ?? null;
}

/** A reply to a request from the hop itself. */
function reply(req: RtspMessage, status: number, reason: string): Buffer {
  const cseq = header(req.headers, "cseq");
  return serialize({
    startLine: `RTSP/1.0 ${status} ${reason}`,
    headers: cseq === undefined ? [] : [["CSeq", cseq]],
    body: Buffer.alloc(0),
  });
}

type Auth =
  | { readonly scheme: "basic" }
  | { readonly scheme: "digest"; readonly challenge: DigestChallenge; nc: number };

/** One claimed route: the client connection, the camera connection, the requests between them. */
class HopSession {
  #upstream: Socket | null = null;
  #connecting: Promise<Socket | string> | null = null;
  readonly #queue: RtspMessage[] = [];
  #busy = false;
  #cseq = 0;
  #auth: Auth | null = null;
  /** The request on its way up: the client's CSeq, and whether it was already retried with credentials. */
  #pending: { readonly request: RtspMessage; readonly clientCseq: string | undefined; tries: number } | null =
    null;
  /** The camera's own idea of its address (Content-Base), which request URIs are mapped back to. */
  #remoteOrigin: string;
  readonly #upstreamFramer: RtspFramer;
  #ended = false;

  constructor(
    private readonly route: Route,
    private readonly localPrefix: string,
    private readonly client: Socket,
    private readonly clientFramer: RtspFramer,
    private readonly opts: typeof DEFAULTS,
    private readonly onFailure: (why: string) => void,
  ) {
    this.#remoteOrigin = route.origin;
    this.#upstreamFramer = new RtspFramer(opts);
  }

  begin(firstChunks: readonly RtspChunk[]): void {
    this.client.on("data", (data: Buffer) => {
      let chunks;
      try {
        chunks = this.clientFramer.push(data);
      } catch {
        this.end();
        return;
      }
      this.#fromClient(chunks);
    });
    this.#fromClient(firstChunks);
    this.client.resume();
  }

  end(): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#upstream?.destroy();
    this.client.destroy();
  }

  #fromClient(chunks: readonly RtspChunk[]): void {
    for (const c of chunks) {
      if (c.kind === "interleaved") {
        // RTCP receiver reports: on to the camera once it is connected.
        this.#upstream?.write(c.bytes);
        continue;
      }
      this.#queue.push(c.message);
    }
    void this.#next();
  }

  async #next(): Promise<void> {
    if (this.#busy || this.#ended) return;
    const request = this.#queue.shift();
    if (request === undefined) return;
    this.#busy = true;
    const method = request.startLine.split(" ")[0] ?? "";
    const transport = header(request.headers, "transport");
    if (method === "SETUP" && transport !== undefined && !/RTP\/AVP\/TCP/i.test(transport)) {
      this.client.write(reply(request, 461, "Unsupported Transport"));
      this.#done();
      return;
    }
    const upstream = await this.#connect();
    if (typeof upstream === "string") {
      this.onFailure(upstream);
      this.client.end(reply(request, 503, `Upstream ${upstream}`));
      this.#ended = true;
      return;
    }
    this.#pending = { request, clientCseq: header(request.headers, "cseq"), tries: 0 };
    this.#send(upstream, request);
  }

  #done(): void {
    this.#busy = false;
    this.#pending = null;
    void this.#next();
  }

  #send(upstream: Socket, request: RtspMessage): void {
    const [method = "", uri = "", version = "RTSP/1.0"] = request.startLine.split(" ");
    const target = this.#toUpstream(uri);
    const headers: [string, string][] = [["CSeq", String(++this.#cseq)]];
    for (const [n, v] of request.headers) {
      const lower = n.toLowerCase();
      if (lower === "cseq" || lower === "authorization" || lower === "content-length") continue;
      headers.push([n, v]);
    }
    const authorization = this.#authorization(method, target);
    if (authorization !== null) headers.push(["Authorization", authorization]);
    upstream.write(serialize({ startLine: `${method} ${target} ${version}`, headers, body: request.body }));
  }

  #authorization(method: string, uri: string): string | null {
    const a = this.#auth;
    if (a === null) return null;
    const { username, password } = this.route.upstream;
    if (a.scheme === "basic")
      return `Basic ${Buffer.from(`${username}:${password}`, "utf8").toString("base64")}`;
    a.nc += 1;
    return digestAuthorization({
      challenge: a.challenge,
      username,
      password,
      method,
      uri,
      nc: a.nc,
      cnonce: randomBytes(12).toString("hex"),
    });
  }

  #connect(): Promise<Socket | string> {
    if (this.#upstream) return Promise.resolve(this.#upstream);
    this.#connecting ??= new Promise<Socket | string>((resolve) => {
      const u = new URL(this.route.upstream.uri);
      const secure = u.protocol.toLowerCase() === "rtsps:";
      const host = u.hostname.replace(/^\[|\]$/g, "");
      const port = u.port === "" ? (secure ? 322 : 554) : Number(u.port);
      let socket: Socket;
      let pin: string | null = null;
      if (secure) {
        const plan = tlsPlan(this.route.upstream.tls);
        if (!plan.ok) {
          resolve(`TLS settings unusable (${plan.reason})`);
          return;
        }
        pin = plan.pin;
        socket = tlsConnect({
          host,
          port,
          servername: isIP(host) !== 0 ? undefined : host,
          ...plan.agentOptions,
        });
      } else socket = tcpConnect({ host, port });
      const timer = setTimeout(() => {
        socket.destroy();
        resolve("Connection timed out");
      }, this.opts.connectTimeoutMs);
      socket.once(secure ? "secureConnect" : "connect", () => {
        clearTimeout(timer);
        if (pin !== null) {
          const mismatch = pinMismatch((socket as TLSSocket).getPeerCertificate(), pin);
          if (mismatch) {
            socket.destroy();
            resolve("TLS certificate pin mismatch");
            return;
          }
        }
        socket.setNoDelay(true);
        this.#attach(socket);
        resolve(socket);
      });
      socket.once("error", (err: NodeJS.ErrnoException) => {
        clearTimeout(timer);
        resolve(reasonOf(err));
      });
    });
    return this.#connecting;
  }

  #attach(upstream: Socket): void {
    this.#upstream = upstream;
    upstream.on("error", () => undefined);
    upstream.once("close", () => {
      // Whatever the camera still sent is written; then the client learns the session is over.
      if (!this.#ended) this.client.end();
      this.#ended = true;
    });
    this.client.on("drain", () => upstream.resume());
    upstream.on("data", (data: Buffer) => {
      let chunks;
      try {
        chunks = this.#upstreamFramer.push(data);
      } catch (err) {
        this.onFailure(err instanceof RtspFramingError ? err.message : "bad data");
        this.end();
        return;
      }
      for (const c of chunks) {
        if (this.#ended) return;
        if (c.kind === "interleaved") {
          if (!this.client.write(c.bytes)) upstream.pause();
          continue;
        }
        this.#fromUpstream(upstream, c.message);
      }
    });
  }

  #fromUpstream(upstream: Socket, m: RtspMessage): void {
    if (!m.startLine.startsWith("RTSP/")) {
      // A request from the camera (some send GET_PARAMETER or ANNOUNCE): not ours to relay; decline it.
      upstream.write(reply(m, 501, "Not Implemented"));
      return;
    }
    const pending = this.#pending;
    if (pending === null) return; // an answer nobody asked for
    const status = Number(m.startLine.split(" ")[1]);
    if (status === 401 && pending.tries < 2) {
      const next = this.#challenge(m, pending.tries);
      if (next !== null) {
        this.#auth = next;
        pending.tries += 1;
        this.#send(upstream, pending.request);
        return;
      }
    }
    this.client.write(this.#toClient(m, pending.clientCseq));
    this.#done();
  }

  /** The credentials to retry with after a 401, or null to give the 401 to the client. */
  #challenge(m: RtspMessage, tries: number): Auth | null {
    const { username } = this.route.upstream;
    if (username === "") return null;
    const challenges = parseAuthChallenges(headerValues(m.headers, "www-authenticate"));
    let digest: DigestChallenge | null = null;
    for (const c of challenges) {
      const d = toDigestChallenge(c);
      if (d && (digest === null || (d.algorithm.startsWith("SHA") && !digest.algorithm.startsWith("SHA"))))
        digest = d;
    }
    // A second try only when the first was refused for a stale nonce, not for wrong credentials.
    if (tries === 1 && !(digest?.stale ?? false)) return null;
    if (digest !== null) return { scheme: "digest", challenge: digest, nc: 0 };
    if (tries === 0 && challenges.some((c) => c.scheme === "basic")) return { scheme: "basic" };
    return null;
  }

  /** A camera's reply as the client should see it: its CSeq back, addresses on the local prefix. */
  #toClient(m: RtspMessage, clientCseq: string | undefined): Buffer {
    const headers: [string, string][] = [];
    for (const [n, v] of m.headers) {
      const lower = n.toLowerCase();
      if (lower === "cseq") continue;
      if (lower === "www-authenticate") continue; // the client has nothing to answer it with
      if (lower === "content-base" || lower === "content-location" || lower === "rtp-info") {
        headers.push([n, this.#toLocal(v)]);
        continue;
      }
      headers.push([n, v]);
    }
    if (clientCseq !== undefined) headers.unshift(["CSeq", clientCseq]);
    const type = header(m.headers, "content-type") ?? "";
    const body = /application\/sdp/i.test(type)
      ? Buffer.from(this.#toLocal(m.body.toString("utf8")), "utf8")
      : m.body;
    return serialize({ startLine: m.startLine, headers, body });
  }

  /** Every absolute rtsp(s) address in the text, moved onto the local prefix; the camera's origin is remembered. */
  #toLocal(text: string): string {
    return text.replace(/rtsps?:\/\/[^/\s;,"]+/gi, (origin) => {
      this.#remoteOrigin = origin;
      return this.localPrefix;
    });
  }

  /** A request URI from the client, on the camera's address. */
  #toUpstream(uri: string): string {
    if (uri.startsWith(this.localPrefix)) return `${this.#remoteOrigin}${uri.slice(this.localPrefix.length)}`;
    return uri === "*" ? uri : this.#remoteOrigin;
  }
}

/**
 * Whether the process at the other end of a loopback connection runs as our user. The route's
 * address is on ffmpeg's command line, which other users can read too: they must not be able to
 * race ffmpeg to the route. Linux tells the owner of each TCP socket in /proc/net/tcp{,6}; where
 * that cannot be read (another OS), the one-time path is the only guard.
 */
async function sameUser(client: Socket, hopPort: number): Promise<boolean> {
  const uid = process.getuid?.();
  const peerPort = client.remotePort;
  if (uid === undefined || peerPort === undefined) return true;
  const hex = (n: number): string => n.toString(16).toUpperCase().padStart(4, "0");
  const local = `:${hex(peerPort)}`;
  const remote = `:${hex(hopPort)}`;
  let readable = false;
  for (const table of ["/proc/net/tcp", "/proc/net/tcp6"]) {
    let text: string;
    try {
      text = await readFile(table, "utf8");
    } catch {
      continue;
    }
    readable = true;
    for (const line of text.split("\n").slice(1)) {
      const cols = line.trim().split(/\s+/);
      if (cols[1]?.endsWith(local) && cols[2]?.endsWith(remote) && isLoopback(cols[1]) && isLoopback(cols[2]))
        return Number(cols[7]) === uid;
    }
  }
  return !readable;
}

/** 127.0.0.1 in /proc/net/tcp (little-endian hex) or as an IPv4-mapped address in tcp6. */
const isLoopback = (address: string): boolean =>
  address.startsWith("0100007F:") || address.startsWith("0000000000000000FFFF00000100007F:");

/** A connection failure in the words ffmpeg's failure patterns (media/ffmpegFailure.ts) recognise. */
function reasonOf(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case "ECONNREFUSED":
      return "Connection refused";
    case "ECONNRESET":
      return "Connection reset";
    case "EHOSTUNREACH":
      return "No route to host";
    case "ENETUNREACH":
      return "Network is unreachable";
    case "ETIMEDOUT":
      return "Connection timed out";
    case "ENOTFOUND":
    case "EAI_AGAIN":
      return "Name or service not known";
    default:
      return err.code?.startsWith("ERR_TLS") || err.code?.includes("CERT")
        ? "TLS handshake failed"
        : "Connection failed";
  }
}
