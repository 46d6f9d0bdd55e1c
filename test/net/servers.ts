import { createHash, randomBytes } from "node:crypto";
import http from "node:http";
import https from "node:https";
import type { AddressInfo, Socket } from "node:net";

/** A server on 127.0.0.1 with a random port, counting connections and requests. */
export interface TestServer {
  readonly url: string;
  readonly port: number;
  readonly server: http.Server;
  readonly stats: { connections: number; requests: number };
  close(): Promise<void>;
}

type Handler = (req: http.IncomingMessage, res: http.ServerResponse) => void;

export async function startServer(
  handler: Handler,
  tls?: { key: string; cert: string },
): Promise<TestServer> {
  const stats = { connections: 0, requests: 0 };
  const counted: Handler = (req, res) => {
    stats.requests++;
    handler(req, res);
  };
  const server = tls
    ? https.createServer({ key: tls.key, cert: tls.cert }, counted)
    : http.createServer(counted);
  server.on(tls ? "secureConnection" : "connection", () => stats.connections++);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `${tls ? "https" : "http"}://127.0.0.1:${port}`,
    port,
    server,
    stats,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Resolves when the server side of the request's socket has closed (the client gave up). */
export const socketClosed = (socket: Socket): Promise<void> =>
  new Promise((resolve) => (socket.destroyed ? resolve() : socket.once("close", () => resolve())));

/** Reads a request body fully. */
export const readBody = (req: http.IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", reject);
  });

// ---------------------------------------------------------------------------------------------
// An HTTP Digest verifier written independently of src/net/digest.ts (RFC 7616 §3.4.1), so a
// shared misreading of the RFC cannot hide: it recomputes the response from the password.

export interface DigestServerOptions {
  readonly username: string;
  readonly password: string;
  /** The challenge lines to send, in order; each is built with a fresh nonce. */
  readonly offer: readonly ("MD5" | "MD5-noalg" | "SHA-256" | "Basic")[];
  readonly realm?: string;
  readonly qop?: string;
}

export interface DigestLog {
  readonly authorization: string | undefined;
  readonly algorithm: string | null;
  readonly nc: string | null;
  readonly outcome: "challenged" | "stale" | "ok" | "rejected";
  readonly body: string;
}

export function parseAuthorizationParams(header: string): Record<string, string> {
  const out: Record<string, string> = {};
  const re = /([a-z*]+)=(?:"((?:[^"\\]|\\.)*)"|([^,\s]+))/gi;
  for (const m of header.replace(/^Digest\s+/i, "").matchAll(re)) {
    const name = (m[1] ?? "").toLowerCase();
    out[name] = m[2] !== undefined ? m[2].replace(/\\(.)/g, "$1") : (m[3] ?? "");
  }
  return out;
}

export function digestServerHandler(
  opts: DigestServerOptions,
  onOk: (req: http.IncomingMessage, res: http.ServerResponse, body: string) => void,
) {
  const realm = opts.realm ?? "IP Camera(C6536), test";
  const opaque = randomBytes(8).toString("hex");
  const nonces = new Map<string, { lastNc: number; stale: boolean }>();
  const log: DigestLog[] = [];
  const newNonce = (): string => {
    const n = randomBytes(12).toString("base64");
    nonces.set(n, { lastNc: 0, stale: false });
    return n;
  };
  const challenge = (res: http.ServerResponse, stale: boolean): void => {
    const lines = opts.offer.map((kind) => {
      if (kind === "Basic") return `Basic realm="${realm}"`;
      const alg = kind === "MD5-noalg" ? "" : `, algorithm=${kind}`;
      return `Digest realm="${realm}", qop="${opts.qop ?? "auth"}", nonce="${newNonce()}", opaque="${opaque}"${alg}${stale ? ", stale=true" : ""}`;
    });
    res.writeHead(401, { "www-authenticate": lines, "content-type": "text/plain" });
    res.end("unauthorized");
  };
  const handler: Handler = (req, res) => {
    void readBody(req).then((body) => {
      const authorization = req.headers.authorization;
      const record = (outcome: DigestLog["outcome"], p: Record<string, string> = {}): void => {
        log.push({ authorization, algorithm: p["algorithm"] ?? null, nc: p["nc"] ?? null, outcome, body });
      };
      if (!authorization?.startsWith("Digest ")) {
        record("challenged");
        challenge(res, false);
        return;
      }
      const p = parseAuthorizationParams(authorization);
      const alg = p["algorithm"] ?? "MD5";
      const hashName = alg === "SHA-256" ? "sha256" : alg === "MD5" ? "md5" : null;
      const state = nonces.get(p["nonce"] ?? "");
      const nc = parseInt(p["nc"] ?? "", 16);
      const H = (s: string): string =>
        createHash(hashName ?? "md5")
          .update(s)
          .digest("hex");
      const expected =
        hashName === null
          ? ""
          : H(
              [
                H(`${opts.username}:${realm}:${opts.password}`),
                p["nonce"],
                p["nc"],
                p["cnonce"],
                p["qop"],
                H(`${req.method}:${req.url}`),
              ].join(":"),
            );
      const valid =
        hashName !== null &&
        p["username"] === opts.username &&
        p["realm"] === realm &&
        p["uri"] === req.url &&
        p["opaque"] === opaque &&
        p["qop"] === "auth" &&
        /^[0-9a-f]{8}$/.test(p["nc"] ?? "") &&
        (p["cnonce"] ?? "").length >= 8 &&
        p["response"] === expected;
      if (!valid || !state) {
        record("rejected", p);
        challenge(res, false);
        return;
      }
      if (state.stale || !(nc > state.lastNc)) {
        record("stale", p);
        challenge(res, true);
        return;
      }
      state.lastNc = nc;
      record("ok", p);
      onOk(req, res, body);
    });
  };
  return {
    handler,
    log,
    /** Every nonce handed out so far stops being accepted (answered with stale=true). */
    expireNonces: () => nonces.forEach((n) => (n.stale = true)),
  };
}

/** The rejection of a promise that must reject (fails the test if it resolves). */
export async function rejectionOf(p: Promise<unknown>): Promise<unknown> {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error("expected the request to fail, but it succeeded");
}

/** A port on 127.0.0.1 where nothing listens (bound, then released). */
export async function closedPort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const { port } = s.address() as AddressInfo;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}
