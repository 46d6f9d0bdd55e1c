import type { DeviceClock } from "../domain/observation.ts";
import type { Device } from "../domain/site.ts";
import type { DeviceHttp, DeviceResponse } from "../net/types.ts";
import { asOnvifError, OnvifError, redactUrl } from "./errors.ts";
import { createLimit, type Limit } from "./limit.ts";
import {
  capabilitiesToMap,
  getCapabilitiesRequest,
  getServicesRequest,
  getSystemDateAndTimeRequest,
  parseServices,
  parseSystemDateAndTime,
  servicesToMap,
} from "./ops/device.ts";
import { rewriteXAddr } from "./routing/xaddr.ts";
import { addressingHeaders } from "./soap/addressing.ts";
import { buildEnvelope, soapContentType } from "./soap/envelope.ts";
import { interpretResponse } from "./soap/response.ts";
import { createNonceSource, usernameTokenHeader } from "./soap/wsse.ts";
import type {
  ClockSync,
  OnvifLogger,
  OnvifSession,
  ServiceDirectory,
  ServiceName,
  SoapRequest,
} from "./types.ts";
import { RootTagCache } from "./xml/parse.ts";
import type { XmlElement } from "./xml/tree.ts";

/** Largest SOAP answer we read; a 36-profile NVR answer is ~165 KB, so this is generous. */
export const DEFAULT_MAX_RESPONSE_BYTES = 8 * 1024 * 1024;

export interface OnvifSessionOptions {
  readonly device: Device;
  readonly http: DeviceHttp;
  /** Our clock in ms (injected: tests pass a fake). */
  readonly now: () => number;
  readonly logger?: OnvifLogger;
  readonly maxResponseBytes?: number;
  /** Aborts every request of this session (e.g. the whole check was cancelled). */
  readonly signal?: AbortSignal;
  /** The device's concurrency limit when other sessions share it (createDeviceLimits); default: the session's own. */
  readonly limit?: Limit;
}

/** Kinds after which GetServices is treated as absent and GetCapabilities asked instead. */
const DIRECTORY_FALLBACK_KINDS = new Set(["not_supported", "bad_argument", "fault", "malformed"]);

const SILENT: OnvifLogger = { debug: () => undefined, warn: () => undefined };

const operationOf = (action: string): string =>
  action.slice(action.lastIndexOf("/") + 1).replace(/Request$/, "");

/**
 * One device's ONVIF session. Holds the device clock offset (every WS-UsernameToken is signed
 * on the device's clock, since devices reject tokens outside a few seconds to minutes of their
 * own time), the service map, and the per-device concurrency limit. Credentials go both ways
 * on every authenticated request: a WS-UsernameToken header, and HTTP Digest when challenged,
 * so digest-only and token-only devices both work. Holds no sockets: `http` belongs to the caller.
 */
