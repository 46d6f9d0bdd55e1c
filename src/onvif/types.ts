import type { DeviceClock, ServiceMap } from "../domain/observation.ts";
import type { Device } from "../domain/site.ts";
import type { XmlElement } from "./xml/tree.ts";

/** The services the client routes to; the keys of the domain ServiceMap. */
export type ServiceName = keyof ServiceMap;

/** One SOAP request as ops/ describe it; the session adds envelope, security, routing and limits. */
export interface SoapRequest {
  /** Which service's XAddr receives it (ignored when `url` is given). */
  readonly service: ServiceName;
  /** Full SOAP action URI; goes into Content-Type (and wsa:Action when `addressing` is set). */
  readonly action: string;
  /** The body element, already serialised, using the prefixes of NS (declared on the envelope). */
  readonly body: string;
  /** A specific endpoint instead of the service address (a pull-point subscription). */
  readonly url?: string;
  /** Send WS-UsernameToken and answer HTTP Digest (default true). */
  readonly authenticate?: boolean;
  /** Add WS-Addressing headers (events): Action, MessageID, To, and these reference parameters echoed. */
  readonly addressing?: { readonly referenceParameters?: readonly XmlElement[] };
  /** Whole-exchange deadline in ms; defaults to the device's timeoutSeconds. */
  readonly deadlineMs?: number;
  /**
   * Bytes that several requests share (the pages of one search): this answer may use at most
   * what is left (and never more than the session's answer limit), and uses it up.
   */
  readonly budget?: ByteBudget;
}

/** What is left of a byte allowance shared by several requests; the session decrements it. */
export interface ByteBudget {
  remaining: number;
}

/** What GetSystemDateAndTime told us, and the offset every WS-UsernameToken is now signed with. */
export interface ClockSync {
  readonly clock: DeviceClock;
  /** deviceUTC − our clock, in ms (0 when the device gave no usable time). */
  readonly offsetMs: number;
}

/** Where the service map came from: GetServices, or the older GetCapabilities fallback. */
export interface ServiceDirectory {
  readonly services: ServiceMap;
  readonly source: "GetServices" | "GetCapabilities";
}

/** Minimal structured logger (pino-compatible); onvif/ never passes it a credential. */
export interface OnvifLogger {
  debug(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
}

/** One device's ONVIF session: clock offset, service routing, authentication, concurrency limit. */
export interface OnvifSession {
  readonly device: Device;
  /** Reads the device clock (unauthenticated first) and sets the signing offset. Throws OnvifError. */
  syncClock(): Promise<ClockSync>;
  /** The last clock reading, or null before the first successful one. */
  lastClock(): ClockSync | null;
  /** Our clock plus the device offset: "now" on the device, in ms. */
  deviceNow(): number;
  /** GetServices (GetCapabilities as fallback), cached for the session. Throws OnvifError. */
  directory(): Promise<ServiceDirectory>;
  /** Sends one request; returns the SOAP Body element. Throws OnvifError (faults mapped to kinds). */
  call(req: SoapRequest): Promise<XmlElement>;
  /** Rewrites a device-given address to the configured host:port when they differ (NAT). */
  rewriteAddress(url: string): string;
}
