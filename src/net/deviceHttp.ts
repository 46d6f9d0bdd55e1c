import { randomBytes } from "node:crypto";
import http from "node:http";
import https from "node:https";
import { urlToHttpOptions } from "node:url";
import { digestAuthorization, type DigestChallenge } from "./digest.ts";
import { parseAuthChallenges, parseNextNonce, pickDigestChallenge } from "./digestChallenge.ts";
import { DeviceHttpError } from "./errors.ts";
import { Cancellation, ExchangeError, exchange, type ExchangeResult } from "./exchange.ts";
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

/** Sentinels telling why the request was cancelled. */
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

/** A device URL parsed once: what every request to it needs. */
interface Target {
  /** Without userinfo: Node would turn it into a Basic Authorization header. */
  readonly url: URL;
  /** What http.request makes of `url` (urlToHttpOptions), worked out once. */
  readonly options: http.RequestOptions;
  readonly origin: string;
  /** The request-target: path plus query. */
  readonly uri: string;
  /** Credentials from the URL's userinfo, if any. */
  readonly userinfo: Credentials | null;
}

/** Parsed URLs kept per client: a fleet has a handful per device; a hostile caller cannot grow it past this. */
const MAX_TARGETS = 4096;

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
  const targets = new Map<string, Target>();
  let closed = false;

  const agentFor = (target: Target, tlsKey: string, tlsOptions: https.AgentOptions): http.Agent => {
    const key = `${target.origin}|${tlsKey}`;
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
        target.url.protocol === "https:"
          ? new https.Agent({ ...common, ...tlsOptions })
          : new http.Agent(common);
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

    const errors = new RequestErrors(req);

    if (closed) throw errors.make("network", "the device HTTP client is closed", { retryable: false });
    let target = targets.get(req.url);
    if (target === undefined) {
      let url: URL;
      try {
        url = new URL(req.url);
      } catch {
        // Node's own error keeps the raw URL in `input`: never let it out.
        throw errors.make("network", `invalid URL ${errors.safeUrl}`, {
          retryable: false,
        });
      }
      if (url.protocol !== "http:" && url.protocol !== "https:") {
        throw errors.make("network", `unsupported protocol ${url.protocol}`, { retryable: false });
      }
      const userinfo = url.username
        ? { username: safeDecode(url.username), password: safeDecode(url.password) }
        : null;
      url.username = "";
      url.password = "";
      target = {
        url,
        options: urlToHttpOptions(url),
        origin: url.origin,
        uri: `${url.pathname}${url.search}`,
        userinfo,
      };
      // Only URLs without credentials are kept: no password outlives the request that carried it.
      if (userinfo === null) {
        if (targets.size >= MAX_TARGETS) targets.clear();
        targets.set(req.url, target);
      }
    }
    const { url } = target;
    const creds: Credentials | null = req.auth
      ? { username: req.auth.username, password: req.auth.password.reveal() }
      : target.userinfo;

    const plan = url.protocol === "https:" ? tlsPlan(req.tls) : PLAIN;
    if (!plan.ok) throw errors.make("tls", plan.reason);
    const agent = agentFor(target, plan.key, plan.agentOptions);

    const cancel = new Cancellation();
    const timer = setTimeout(() => cancel.cancel(DEADLINE), req.deadlineMs);
    const onCallerAbort = req.signal ? (): void => cancel.cancel(CALLER) : null;
    if (onCallerAbort && req.signal?.aborted) onCallerAbort();
    if (onCallerAbort) req.signal?.addEventListener("abort", onCallerAbort, { once: true });

    const body =
      req.body === undefined ? null : Buffer.isBuffer(req.body) ? req.body : Buffer.from(req.body, "utf8");
    const baseHeaders: Record<string, string> = { "user-agent": userAgent, accept: "*/*" };
    for (const [k, v] of Object.entries(req.headers ?? {})) baseHeaders[k.toLowerCase()] = v;
    if (body !== null) baseHeaders["content-length"] = String(body.length);
    const cacheKey = creds ? `${target.origin}\n${creds.username}` : "";
    const { uri } = target;

    const pin = url.protocol === "https:" ? plan.pin : null;

    try {
      // fresh: the Authorization we send answers a challenge received during THIS call, so a
      // 401 to it means the credentials are wrong, not that a cached nonce went stale.
      let fresh = false;
      let resetRetried = false;
      for (;;) {
        const cached = creds ? challenges.get(cacheKey) : undefined;
        const authorization = creds && cached ? digestAnswer(cached, creds, req.method, uri, body) : null;
        let res: ExchangeResult;
        try {
          res = await exchange({
            url,
            options: target.options,
            method: req.method,
            headers: authorization ? { ...baseHeaders, authorization } : baseHeaders,
            body,
            agent,
            maxBytes: req.maxBytes,
            cancel,
            pin,
          });
        } catch (e) {
          if (e instanceof ExchangeError && e.reusedSocketReset && !resetRetried) {
            resetRetried = true;
            continue;
          }
          throw e;
        }
        if (res.status !== 401 || !creds) {
          if (cached) {
            const next = parseNextNonce(res.message.headersDistinct["authentication-info"]);
            if (next) {
              cached.challenge = { ...cached.challenge, nonce: next };
              cached.nc = 0;
            }
          }
          return { status: res.status, headers: res.headers, body: res.body };
        }
        const offered = res.message.headersDistinct["www-authenticate"];
        const challenge = pickDigestChallenge(offered);
        if (fresh || !challenge) {
          challenges.delete(cacheKey);
          throw errors.make("auth", authFailureMessage(fresh, offered, creds.username), { status: 401 });
        }
        // First contact, or a cached nonce the device no longer accepts (stale=true or not): answer anew once.
        challenges.set(cacheKey, { challenge, nc: 0 });
        fresh = true;
      }
    } catch (e) {
      if (e instanceof DeviceHttpError) throw e;
      if (e instanceof ExchangeError)
        throw fromExchangeError(e, req.deadlineMs, (k, m, x) => errors.make(k, m, x));
      throw errors.make("network", e instanceof Error ? e.message : String(e));
    } finally {
      clearTimeout(timer);
      if (onCallerAbort) req.signal?.removeEventListener("abort", onCallerAbort);
    }
  }

  function close(): Promise<void> {
    closed = true;
    for (const agent of agents.values()) agent.destroy();
    agents.clear();
    challenges.clear();
    targets.clear();
    return Promise.resolve();
  }

  return { request, close };
}

