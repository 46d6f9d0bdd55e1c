import { randomBytes } from "node:crypto";
import http from "node:http";
import https from "node:https";
import { digestAuthorization, type DigestChallenge } from "./digest.ts";
import { parseAuthChallenges, parseNextNonce, pickDigestChallenge } from "./digestChallenge.ts";
import { DeviceHttpError } from "./errors.ts";
import { ExchangeError, exchange, type ExchangeResult } from "./exchange.ts";
import { redactText, redactUrl } from "./redact.ts";
import { tlsPlan } from "./tlsOptions.ts";
import type { DeviceHttp, DeviceRequest, DeviceResponse, NetErrorKind } from "./types.ts";

export interface DeviceHttpOptions {
  /** Sockets kept per origin (and TLS settings). Default 4. */
  readonly maxSocketsPerOrigin?: number;
  readonly userAgent?: string;
  /**
   * Idle kept-alive sockets are closed after this many ms. Default 4000: devices commonly drop
   * idle connections after 5-15 s, and a socket they dropped fails the next request.
   */
  readonly idleSocketMs?: number;
}

/** Sentinels telling why the internal controller aborted. */
const DEADLINE = Symbol("deadline");
const CALLER = Symbol("caller");

interface CachedChallenge {
  challenge: DigestChallenge;
  /** Last nonce count used with this nonce. */
  nc: number;
}

interface Credentials {
  readonly username: string;
  readonly password: string;
}

/**
 * The one HTTP client for devices. Behaviour callers rely on:
 * - Non-2xx answers are returned, not thrown (SOAP faults arrive as 400/500 with a body).
 * - A 401 is returned as is when no credentials are configured (the caller decides, e.g. retry
 *   with WS-UsernameToken). With credentials, a 401 to our Digest answer throws kind `auth`, and so
 *   does a 401 offering no Digest challenge (Basic is never answered: it sends the password in clear).
 * - The deadline bounds the whole request() call, including the Digest round trip.
 * - Credentials come from `auth`; without it, userinfo in the URL is used for Digest. Userinfo is
 *   never sent as such (Node would turn it into Basic).
 * - A caller abort throws kind `timeout` with `aborted: true` and `retryable: false`.
 * - `tls` is ignored for http: URLs. Redirects are not followed.
 */
