import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Secret } from "../../../src/domain/secret.ts";
import type { Camera, Device, Policy } from "../../../src/domain/site.ts";
import type { DeviceHttp, DeviceRequest, DeviceResponse } from "../../../src/net/types.ts";
import { NS } from "../../../src/onvif/namespaces.ts";
import { parseXml } from "../../../src/onvif/xml/parse.ts";
import { childLoose, type XmlElement } from "../../../src/onvif/xml/tree.ts";
import { FIXTURES, ONVIF_KIT } from "../../helpers/paths.ts";

export const PASSWORD = "s3cret-Pa55word";

export function testDevice(overrides: Partial<Device> = {}): Device {
  return {
    id: "nvr1",
    kind: "nvr",
    onvif: "http://203.0.113.7:8080/onvif/device_service",
    username: "monitor",
    password: new Secret(PASSWORD),
    timeoutSeconds: 5,
    maxConcurrency: 4,
    tls: null,
    ...overrides,
  };
}

export const POLICY: Policy = {
  retentionDays: 90,
  retentionToleranceHours: 24,
  maxRecordingLagSeconds: 300,
  maxGapMinutes: 10,
  maxClockDriftSeconds: 30,
  requiredZoneKinds: ["entrance", "living", "activity"],
  requireMotionDetection: false,
  pollIntervalSeconds: 30,
  probeIntervalSeconds: 300,
  retentionIntervalSeconds: 3600,
  graceSeconds: 120,
  graceByKind: {},
  recoverySeconds: 60,
};

export function camera(id: string, profile: string, overrides: Partial<Camera> = {}): Camera {
  return {
    id,
    name: id,
    device: "nvr1",
    profile,
    recording: null,
    zones: [],
    referenceImage: null,
    commissionedAt: null,
    streamUri: null,
    snapshotUri: null,
    ...overrides,
  };
}

export const fixture = (rel: string): string => readFileSync(join(FIXTURES, rel), "utf8");
export const sample = (name: string): string => readFileSync(join(ONVIF_KIT, "samples/valid", name), "utf8");

/** The SOAP Body element of an XML text (fixtures are whole envelopes). */
export function bodyOf(xml: string): XmlElement {
  const root = parseXml(xml);
  const body = childLoose(root, root.ns, "Body");
  if (!body) throw new Error("no Body");
  return body;
}

/** A bare body element sample wrapped into an envelope, so parsers see what a device sends. */
export function envelope(inner: string): string {
  return `<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="${NS.soap12}" xmlns:tds="${NS.tds}" xmlns:trt="${NS.trt}" xmlns:tr2="${NS.tr2}" xmlns:trc="${NS.trc}" xmlns:tse="${NS.tse}" xmlns:tsc="${NS.tsc}" xmlns:tan="${NS.tan}" xmlns:tev="${NS.tev}" xmlns:tt="${NS.tt}" xmlns:tns1="${NS.tns1}" xmlns:wsnt="${NS.wsnt}" xmlns:wsa="${NS.wsa}" xmlns:ter="${NS.ter}"><s:Body>${inner}</s:Body></s:Envelope>`;
}

export function faultXml(code: string, subcodes: readonly string[], reason: string): string {
  const sub = subcodes.reduceRight((acc, s) => `<s:Subcode><s:Value>${s}</s:Value>${acc}</s:Subcode>`, "");
  return envelope(
    `<s:Fault><s:Code><s:Value>${code}</s:Value>${sub}</s:Code><s:Reason><s:Text xml:lang="en">${reason}</s:Text></s:Reason></s:Fault>`,
  );
}

/** One request as the fake device saw it. */
export interface SeenRequest {
  readonly req: DeviceRequest;
  /** Operation name from the SOAP action ("GetRecordings", "PullMessages", ...). */
  readonly op: string;
  readonly action: string;
  readonly xml: string;
  readonly envelope: XmlElement;
  /** First Body child. */
  readonly bodyElement: XmlElement;
  readonly header: XmlElement | null;
}

export type Reply = string | DeviceResponse | Error;
export type Route = Reply | ((seen: SeenRequest, nth: number) => Reply | Promise<Reply>);

export const response = (xml: string, status = 200): DeviceResponse => ({
  status,
  headers: { "content-type": "application/soap+xml; charset=utf-8" },
  body: Buffer.from(xml, "utf8"),
});

