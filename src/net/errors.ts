import type { NetErrorKind } from "./types.ts";

/**
 * Whether a failure is worth another try later. The caller (onvif/ session, poller) decides
 * *when*; this only says *whether*: a slow or unreachable device may come back, a wrong
 * certificate, a wrong password or an oversized answer will not change by retrying.
 */
export function isRetryableKind(kind: NetErrorKind, status?: number): boolean {
  switch (kind) {
    case "timeout":
    case "network":
      return true;
    case "tls":
    case "too_large":
    case "auth":
      return false;
    case "http":
      return status !== undefined && (status >= 500 || status === 429);
  }
}

export interface DeviceHttpErrorInit {
  readonly kind: NetErrorKind;
  /** Must already be free of credentials: the constructor does not redact. */
  readonly message: string;
  /** Already redacted. */
  readonly url: string;
  readonly status?: number;
  /** Node's error code (ECONNREFUSED, DEPTH_ZERO_SELF_SIGNED_CERT, ...), for diagnosis. */
  readonly code?: string;
  /** Overrides the kind's default, e.g. a caller abort is never worth retrying. */
  readonly retryable?: boolean;
  /** The caller's AbortSignal ended the request (as opposed to our own deadline). */
  readonly aborted?: boolean;
}

/**
 * The only error request() throws for device trouble. It deliberately carries no `cause`:
 * Node's own errors may hold the raw URL or socket details, so only their code and a
 * redacted message are kept.
 */
export class DeviceHttpError extends Error {
  readonly kind: NetErrorKind;
  readonly retryable: boolean;
  readonly url: string;
  // `declare`: absent fields stay absent instead of printing as undefined.
  declare readonly status?: number;
  declare readonly code?: string;
  readonly aborted: boolean;

  constructor(init: DeviceHttpErrorInit) {
    super(init.message);
    this.name = "DeviceHttpError";
    this.kind = init.kind;
    this.url = init.url;
    if (init.status !== undefined) this.status = init.status;
    if (init.code !== undefined) this.code = init.code;
    this.retryable = init.retryable ?? isRetryableKind(init.kind, init.status);
    this.aborted = init.aborted ?? false;
  }

  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      kind: this.kind,
      retryable: this.retryable,
      message: this.message,
      url: this.url,
      ...(this.status !== undefined ? { status: this.status } : {}),
      ...(this.code !== undefined ? { code: this.code } : {}),
      ...(this.aborted ? { aborted: true } : {}),
    };
  }
}

export const isDeviceHttpError = (e: unknown): e is DeviceHttpError => e instanceof DeviceHttpError;
