/**
 * The outcome of asking a device one question. `unsupported` means the device lacks the
 * capability (no Profile G, no analytics service, ActionNotSupported): the rules turn it into
 * `unknown`, never into "ok". `failed` means we asked and got no usable answer.
 */
export type Probe<T> =
  | { readonly status: "ok"; readonly value: T }
  | { readonly status: "unsupported"; readonly reason: string }
  | { readonly status: "failed"; readonly error: ProbeError };

/** Why a device question failed, as the rules and the report need to tell it. */
export interface ProbeError {
  readonly kind: DeviceErrorKind;
  /** Human-readable, already free of credentials. */
  readonly message: string;
  /** The ONVIF fault subcode (e.g. "ter:NotAuthorized"), when the device sent one. */
  readonly faultCode?: string;
}

/**
 * Every way a device exchange can fail. `retryable` in net/ and onvif/ errors is derived from
 * this: timeout, network and server faults are worth retrying, the rest are not.
 */
export type DeviceErrorKind =
  | "timeout" // no whole answer within the deadline
  | "network" // connection refused, reset, DNS, ...
  | "tls" // certificate or pin mismatch
  | "auth" // HTTP 401/403 or ter:NotAuthorized
  | "not_supported" // ter:ActionNotSupported, gSOAP "not implemented", HTTP 404 on a service
  | "bad_argument" // ter:InvalidArgVal / InvalidArgs
  | "fault" // any other SOAP fault
  | "too_large" // the answer exceeded the size cap
  | "malformed" // not XML, not SOAP, DOCTYPE/entities, or missing required elements
  | "http"; // an unexpected HTTP status without a SOAP body

export const ok = <T>(value: T): Probe<T> => ({ status: "ok", value });
export const unsupported = <T>(reason: string): Probe<T> => ({ status: "unsupported", reason });
export const failed = <T>(error: ProbeError): Probe<T> => ({ status: "failed", error });