export function createDeviceHttp(opts: DeviceHttpOptions = {}): DeviceHttp {
  const maxSockets = opts.maxSocketsPerOrigin ?? 4;
  const userAgent = opts.userAgent ?? "nurserywatch";
  const idleSocketMs = opts.idleSocketMs ?? 4000;
  const agents = new Map<string, http.Agent>();
  const challenges = new Map<string, CachedChallenge>();
  let closed = false;

  const agentFor = (url: URL, tlsKey: string, tlsOptions: https.AgentOptions): http.Agent => {
    const key = `${url.origin}|${tlsKey}`;
    let agent = agents.get(key);
    if (!agent) {
      // lifo: reuse the most recently used socket, the one least likely to have been dropped.
      const common = {
        keepAlive: true,
        maxSockets,
        maxFreeSockets: maxSockets,
        timeout: idleSocketMs,
        scheduling: "lifo" as const,
      };
      agent =
        url.protocol === "https:" ? new https.Agent({ ...common, ...tlsOptions }) : new http.Agent(common);
      agents.set(key, agent);
    }
    return agent;
  };

  async function request(req: DeviceRequest): Promise<DeviceResponse> {
    if (!(req.deadlineMs > 0) || !Number.isFinite(req.deadlineMs))
      throw new TypeError("deadlineMs must be a positive number");
    if (!(req.maxBytes >= 0)) throw new TypeError("maxBytes must be a non-negative number");
    for (const name of Object.keys(req.headers ?? {})) {
      if (name.toLowerCase() === "authorization")
        throw new TypeError("pass credentials as `auth`, not as a header");
    }

    const secrets: string[] = [];
    if (req.auth) secrets.push(req.auth.password.reveal());
    const userinfoPassword = rawUserinfoPassword(req.url);
    if (userinfoPassword) secrets.push(userinfoPassword, safeDecode(userinfoPassword));
    const safeUrl = redactText(redactUrl(req.url), secrets);
    const error = (
      kind: NetErrorKind,
      message: string,
      extra: Partial<ConstructorParameters<typeof DeviceHttpError>[0]> = {},
    ) => new DeviceHttpError({ kind, message: redactText(message, secrets), url: safeUrl, ...extra });

    if (closed) throw error("network", "the device HTTP client is closed", { retryable: false });
    let url: URL;
    try {
      url = new URL(req.url);
    } catch {
      // Node's own error keeps the raw URL in `input`: never let it out.
      throw error("network", `invalid URL ${safeUrl}`, { retryable: false });
    }
    if (url.protocol !== "http:" && url.protocol !== "https:") {
      throw error("network", `unsupported protocol ${url.protocol}`, { retryable: false });
    }
    let creds: Credentials | null = req.auth
      ? { username: req.auth.username, password: req.auth.password.reveal() }
      : null;
    if (!creds && url.username)
      creds = { username: safeDecode(url.username), password: safeDecode(url.password) };
    url.username = "";
    url.password = "";

    const plan = url.protocol === "https:" ? tlsPlan(req.tls) : tlsPlan(null);
    if (!plan.ok) throw error("tls", plan.reason);
    const agent = agentFor(url, plan.key, plan.agentOptions);

    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(DEADLINE), req.deadlineMs);
    const onCallerAbort = (): void => controller.abort(CALLER);
    if (req.signal?.aborted) onCallerAbort();
    req.signal?.addEventListener("abort", onCallerAbort, { once: true });

    const body =
      req.body === undefined ? null : Buffer.isBuffer(req.body) ? req.body : Buffer.from(req.body, "utf8");
    const baseHeaders: Record<string, string> = { "user-agent": userAgent, accept: "*/*" };
    for (const [k, v] of Object.entries(req.headers ?? {})) baseHeaders[k.toLowerCase()] = v;
    if (body !== null) baseHeaders["content-length"] = String(body.length);
    const cacheKey = creds ? `${url.origin}\n${creds.username}` : "";
    const uri = `${url.pathname}${url.search}`;

    const send = (authorization: string | null): Promise<ExchangeResult> =>
      exchange({
        url,
        method: req.method,
        headers: authorization ? { ...baseHeaders, authorization } : baseHeaders,
        body,
        agent,
        maxBytes: req.maxBytes,
        signal: controller.signal,
        pin: url.protocol === "https:" ? plan.pin : null,
      });

    const answer = (entry: CachedChallenge, c: Credentials): string => {
      entry.nc += 1;
      return digestAuthorization({
        challenge: entry.challenge,
        username: c.username,
        password: c.password,
        method: req.method,
        uri,
        nc: entry.nc,
        cnonce: randomBytes(16).toString("hex"),
        ...(body !== null ? { body } : {}),
      });
    };

    try {
      // fresh: the Authorization we send answers a challenge received during THIS call, so a
      // 401 to it means the credentials are wrong, not that a cached nonce went stale.
      let fresh = false;
      let resetRetried = false;
      for (;;) {
        const cached = creds ? challenges.get(cacheKey) : undefined;
        const authorization = creds && cached ? answer(cached, creds) : null;
        let res: ExchangeResult;
        try {
          res = await send(authorization);
        } catch (e) {
          if (e instanceof ExchangeError && e.reusedSocketReset && !resetRetried) {
            resetRetried = true;
            continue;
          }
          throw e;
        }
        if (res.status !== 401 || !creds) {
          if (cached) {
            const next = parseNextNonce(res.headersDistinct["authentication-info"]);
            if (next) {
              cached.challenge = { ...cached.challenge, nonce: next };
              cached.nc = 0;
            }
          }
          return { status: res.status, headers: res.headers, body: res.body };
        }
        const offered = res.headersDistinct["www-authenticate"];
        const challenge = pickDigestChallenge(offered);
        if (fresh || !challenge) {
          challenges.delete(cacheKey);
          throw error("auth", authFailureMessage(fresh, offered, creds.username), { status: 401 });
        }
        // First contact, or a cached nonce the device no longer accepts (stale=true or not): answer anew once.
        challenges.set(cacheKey, { challenge, nc: 0 });
        fresh = true;
      }
    } catch (e) {
      if (e instanceof DeviceHttpError) throw e;
      if (e instanceof ExchangeError) throw fromExchangeError(e, req.deadlineMs, error);
      throw error("network", e instanceof Error ? e.message : String(e));
    } finally {
      clearTimeout(timer);
      req.signal?.removeEventListener("abort", onCallerAbort);
    }
  }

  function close(): Promise<void> {
    closed = true;
    for (const agent of agents.values()) agent.destroy();
    agents.clear();
    challenges.clear();
    return Promise.resolve();
  }

  return { request, close };
}

type ErrorFactory = (
  kind: NetErrorKind,
  message: string,
  extra?: Partial<ConstructorParameters<typeof DeviceHttpError>[0]>,
) => DeviceHttpError;

function fromExchangeError(e: ExchangeError, deadlineMs: number, error: ErrorFactory): DeviceHttpError {
  const where = `while ${e.phase}, ${e.receivedBytes} body bytes received`;
  const f = e.failure;
  if (f.kind === "aborted") {
    if (f.reason === CALLER)
      return error("timeout", `request aborted by the caller (${where})`, {
        retryable: false,
        aborted: true,
      });
    return error("timeout", `no complete answer within the ${deadlineMs} ms deadline (${where})`);
  }
  const code = f.code !== undefined ? { code: f.code } : {};
  return error(f.kind, `${e.message} (${where})`, code);
}

function authFailureMessage(
  fresh: boolean,
  offered: readonly string[] | undefined,
  username: string,
): string {
  if (fresh) return `the device rejected the Digest credentials of user "${username}"`;
  const schemes = parseAuthChallenges(offered).map((c) => c.scheme);
  if (schemes.includes("basic")) {
    return "the device offers only Basic authentication, which is never used (it sends the password in clear)";
  }
  return `the device answered 401 without a usable Digest challenge (offered: ${schemes.join(", ") || "none"})`;
}

/** The password part of URL userinfo exactly as written (maybe percent-encoded), or "". */
function rawUserinfoPassword(url: string): string {
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^\s/?#@:]*:([^\s/?#]*)@/i.exec(url);
  return m?.[1] ?? "";
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