export interface FakeDeviceHttp extends DeviceHttp {
  readonly seen: SeenRequest[];
  opsSeen(): string[];
}

/**
 * An in-memory device: requests are routed by SOAP operation name to canned answers (a
 * string is a 200 SOAP answer; an Error is thrown like net/ would). Unrouted operations
 * answer with ter:ActionNotSupported, as a real device would.
 */
export function fakeHttp(routes: Readonly<Record<string, Route>>): FakeDeviceHttp {
  const seen: SeenRequest[] = [];
  const counts = new Map<string, number>();
  return {
    seen,
    opsSeen: () => seen.map((s) => s.op),
    async request(req) {
      const ct = req.headers?.["Content-Type"] ?? "";
      const action = /action="([^"]+)"/.exec(ct)?.[1] ?? "";
      const op = action.slice(action.lastIndexOf("/") + 1).replace(/Request$/, "");
      const xml = typeof req.body === "string" ? req.body : (req.body?.toString("utf8") ?? "");
      const env = parseXml(xml);
      const body = childLoose(env, NS.soap12, "Body");
      const first = body?.children[0];
      if (!first) throw new Error(`request without a body element: ${op}`);
      const s: SeenRequest = {
        req,
        op,
        action,
        xml,
        envelope: env,
        bodyElement: first,
        header: childLoose(env, NS.soap12, "Header"),
      };
      seen.push(s);
      const nth = counts.get(op) ?? 0;
      counts.set(op, nth + 1);
      const route = routes[op];
      const reply: Reply =
        route === undefined
          ? response(
              faultXml("s:Receiver", ["ter:ActionNotSupported"], "Optional Action Not Implemented"),
              500,
            )
          : typeof route === "function"
            ? await route(s, nth)
            : route;
      if (reply instanceof Error) throw reply;
      return typeof reply === "string" ? response(reply) : reply;
    },
    close: () => Promise.resolve(),
  };
}

/** A net/-shaped error (kind + retryable), as DeviceHttp implementations throw. */
export function netError(
  kind: "timeout" | "network" | "tls" | "too_large" | "auth" | "http",
  message: string,
): Error {
  return Object.assign(new Error(message), { kind, retryable: kind === "timeout" || kind === "network" });
}

/** Text of the wsu:Created in a request's WS-Security header, or null. */
export function createdOf(s: SeenRequest): string | null {
  const sec = childLoose(s.header, NS.wsse, "Security");
  const tok = childLoose(sec, NS.wsse, "UsernameToken");
  return childLoose(tok, NS.wsu, "Created")?.text ?? null;
}

/** A GetSystemDateAndTimeResponse with the given UTC instant. */
export function systemDateAndTime(utcMs: number, tz = "CST-8"): string {
  const d = new Date(utcMs);
  return envelope(
    `<tds:GetSystemDateAndTimeResponse><tds:SystemDateAndTime><tt:DateTimeType>NTP</tt:DateTimeType>` +
      `<tt:DaylightSavings>false</tt:DaylightSavings><tt:TimeZone><tt:TZ>${tz}</tt:TZ></tt:TimeZone>` +
      `<tt:UTCDateTime><tt:Time><tt:Hour>${d.getUTCHours()}</tt:Hour><tt:Minute>${d.getUTCMinutes()}</tt:Minute><tt:Second>${d.getUTCSeconds()}</tt:Second></tt:Time>` +
      `<tt:Date><tt:Year>${d.getUTCFullYear()}</tt:Year><tt:Month>${d.getUTCMonth() + 1}</tt:Month><tt:Day>${d.getUTCDate()}</tt:Day></tt:Date></tt:UTCDateTime>` +
      `</tds:SystemDateAndTime></tds:GetSystemDateAndTimeResponse>`,
  );
}

/** A GetServicesResponse listing these namespace → XAddr pairs. */
export function servicesXml(services: Readonly<Record<string, string>>): string {
  return envelope(
    `<tds:GetServicesResponse>${Object.entries(services)
      .map(
        ([ns, x]) =>
          `<tds:Service><tds:Namespace>${ns}</tds:Namespace><tds:XAddr>${x.replace(/&/g, "&amp;")}</tds:XAddr><tds:Version><tt:Major>2</tt:Major><tt:Minor>40</tt:Minor></tds:Version></tds:Service>`,
      )
      .join("")}</tds:GetServicesResponse>`,
  );
}
