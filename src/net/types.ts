import type { DeviceErrorKind } from "../domain/probe.ts";
import type { Secret } from "../domain/secret.ts";
import type { DeviceTls } from "../domain/site.ts";

/** One request to a device. Every field that bounds the exchange is required: no defaults hide a missing deadline. */
export interface DeviceRequest {
  readonly url: string;
  readonly method: "GET" | "POST";
  readonly headers?: Readonly<Record<string, string>>;
  readonly body?: string | Buffer;
  /** Deadline for the whole exchange (connect, send, headers and the full body), in ms. Not an idle timer. */
  readonly deadlineMs: number;
  /** Larger answers are aborted as `too_large` as soon as the cap is passed, never buffered whole. */
  readonly maxBytes: number;
  /** Credentials for HTTP Digest (MD5, SHA-256; qop auth), answered when the device challenges. */
  readonly auth?: { readonly username: string; readonly password: Secret };
  readonly tls?: DeviceTls | null;
  /** Cancels the request early (e.g. the whole check was aborted). */
  readonly signal?: AbortSignal;
}

export interface DeviceResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string | string[] | undefined>>;
  readonly body: Buffer;
}

/** The one HTTP client for devices; onvif/ and (later) media/ snapshot fetches use it. */
export interface DeviceHttp {
  request(req: DeviceRequest): Promise<DeviceResponse>;
  /** Closes pooled connections. */
  close(): Promise<void>;
}

export type NetErrorKind = Extract<
  DeviceErrorKind,
  "timeout" | "network" | "tls" | "too_large" | "auth" | "http"
>;
