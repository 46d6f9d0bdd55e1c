import type { DeviceInfo, ServiceMap } from "../../domain/observation.ts";
import { OnvifError } from "../errors.ts";
import { NS } from "../namespaces.ts";
import { rewriteXAddr } from "../routing/xaddr.ts";
import { serviceForNamespace } from "../routing/serviceNames.ts";
import { requireResponse, responseElement } from "../soap/response.ts";
import { daysInMonth } from "../../domain/time.ts";
import { localToUtcMs, parsePosixTz } from "../time/posixTz.ts";
import type { OnvifSession, ServiceName, SoapRequest } from "../types.ts";
import { childLoose, childrenLoose, childText, type XmlElement } from "../xml/tree.ts";

const action = (op: string): string => `${NS.tds}/${op}`;

/** PRE_AUTH in ONVIF Core; the session sends it unauthenticated first. */
export const getSystemDateAndTimeRequest = (authenticate: boolean): SoapRequest => ({
  service: "device",
  action: action("GetSystemDateAndTime"),
  body: "<tds:GetSystemDateAndTime/>",
  authenticate,
});

export interface SystemDateAndTime {
  /** The device's UTC "now" in ms, or null when it gave neither a valid UTC nor local time + TZ. */
  readonly utcMs: number | null;
  readonly source: "utc" | "local+tz" | "none";
  readonly timezone: string | null;
  readonly dateTimeType: "NTP" | "Manual" | null;
  readonly daylightSavings: boolean | null;
}

/** Date/Time fields as a UTC-based wall clock; null when a field is missing or impossible. */
function readDateTime(el: XmlElement | null): number | null {
  if (!el) return null;
  const num = (parent: string, field: string): number | null => {
    const t = childText(childLoose(el, NS.tt, parent), NS.tt, field);
    if (t === null || !/^\d+$/.test(t)) return null;
    return Number(t);
  };
  const y = num("Date", "Year");
  const mo = num("Date", "Month");
  const d = num("Date", "Day");
  const h = num("Time", "Hour");
  const mi = num("Time", "Minute");
  const s = num("Time", "Second");
  if (y === null || mo === null || d === null || h === null || mi === null || s === null) return null;
  if (mo < 1 || mo > 12 || d < 1 || d > daysInMonth(y, mo) || h > 23 || mi > 59 || s > 60) return null;
  const t = new Date(0);
  // setUTCFullYear keeps years below 100 literal (Date.UTC would map 5 to 1905).
  t.setUTCFullYear(y, mo - 1, d);
  t.setUTCHours(h, mi, Math.min(s, 59), 0);
  return t.getTime();
}

/**
 * Device time from UTCDateTime; only when that is missing or invalid, from LocalDateTime with
 * the POSIX TZ. A clock that is years off is still reported as it is: we must sign with it,
 * and the rules judge its plausibility.
 */
export function parseSystemDateAndTime(body: XmlElement): SystemDateAndTime {
  const resp = requireResponse(body, NS.tds, "GetSystemDateAndTimeResponse");
  const sdt = childLoose(resp, NS.tds, "SystemDateAndTime");
  if (!sdt)
    throw new OnvifError({
      kind: "malformed",
      message: "GetSystemDateAndTimeResponse has no SystemDateAndTime",
    });
  const type = childText(sdt, NS.tt, "DateTimeType");
  const dst = childText(sdt, NS.tt, "DaylightSavings");
  const timezone = childText(childLoose(sdt, NS.tt, "TimeZone"), NS.tt, "TZ") || null;
  const common = {
    timezone,
    dateTimeType: type === "NTP" || type === "Manual" ? type : null,
    daylightSavings: dst === "true" || dst === "1" ? true : dst === "false" || dst === "0" ? false : null,
  } as const;
  const utc = readDateTime(childLoose(sdt, NS.tt, "UTCDateTime"));
  if (utc !== null) return { ...common, utcMs: utc, source: "utc" };
  const local = readDateTime(childLoose(sdt, NS.tt, "LocalDateTime"));
  const tz = parsePosixTz(timezone);
  if (local !== null && tz) return { ...common, utcMs: localToUtcMs(tz, local), source: "local+tz" };
  return { ...common, utcMs: null, source: "none" };
}

export async function getDeviceInformation(session: OnvifSession): Promise<DeviceInfo> {
  const body = await session.call({
    service: "device",
    action: action("GetDeviceInformation"),
    body: "<tds:GetDeviceInformation/>",
  });
  return parseDeviceInformation(body);
}

export function parseDeviceInformation(body: XmlElement): DeviceInfo {
  const r = requireResponse(body, NS.tds, "GetDeviceInformationResponse");
  const f = (name: string): string => childText(r, NS.tds, name) ?? "";
  return {
    manufacturer: f("Manufacturer"),
    model: f("Model"),
    firmwareVersion: f("FirmwareVersion"),
    serialNumber: f("SerialNumber"),
    hardwareId: f("HardwareId"),
  };
}