/** The Authorization answering a cached challenge, with the nonce count advanced. */
function digestAnswer(
  entry: CachedChallenge,
  c: Credentials,
  method: string,
  uri: string,
  body: Buffer | null,
): string {
  entry.nc += 1;
  return digestAuthorization({
    challenge: entry.challenge,
    username: c.username,
    password: c.password,
    method,
    uri,
    nc: entry.nc,
    cnonce: randomBytes(16).toString("hex"),
    ...(body !== null ? { body } : {}),
  });
}

/** No TLS settings: what every plain-HTTP request uses (tlsPlan is pure). */
const PLAIN = tlsPlan(null);

/**
 * Errors of one request, redacted: the secrets it must not show (its password, also as written in
 * the URL) and its URL with them hidden are worked out only when an error is reported, since
 * redaction is regex work every request would otherwise pay. (A class: tsx names each closure it
 * creates, and this one would be created on every request.)
 */
class RequestErrors {
  #secrets: string[] | null = null;
  #safeUrl: string | null = null;

  constructor(private readonly req: DeviceRequest) {}

  get secrets(): string[] {
    if (this.#secrets === null) {
      const secrets: string[] = [];
      if (this.req.auth) secrets.push(this.req.auth.password.reveal());
      const userinfoPassword = rawUserinfoPassword(this.req.url);
      if (userinfoPassword) secrets.push(userinfoPassword, safeDecode(userinfoPassword));
      this.#secrets = secrets;
    }
    return this.#secrets;
  }

  get safeUrl(): string {
    this.#safeUrl ??= redactText(redactUrl(this.req.url), this.secrets);
    return this.#safeUrl;
  }

  make(
    kind: NetErrorKind,
    message: string,
    extra: Partial<ConstructorParameters<typeof DeviceHttpError>[0]> = {},
  ): DeviceHttpError {
    return new DeviceHttpError({
      kind,
      message: redactText(message, this.secrets),
      url: this.safeUrl,
      ...extra,
    });
  }
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
