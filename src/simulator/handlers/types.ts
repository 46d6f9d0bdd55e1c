import type { SimDevice } from "../device.ts";
import type { XNode } from "../soapRequest.ts";

/** What a handler sees of one request. */
export interface Ctx {
  readonly device: SimDevice;
  /** The first element of the SOAP Body. */
  readonly op: XNode;
  readonly header: XNode | null;
  /** The request path (the subscription endpoints carry their id in it). */
  readonly path: string;
  /** Resolves when the client goes away or the simulator stops (for long polls). */
  readonly closed: Promise<void>;
}

/** The body element (and optional header blocks) of an answer. Faults are thrown as FaultAnswer. */
export interface Answer {
  readonly body: string;
  readonly header?: string;
}

export type Handler = (ctx: Ctx) => string | Answer | Promise<string | Answer>;

/** One ONVIF service as the simulated device exposes it on one path. */
export interface ServiceDef {
  readonly key: ServiceKey;
  /** Body element namespaces this endpoint accepts. */
  readonly namespaces: readonly string[];
  readonly enabled: (d: SimDevice) => boolean;
  readonly handlers: Readonly<Record<string, Handler>>;
}

export type ServiceKey =
  | "device"
  | "media"
  | "media2"
  | "recording"
  | "search"
  | "schedule"
  | "analytics"
  | "events"
  | "deviceio"
  | "subscription";

/** Where each service lives on the device. */
export const SERVICE_PATHS: Readonly<Record<Exclude<ServiceKey, "subscription">, string>> = {
  device: "/onvif/device_service",
  media: "/onvif/media",
  media2: "/onvif/media2",
  recording: "/onvif/recording",
  search: "/onvif/search",
  schedule: "/onvif/schedule",
  analytics: "/onvif/analytics",
  events: "/onvif/events",
  deviceio: "/onvif/deviceio",
};

/** Operations ONVIF Core lets anyone call (access class PRE_AUTH). */
export const PRE_AUTH = new Set([
  "GetSystemDateAndTime",
  "GetServices",
  "GetCapabilities",
  "GetServiceCapabilities",
]);