export function createOnvifSession(opts: OnvifSessionOptions): OnvifSession {
  const { device, http, now } = opts;
  const log = opts.logger ?? SILENT;
  const maxBytes = opts.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES;
  const limit = opts.limit ?? createLimit(device.maxConcurrency);
  const defaultDeadlineMs = Math.max(1, device.timeoutSeconds) * 1000;

  let offsetMs = 0;
  let lastSync: ClockSync | null = null;
  /** Bumped on every clock reading, so a failed call knows whether its token was already stale. */
  let clockGeneration = 0;
  let clockTried = false;
  let clockInFlight: Promise<ClockSync> | null = null;
  let directoryPromise: Promise<ServiceDirectory> | null = null;
  const nonce = createNonceSource();
  /** Envelopes already read: they repeat from one answer to the next, and across devices. */
  const envelopes = envelopesOf(http);
  /** "Operation at URL" for messages, per action and URL: the redaction is regex work. */
  const descriptions = new Map<string, string>();
  const describe = (action: string, url: string): string => {
    const key = `${action} ${url}`;
    let what = descriptions.get(key);
    if (what === undefined) {
      what = `${operationOf(action)} at ${redactUrl(url)}`;
      descriptions.set(key, what);
    }
    return what;
  };

  const deviceNow = (): number => now() + offsetMs;

  async function exchange(url: string, req: SoapRequest): Promise<XmlElement> {
    const authenticate = req.authenticate !== false;
    const headers: string[] = [];
    if (req.addressing) {
      headers.push(
        ...addressingHeaders({
          action: req.action,
          to: url,
          ...(req.addressing.referenceParameters
            ? { referenceParameters: req.addressing.referenceParameters }
            : {}),
        }),
      );
    }
    if (authenticate) {
      headers.push(
        usernameTokenHeader({
          username: device.username,
          password: device.password,
          deviceNowMs: deviceNow(),
          nonce: nonce(),
        }),
      );
    }
    const what = describe(req.action, url);
    const cap = req.budget ? Math.min(maxBytes, req.budget.remaining) : maxBytes;
    if (cap <= 0) {
      throw new OnvifError({
        kind: "too_large",
        message: `${what}: the answers before it used up their byte allowance`,
      });
    }
    let res: DeviceResponse;
    try {
      res = await limit(() =>
        http.request({
          url,
          method: "POST",
          headers: { "Content-Type": soapContentType(req.action) },
          body: buildEnvelope(headers, req.body),
          deadlineMs: req.deadlineMs ?? defaultDeadlineMs,
          maxBytes: cap,
          ...(authenticate ? { auth: { username: device.username, password: device.password } } : {}),
          tls: device.tls,
          ...(opts.signal ? { signal: opts.signal } : {}),
        }),
      );
    } catch (e) {
      throw prefixed(asOnvifError(e, device.password), what);
    }
    if (req.budget) req.budget.remaining -= res.body.length;
    try {
      return interpretResponse(res, what, envelopes);
    } catch (e) {
      const err = asOnvifError(e, device.password);
      throw err.message.startsWith(what) ? err : prefixed(err, what);
    }
  }

  function syncClock(): Promise<ClockSync> {
    if (clockInFlight) return clockInFlight;
    clockTried = true;
    clockInFlight = (async () => {
      let body: XmlElement;
      try {
        body = await exchange(device.onvif, getSystemDateAndTimeRequest(false));
      } catch (e) {
        const err = asOnvifError(e, device.password);
        if (err.kind !== "auth") throw err;
        // Some Hikvision, Panasonic and Digital Barriers units want credentials even here (agsh/onvif#178).
        log.debug(
          { device: device.id },
          "GetSystemDateAndTime refused without credentials; retrying with them",
        );
        body = await exchange(device.onvif, getSystemDateAndTimeRequest(true));
      }
      const ours = now();
      const sdt = parseSystemDateAndTime(body);
      offsetMs = sdt.utcMs === null ? 0 : sdt.utcMs - ours;
      clockGeneration++;
      const clock: DeviceClock = {
        deviceUtc: sdt.utcMs === null ? null : safeIso(sdt.utcMs),
        source: sdt.source,
        observedAt: new Date(ours).toISOString(),
        timezone: sdt.timezone,
        dateTimeType: sdt.dateTimeType,
      };
      lastSync = { clock, offsetMs };
      log.debug({ device: device.id, offsetMs, source: sdt.source }, "device clock read");
      return lastSync;
    })();
    const settled = clockInFlight;
    settled.then(
      () => (clockInFlight = null),
      () => (clockInFlight = null),
    );
    return settled;
  }

  async function loadDirectory(): Promise<ServiceDirectory> {
    try {
      const body = await call(getServicesRequest);
      return { services: servicesToMap(parseServices(body), device.onvif), source: "GetServices" };
    } catch (e) {
      const err = asOnvifError(e, device.password);
      if (!DIRECTORY_FALLBACK_KINDS.has(err.kind)) throw err;
      log.debug({ device: device.id, kind: err.kind }, "GetServices unavailable; using GetCapabilities");
      try {
        const body = await call(getCapabilitiesRequest);
        return { services: capabilitiesToMap(body, device.onvif), source: "GetCapabilities" };
      } catch (e2) {
        // Both calls failed: say so, not only the last one (the fallback's kind decides).
        const last = asOnvifError(e2, device.password);
        throw withMessage(last, `${last.message}; before it, ${err.message}`);
      }
    }
  }

  function directory(): Promise<ServiceDirectory> {
    if (!directoryPromise) {
      const p = loadDirectory();
      directoryPromise = p;
      // A failed lookup is not cached: the next call asks again.
      p.catch(() => {
        if (directoryPromise === p) directoryPromise = null;
      });
    }
    return directoryPromise;
  }

  async function addressOf(service: ServiceName): Promise<string> {
    if (service === "device") return device.onvif;
    const dir = await directory();
    const url = dir.services[service];
    if (!url) {
      throw new OnvifError({
        kind: "not_supported",
        message: `the device offers no ${service} service (per ${dir.source})`,
      });
    }
    return url;
  }

  async function call(req: SoapRequest): Promise<XmlElement> {
    const authenticate = req.authenticate !== false;
    if (authenticate && (!clockTried || clockInFlight)) {
      // Sign on the device clock from the first request on; if it cannot be read, our clock it is.
      await (clockInFlight ?? syncClock()).catch(() => undefined);
    }
    const url = req.url ?? (await addressOf(req.service));
    const generation = clockGeneration;
    try {
      return await exchange(url, req);
    } catch (e) {
      const err = asOnvifError(e, device.password);
      if (err.kind !== "auth" || !authenticate) throw err;
      // A token signed on a stale clock looks exactly like a wrong password: read the clock
      // once more (unless another request just did) and retry before calling it a login failure.
      if (generation === clockGeneration) {
        try {
          await syncClock();
        } catch {
          throw err;
        }
      }
      log.debug(
        { device: device.id, operation: operationOf(req.action) },
        "auth refused; retrying on a fresh clock",
      );
      return exchange(url, req);
    }
  }

  return {
    device,
    syncClock,
    lastClock: () => lastSync,
    deviceNow,
    directory,
    call,
    rewriteAddress: (url) => rewriteXAddr(url, device.onvif) ?? url,
  };
}