/** IncludeCapability=false: the answer stays small; capabilities are asked per service when needed. */
export const getServicesRequest: SoapRequest = {
  service: "device",
  action: action("GetServices"),
  body: "<tds:GetServices><tds:IncludeCapability>false</tds:IncludeCapability></tds:GetServices>",
};

export interface ListedService {
  readonly namespace: string;
  readonly xaddr: string;
  readonly version: string | null;
}

export function parseServices(body: XmlElement): ListedService[] {
  const r = responseElement(body, NS.tds, "GetServicesResponse");
  if (!r) throw new OnvifError({ kind: "malformed", message: "answer has no GetServicesResponse" });
  return childrenLoose(r, NS.tds, "Service").flatMap((s) => {
    const namespace = childText(s, NS.tds, "Namespace");
    const xaddr = childText(s, NS.tds, "XAddr");
    if (!namespace || !xaddr) return [];
    const v = childLoose(s, NS.tds, "Version");
    const major = childText(v, NS.tt, "Major");
    const minor = childText(v, NS.tt, "Minor");
    return [{ namespace, xaddr, version: major !== null ? `${major}.${minor ?? "0"}` : null }];
  });
}

/**
 * Service map from GetServices, XAddrs rewritten for NAT. The device service stays at the
 * configured URL: that address is known to work, and some devices list a path there that
 * differs from the one they actually answer on.
 */
export function servicesToMap(listed: readonly ListedService[], configuredUrl: string): ServiceMap {
  const map: Partial<Record<ServiceName, string>> = {};
  for (const s of listed) {
    const name = serviceForNamespace(s.namespace);
    if (!name || name === "device" || map[name] !== undefined) continue;
    const url = rewriteXAddr(s.xaddr, configuredUrl);
    if (url) map[name] = url;
  }
  return { ...map, device: configuredUrl };
}

export const getCapabilitiesRequest: SoapRequest = {
  service: "device",
  action: action("GetCapabilities"),
  body: "<tds:GetCapabilities><tds:Category>All</tds:Category></tds:GetCapabilities>",
};

/**
 * The older GetCapabilities answer as a service map. It lists Recording, Search, Replay and
 * DeviceIO only under Extension, and knows nothing of Media2, Schedule or Analytics 2.0
 * (Analytics here is the analytics service address, which is what GetRules goes to).
 */
export function capabilitiesToMap(body: XmlElement, configuredUrl: string): ServiceMap {
  const r = requireResponse(body, NS.tds, "GetCapabilitiesResponse");
  const caps = childLoose(r, NS.tds, "Capabilities");
  const ext = childLoose(caps, NS.tt, "Extension");
  const entries: [ServiceName, XmlElement | null][] = [
    ["analytics", childLoose(caps, NS.tt, "Analytics")],
    ["events", childLoose(caps, NS.tt, "Events")],
    ["media", childLoose(caps, NS.tt, "Media")],
    ["deviceio", childLoose(ext, NS.tt, "DeviceIO")],
    ["recording", childLoose(ext, NS.tt, "Recording")],
    ["search", childLoose(ext, NS.tt, "Search")],
    ["replay", childLoose(ext, NS.tt, "Replay")],
  ];
  const map: Partial<Record<ServiceName, string>> = {};
  for (const [name, el] of entries) {
    const x = childText(el, NS.tt, "XAddr");
    const url = x ? rewriteXAddr(x, configuredUrl) : null;
    if (url) map[name] = url;
  }
  return { ...map, device: configuredUrl };
}

/** GetServiceCapabilities of any service: the attributes of its Capabilities element. */
export async function getServiceCapabilities(
  session: OnvifSession,
  service: Exclude<ServiceName, "device">,
  ns: string,
  prefix: string,
): Promise<Readonly<Record<string, string>>> {
  const body = await session.call({
    service,
    action: `${ns}/GetServiceCapabilities`,
    body: `<${prefix}:GetServiceCapabilities xmlns:${prefix}="${ns}"/>`,
  });
  return parseServiceCapabilities(body);
}

export function parseServiceCapabilities(body: XmlElement): Readonly<Record<string, string>> {
  const resp = body.children.find((c) => c.local === "GetServiceCapabilitiesResponse") ?? null;
  const caps = resp ? (resp.children.find((c) => c.local === "Capabilities") ?? null) : null;
  if (!caps) throw new OnvifError({ kind: "malformed", message: "answer has no Capabilities" });
  return Object.fromEntries(caps.attrs.filter((a) => a.ns === "").map((a) => [a.local, a.value]));
}
