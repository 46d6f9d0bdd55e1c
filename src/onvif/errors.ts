import type { DeviceErrorKind, ProbeError } from "../domain/probe.ts";
import type { Secret } from "../domain/secret.ts";
import type { NetErrorKind } from "../net/types.ts";

export interface OnvifErrorInit {
  readonly kind: DeviceErrorKind;
  /** Must already be free of credentials. */
  readonly message: string;
  /** Defaults from the kind (see defaultRetryable). */
  readonly retryable?: boolean;
  /** The first ONVIF fault subcode, e.g. "ter:NotAuthorized". */
  readonly faultCode?: string;
  /** Every subcode, outermost first, as resolved QNames ("ter:ActionNotSupported", ...). */
  readonly subcodes?: readonly string[];
  readonly httpStatus?: number;
}

/**
 * The one error type onvif/ throws. `kind` decides what the rules make of it (auth →
 * device_unreachable with "login failed", not_supported → unknown/unsupported, ...), and
 * `retryable` whether a later attempt may succeed.
 */
export class OnvifError extends Error {
  readonly kind: DeviceErrorKind;
  readonly retryable: boolean;
  readonly faultCode?: string;
  readonly subcodes: readonly string[];
  readonly httpStatus?: number;

  constructor(init: OnvifErrorInit) {
    super(init.message);
    this.name = "OnvifError";
    this.kind = init.kind;
    this.retryable = init.retryable ?? defaultRetryable(init.kind, init.httpStatus);
    if (init.faultCode !== undefined) this.faultCode = init.faultCode;
    this.subcodes = init.subcodes ?? [];
    if (init.httpStatus !== undefined) this.httpStatus = init.httpStatus;
  }

  toProbeError(): ProbeError {
    return this.faultCode !== undefined
      ? { kind: this.kind, message: this.message, faultCode: this.faultCode }
      : { kind: this.kind, message: this.message };
  }
}

/** Timeouts, network trouble and server-side failures may pass; the rest will not change by retrying. */
export function defaultRetryable(kind: DeviceErrorKind, httpStatus?: number): boolean {
  switch (kind) {
    case "timeout":
    case "network":
      return true;
    case "http":
      return httpStatus !== undefined && (httpStatus >= 500 || httpStatus === 429);
    case "tls":
    case "auth":
    case "not_supported":
    case "bad_argument":
    case "fault":
    case "too_large":
    case "malformed":
      return false;
  }
}

const NET_KINDS: ReadonlySet<string> = new Set<NetErrorKind>([
  "timeout",
  "network",
  "tls",
  "too_large",
  "auth",
  "http",
]);

interface NetLikeError {
  readonly kind: NetErrorKind;
  readonly retryable: boolean;
  readonly message: string;
  readonly status?: number;
}

/** net/ errors are recognised by shape (kind + retryable), so onvif/ depends only on net/types.ts. */
function isNetLike(e: unknown): e is NetLikeError {
  if (typeof e !== "object" || e === null) return false;
  const o = e as Record<string, unknown>;
  return typeof o["kind"] === "string" && NET_KINDS.has(o["kind"]) && typeof o["retryable"] === "boolean";
}

/** Any thrown value as an OnvifError; net errors keep their kind and retryability. */
export function asOnvifError(e: unknown, secret?: Secret): OnvifError {
  if (e instanceof OnvifError) return secret ? rescrub(e, secret) : e;
  if (isNetLike(e)) {
    const status = typeof e.status === "number" ? e.status : undefined;
    return new OnvifError({
      kind: e.kind,
      message: scrub(e.message, secret),
      retryable: e.retryable,
      ...(status !== undefined ? { httpStatus: status } : {}),
    });
  }
  const msg = e instanceof Error ? e.message : String(e);
  return new OnvifError({
    kind: "network",
    message: scrub(`unexpected error: ${msg}`, secret),
    retryable: true,
  });
}

function rescrub(e: OnvifError, secret: Secret): OnvifError {
  const clean = scrub(e.message, secret);
  if (clean === e.message) return e;
  return new OnvifError({
    kind: e.kind,
    message: clean,
    retryable: e.retryable,
    subcodes: e.subcodes,
    ...(e.faultCode !== undefined ? { faultCode: e.faultCode } : {}),
    ...(e.httpStatus !== undefined ? { httpStatus: e.httpStatus } : {}),
  });
}

/**
 * Removes the password from text that came from elsewhere (a device echoing a request in its
 * fault, a library message). Very short passwords are skipped: masking "1" would mangle every
 * number in the message while hiding nothing an attacker could not guess.
 */
export function scrub(message: string, secret?: Secret): string {
  if (!secret) return message;
  const pw = secret.reveal();
  if (pw.length < 4) return message;
  return message.split(pw).join("[redacted]");
}

/** A URL fit for messages: no user-info. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.username || u.password) {
      u.username = "";
      u.password = "";
    }
    return u.toString();
  } catch {
    return "(invalid URL)";
  }
}