/**
 * One RootTagCache per HTTP client (one check, or one daemon), shared by all its sessions: the
 * devices of a site are mostly of one or two models, whose answers open with the same envelope
 * and declare the same namespaces inside, and working those out again for every device was a
 * tenth of a cold check's CPU per device against Hikvision-shaped answers (issue 13 §3). What it
 * remembers is a pure function of the tag text (its namespaces, and the names resolved in them),
 * so one device's answers cannot change how another's are read; it is bounded (RootTagCache).
 */
const ENVELOPES = new WeakMap<DeviceHttp, RootTagCache>();

function envelopesOf(http: DeviceHttp): RootTagCache {
  let cache = ENVELOPES.get(http);
  if (cache === undefined) {
    cache = new RootTagCache();
    ENVELOPES.set(http, cache);
  }
  return cache;
}

function prefixed(err: OnvifError, what: string): OnvifError {
  return withMessage(err, `${what}: ${err.message}`);
}

/** The same error (kind, retryability, fault details) with another message. */
function withMessage(err: OnvifError, message: string): OnvifError {
  return new OnvifError({
    kind: err.kind,
    message,
    retryable: err.retryable,
    subcodes: err.subcodes,
    ...(err.faultCode !== undefined ? { faultCode: err.faultCode } : {}),
    ...(err.httpStatus !== undefined ? { httpStatus: err.httpStatus } : {}),
  });
}

/** Years like 0 or 275760 cannot be written as ISO by Date; such a clock counts as unknown. */
function safeIso(ms: number): string | null {
  const d = new Date(ms);
  return Number.isNaN(d.getTime()) ? null : d.toISOString();
}
