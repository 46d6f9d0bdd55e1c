/**
 * A "device-like" ONVIF server for bench:check (issue 13 §3): many single-camera devices on one
 * port (device n under /d{n}/), answering with the shapes real devices send, replayed from the
 * captured responses in test/fixtures/devices rather than written by our own simulator:
 * - envelopes declaring 30–50 namespaces (vendor ones included), tab-indented, CRLF-free;
 * - the full-size GetServices of an OEM camera, with every service's capabilities inside
 *   (devices send them even when IncludeCapability is false), each in its vendor's namespaces;
 * - GetProfiles with every configuration (a Hikvision OEM camera's, 37 KB);
 * - every reply chunked (no Content-Length) and with `Connection: close`, as many devices do;
 * - PullMessages that answers the initial state once, then holds until its Timeout;
 * - FindEvents / FindRecordings results that say "Searching" before "Completed".
 * Authentication (DeviceLikeOptions.auth), as the devices issue 13 met ask for it:
 * - "none": accepts any WS-UsernameToken, checks nothing (the default);
 * - "digest": HTTP Digest required on every request (qop=auth, MD5 and/or SHA-256 challenges),
 *   the WS-UsernameToken ignored; a nonce is good for a minute (`nonce: "minute"`, the default,
 *   as Hikvision's) or on the connection it was issued on only (`nonce: "connection"`; with
 *   Connection: close no client gets through, ours and the `onvif` package alike, since the
 *   answer to a challenge goes out on a new connection);
 * - "wsse": the WS-UsernameToken checked (PasswordDigest, Created within 5 s of the server's
 *   clock, nonce not seen before); a bad one gets 400 with a ter:NotAuthorized fault.
 * Run as its own process, so its CPU is not
 * the checker's: prints one JSON line {url, port, devices} when listening; GET /stats gives the
 * number of SOAP requests answered.
 */
import { createHash, randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import http from "node:http";
import type { Socket } from "node:net";
import { join } from "node:path";
import { FIXTURES } from "./paths.ts";

const fixture = (rel: string): string => readFileSync(join(FIXTURES, rel), "utf8");

/** The envelope of a captured answer around other body content. */
function envelopeOf(xml: string): (inner: string) => string {
  const open = /<([\w-]+:)?Body[^>]*>/.exec(xml);
  const close = /<\/([\w-]+:)?Body>/.exec(xml);
  if (!open || !close) throw new Error("fixture without a SOAP Body");
  const head = xml.slice(0, open.index + open[0].length);
  const tail = xml.slice(close.index);
  return (inner) => `${head}\n\t\t${inner}\n\t${tail}`;
}

/** The namespace declarations on a captured answer's envelope, as attribute text. */
function declarationsOf(xml: string): string {
  const env = /<([\w-]+:)?Envelope([^>]*)>/.exec(xml);
  return (env?.[2] ?? "").replace(/\s+/g, " ");
}

/** The first element named `qname` (with its content) in a captured answer. */
function elementOf(xml: string, qname: string): string {
  const start = xml.indexOf(`<${qname}`);
  const endTag = `</${qname}>`;
  const end = xml.indexOf(endTag, start);
  if (start < 0) throw new Error(`no ${qname} in fixture`);
  if (end < 0) return xml.slice(start, xml.indexOf("/>", start) + 2);
  return xml.slice(start, end + endTag.length);
}

const HIK = "hikvision-oem/ENP1A14_";
const hikEnvelope = envelopeOf(fixture(`${HIK}GetRecordings.xml`));

/** Capabilities per service namespace, each carrying its vendor's declarations. */
function capabilities(rel: string, qname: string): string {
  const xml = fixture(rel);
  const el = elementOf(xml, qname);
  return `<tds:Capabilities>${el.replace(`<${qname}`, `<${qname}${declarationsOf(xml)}`)}</tds:Capabilities>`;
}
const CAPABILITIES: Record<string, string> = {
  "http://www.onvif.org/ver10/recording/wsdl": capabilities(
    `${HIK}Recording_GetServiceCapabilities.xml`,
    "trc:Capabilities",
  ),
  "http://www.onvif.org/ver10/events/wsdl": capabilities(
    "milesight/Events_GetServiceCapabilities.xml",
    "tev:Capabilities",
  ),
  "http://www.onvif.org/ver20/media/wsdl": capabilities(
    "milesight/Media2_GetServiceCapabilities.xml",
    "tr2:Capabilities",
  ),
  "http://www.onvif.org/ver10/media/wsdl": capabilities(
    "uniview/Media_GetServiceCapabilities.xml",
    "trt:Capabilities",
  ),
};

/** The OEM camera's GetServices, plus recording and search services, each with its capabilities. */
function servicesTemplate(): string {
  const xml = fixture("oem-misc/GX728MF_GetServices.xml");
  const extra = [
    ["http://www.onvif.org/ver10/recording/wsdl", "recording"],
    ["http://www.onvif.org/ver10/search/wsdl", "search"],
    ["http://www.onvif.org/ver10/replay/wsdl", "replay"],
  ]
    .map(
      ([ns, path]) =>
        `<tds:Service><tds:Namespace>${ns}</tds:Namespace><tds:XAddr>http://192.168.1.127:80/onvif/${path}</tds:XAddr>` +
        `<tds:Version><tt:Major>2</tt:Major><tt:Minor>42</tt:Minor></tds:Version></tds:Service>\n\t\t\t`,
    )
    .join("");
  const withExtra = xml.replace("</tds:GetServicesResponse>", `${extra}</tds:GetServicesResponse>`);
  return withExtra.replace(
    /(<tds:Namespace>([^<]*)<\/tds:Namespace>\s*<tds:XAddr>[^<]*<\/tds:XAddr>)/g,
    (whole: string, _m: string, ns: string) => `${whole}${CAPABILITIES[ns] ?? ""}`,
  );
}

const T = {
  services: servicesTemplate(),
  clock: fixture(`${HIK}GetSystemDateAndTime.xml`),
  info: fixture(`${HIK}GetDeviceInformation.xml`),
  profiles: fixture(`${HIK}GetProfiles.xml`),
  recordings: fixture(`${HIK}GetRecordings.xml`),
  streamUri: fixture("oem-misc/IPD-H4K8M05_GetStreamUri.xml"),
  notSupported: fixture("axis/Fault_ActionNotSupported.xml"),
  findRecordings: fixture("milesight/FindRecordings.xml"),
  pullEnvelope: envelopeOf(fixture("unknown/PullMessages_TerminationTime_minute61.xml")),
};
const RECORDING = "OnvifRecordingToken_1";
const JOB = "RecordJob_1";

function clockAnswer(nowMs: number): string {
  const d = new Date(nowMs);
  const utc =
    `<tt:UTCDateTime>\n\t\t\t\t\t<tt:Time>\n\t\t\t\t\t\t<tt:Hour>${d.getUTCHours()}</tt:Hour>\n\t\t\t\t\t\t<tt:Minute>${d.getUTCMinutes()}</tt:Minute>\n\t\t\t\t\t\t<tt:Second>${d.getUTCSeconds()}</tt:Second>\n\t\t\t\t\t</tt:Time>\n` +
    `\t\t\t\t\t<tt:Date>\n\t\t\t\t\t\t<tt:Year>${d.getUTCFullYear()}</tt:Year>\n\t\t\t\t\t\t<tt:Month>${d.getUTCMonth() + 1}</tt:Month>\n\t\t\t\t\t\t<tt:Day>${d.getUTCDate()}</tt:Day>\n\t\t\t\t\t</tt:Date>\n\t\t\t\t</tt:UTCDateTime>`;
  return T.clock.replace(/<tt:UTCDateTime>[\s\S]*?<\/tt:UTCDateTime>/, utc);
}

const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, "Z");

function recordingInformation(nowMs: number): string {
  const from = iso(nowMs - 400 * 86_400_000);
  const track = (token: string, type: string): string =>
    `<tt:Track><tt:TrackToken>${token}</tt:TrackToken><tt:TrackType>${type}</tt:TrackType><tt:Description>${type} track</tt:Description>` +
    `<tt:DataFrom>${from}</tt:DataFrom><tt:DataTo>${iso(nowMs)}</tt:DataTo></tt:Track>`;
  return (
    `<tt:RecordingToken>${RECORDING}</tt:RecordingToken><tt:Source><tt:SourceId>SourceId_1</tt:SourceId><tt:Name>Camera 01</tt:Name>` +
    `<tt:Location>Location</tt:Location><tt:Description>Description</tt:Description><tt:Address>http://192.168.1.64/onvif/device_service</tt:Address></tt:Source>` +
    `<tt:EarliestRecording>${from}</tt:EarliestRecording><tt:LatestRecording>${iso(nowMs)}</tt:LatestRecording><tt:Content>camera 01</tt:Content>` +
    track("videotracktoken_1", "Video") +
    track("audiotracktoken_1", "Audio") +
    track("metadatatracktoken_1", "Metadata") +
    `<tt:RecordingStatus>Recording</tt:RecordingStatus>`
  );
}

/** One device's search and subscription state. */
interface DeviceState {
  readonly profileS: boolean;
  readonly searches: Map<string, number>;
  readonly pulled: Set<string>;
  next: number;
}

/** The local name of the first element in the SOAP Body, and the body text. */
const OP = /<(?:[\w-]+:)?Body[^>]*>\s*<(?:[\w-]+:)?([\w]+)/;

function answer(
  op: string,
  body: string,
  base: string,
  state: DeviceState,
  nowMs: number,
): { xml: string; status: number; holdMs?: number } {
  const w = hikEnvelope;
  switch (op) {
    case "GetSystemDateAndTime":
      return { xml: clockAnswer(nowMs), status: 200 };
    case "GetServices":
      return {
        xml: (state.profileS ? T.services.replace(RECORDING_SERVICES, "") : T.services).replaceAll(
          "http://192.168.1.127:80/onvif/",
          `${base}/onvif/`,
        ),
        status: 200,
      };
    case "GetDeviceInformation":
      return { xml: T.info, status: 200 };
    case "GetProfiles":
      return { xml: T.profiles, status: 200 };
    case "GetRecordings":
      return { xml: T.recordings, status: 200 };
    case "GetStreamUri":
      return { xml: T.streamUri, status: 200 };
    case "GetRecordingJobs":
      return {
        xml: w(
          `<trc:GetRecordingJobsResponse><trc:JobItem><tt:JobToken>${JOB}</tt:JobToken><tt:JobConfiguration>` +
            `<tt:RecordingToken>${RECORDING}</tt:RecordingToken><tt:Mode>Active</tt:Mode><tt:Priority>1</tt:Priority>` +
            `<tt:Source><tt:SourceToken Type="http://www.onvif.org/ver10/schema/Receiver"><tt:Token>VideoSource_1</tt:Token></tt:SourceToken>` +
            `<tt:AutoCreateReceiver>false</tt:AutoCreateReceiver><tt:Tracks><tt:SourceTag>SourceTag_1</tt:SourceTag><tt:Destination>videotracktoken_1</tt:Destination></tt:Tracks></tt:Source>` +
            `</tt:JobConfiguration></trc:JobItem></trc:GetRecordingJobsResponse>`,
        ),
        status: 200,
      };
    case "GetRecordingJobState":
      return {
        xml: w(
          `<trc:GetRecordingJobStateResponse><trc:State><tt:RecordingToken>${RECORDING}</tt:RecordingToken><tt:State>Active</tt:State>` +
            `<tt:Sources><tt:SourceToken><tt:Token>VideoSource_1</tt:Token></tt:SourceToken><tt:State>Active</tt:State>` +
            `<tt:Tracks><tt:Track><tt:SourceTag>SourceTag_1</tt:SourceTag><tt:Destination>videotracktoken_1</tt:Destination><tt:State>Active</tt:State></tt:Track></tt:Tracks>` +
            `</tt:Sources></trc:State></trc:GetRecordingJobStateResponse>`,
        ),
        status: 200,
      };
    case "GetRecordingInformation":
      return {
        xml: w(
          `<tse:GetRecordingInformationResponse xmlns:tse="http://www.onvif.org/ver10/search/wsdl"><tse:RecordingInformation>${recordingInformation(nowMs)}</tse:RecordingInformation></tse:GetRecordingInformationResponse>`,
        ),
        status: 200,
      };
    case "CreatePullPointSubscription": {
      const id = `sub${state.next++}`;
      return {
        xml: w(
          `<tev:CreatePullPointSubscriptionResponse xmlns:tev="http://www.onvif.org/ver10/events/wsdl" xmlns:wsnt="http://docs.oasis-open.org/wsn/b-2" xmlns:wsa="http://www.w3.org/2005/08/addressing">` +
            `<tev:SubscriptionReference><wsa:Address>${base}/onvif/Subscription?Idx=${id}</wsa:Address></tev:SubscriptionReference>` +
            `<wsnt:CurrentTime>${iso(nowMs)}</wsnt:CurrentTime><wsnt:TerminationTime>${iso(nowMs + 60_000)}</wsnt:TerminationTime></tev:CreatePullPointSubscriptionResponse>`,
        ),
        status: 200,
      };
    }
    case "PullMessages": {
      const sub = /Idx=(\w+)/.exec(body)?.[1] ?? "";
      const first = !state.pulled.has(sub);
      state.pulled.add(sub);
      const timeout = Number(/<(?:\w+:)?Timeout>PT(\d+(?:\.\d+)?)S</.exec(body)?.[1] ?? "1");
      const message = first
        ? `<wsnt:NotificationMessage><wsnt:Topic Dialect="http://www.onvif.org/ver10/tev/topicExpression/ConcreteSet">tns1:VideoSource/SignalLoss</wsnt:Topic>` +
          `<wsnt:Message><tt:Message UtcTime="${iso(nowMs)}" PropertyOperation="Initialized"><tt:Source><tt:SimpleItem Name="Source" Value="VideoSource_1"/></tt:Source>` +
          `<tt:Data><tt:SimpleItem Name="State" Value="false"/></tt:Data></tt:Message></wsnt:Message></wsnt:NotificationMessage>`
        : "";
      return {
        xml: T.pullEnvelope(
          `<tev:PullMessagesResponse xmlns:tns1="http://www.onvif.org/ver10/topics" xmlns:tt="http://www.onvif.org/ver10/schema"><tev:CurrentTime>${iso(nowMs)}</tev:CurrentTime><tev:TerminationTime>${iso(nowMs + 60_000)}</tev:TerminationTime>${message}</tev:PullMessagesResponse>`,
        ),
        status: 200,
        ...(first ? {} : { holdMs: timeout * 1000 }),
      };
    }
    case "Unsubscribe":
      return {
        xml: w(`<wsnt:UnsubscribeResponse xmlns:wsnt="http://docs.oasis-open.org/wsn/b-2"/>`),
        status: 200,
      };
    case "FindEvents":
    case "FindRecordings": {
      const token = `Search${state.next++}`;
      state.searches.set(token, 0);
      if (op === "FindRecordings")
        return {
          xml: T.findRecordings.replace(/>[^<]+<\/tse:SearchToken>/, `>${token}</tse:SearchToken>`),
          status: 200,
        };
      return {
        xml: w(
          `<tse:FindEventsResponse xmlns:tse="http://www.onvif.org/ver10/search/wsdl"><tse:SearchToken>${token}</tse:SearchToken></tse:FindEventsResponse>`,
        ),
        status: 200,
      };
    }
    case "GetEventSearchResults":
    case "GetRecordingSearchResults": {
      const token = /SearchToken>([^<]+)</.exec(body)?.[1] ?? "";
      const page = state.searches.get(token) ?? 99;
      state.searches.set(token, page + 1);
      const done = page >= 1;
      const results = !done
        ? ""
        : op === "GetRecordingSearchResults"
          ? `<tt:RecordingInformation>${recordingInformation(nowMs)}</tt:RecordingInformation>`
          : `<tt:Result><tt:RecordingToken>${RECORDING}</tt:RecordingToken><tt:TrackToken>videotracktoken_1</tt:TrackToken><tt:Time>${iso(nowMs - 400 * 86_400_000)}</tt:Time>` +
            `<tt:Event><wsnt:Topic xmlns:wsnt="http://docs.oasis-open.org/wsn/b-2" xmlns:tns1="http://www.onvif.org/ver10/topics" Dialect="http://www.onvif.org/ver10/tev/topicExpression/ConcreteSet">tns1:RecordingHistory/Track/State</wsnt:Topic>` +
            `<wsnt:Message xmlns:wsnt="http://docs.oasis-open.org/wsn/b-2"><tt:Message UtcTime="${iso(nowMs - 400 * 86_400_000)}" PropertyOperation="Initialized"><tt:Source><tt:SimpleItem Name="RecordingToken" Value="${RECORDING}"/><tt:SimpleItem Name="Track" Value="videotracktoken_1"/></tt:Source>` +
            `<tt:Data><tt:SimpleItem Name="IsDataPresent" Value="true"/></tt:Data></tt:Message></wsnt:Message></tt:Event><tt:StartStateEvent>true</tt:StartStateEvent></tt:Result>`;
      return {
        xml: w(
          `<tse:${op}Response xmlns:tse="http://www.onvif.org/ver10/search/wsdl"><tse:ResultList><tt:SearchState>${done ? "Completed" : "Searching"}</tt:SearchState>${results}</tse:ResultList></tse:${op}Response>`,
        ),
        status: 200,
      };
    }
    case "EndSearch":
      return {
        xml: w(
          `<tse:EndSearchResponse xmlns:tse="http://www.onvif.org/ver10/search/wsdl"><tse:Endpoint>${iso(nowMs)}</tse:Endpoint></tse:EndSearchResponse>`,
        ),
        status: 200,
      };
    default:
      return { xml: T.notSupported, status: 500 };
  }
}

export interface DeviceLikeOptions {
  readonly auth?: "none" | "digest" | "wsse";
  /** Digest challenges offered: MD5 (default), SHA-256, or both lines (Hikvision sends both). */
  readonly algorithms?: readonly ("MD5" | "SHA-256")[];
  /** How long a Digest nonce is accepted: a minute (default), or on its own connection only. */
  readonly nonce?: "connection" | "minute";
  /** Keep connections open (default: `Connection: close` on every answer). */
  readonly keepAlive?: boolean;
  /**
   * "profile-s": a camera without recording (no recording, search or replay service in
   * GetServices), as most cameras and virtual ONVIF servers are; a check then asks far fewer
   * questions per device. Default "all" (recording, search, events).
   */
  readonly services?: "all" | "profile-s";
  /**
   * Devices on a port each, at /onvif/device_service (every device its own origin, as real
   * cameras and the virtual servers that emulate many are); 0 (default): one port, /d{n}/ paths.
   */
  readonly devicePorts?: number;
  /** With devicePorts: device n on port devicePortBase + n (default: any free ports). */
  readonly devicePortBase?: number;
}

const RECORDING_SERVICES =
  /<tds:Service>\s*<tds:Namespace>http:\/\/www\.onvif\.org\/ver10\/(recording|search|replay)\/wsdl<\/tds:Namespace>[\s\S]*?<\/tds:Service>\s*/g;

/** Everything the device-like server accepts: user and password of every device. */
export const DEVICE_LIKE_USER = "monitor";
export const DEVICE_LIKE_PASSWORD = "bench-password-1";
const REALM = "IP Camera(C1234)";

const hashHex = (alg: string, s: string): string =>
  createHash(alg === "SHA-256" ? "sha256" : "md5")
    .update(s)
    .digest("hex");

/** The parameters of an `Authorization: Digest ...` header (no escapes: ours and the peer's send none). */
function digestParams(header: string | undefined): Record<string, string> | null {
  if (!header || !/^Digest\s/i.test(header)) return null;
  const out: Record<string, string> = {};
  for (const m of header.slice(7).matchAll(/([\w-]+)\s*=\s*(?:"([^"]*)"|([^\s,]+))/g))
    out[m[1]!.toLowerCase()] = m[2] ?? m[3] ?? "";
  return out;
}

/** Whether a Digest answer is right for this request (qop=auth, or none). */
function digestOk(p: Record<string, string>, method: string): boolean {
  const alg = (p["algorithm"] ?? "MD5").toUpperCase();
  const ha1 = hashHex(alg, `${p["username"]}:${REALM}:${DEVICE_LIKE_PASSWORD}`);
  const ha2 = hashHex(alg, `${method}:${p["uri"]}`);
  const expected = p["qop"]
    ? hashHex(alg, `${ha1}:${p["nonce"]}:${p["nc"]}:${p["cnonce"]}:${p["qop"]}:${ha2}`)
    : hashHex(alg, `${ha1}:${p["nonce"]}:${ha2}`);
  return p["username"] === DEVICE_LIKE_USER && p["realm"] === REALM && p["response"] === expected;
}

const NOT_AUTHORIZED =
  '<?xml version="1.0" encoding="UTF-8"?><env:Envelope xmlns:env="http://www.w3.org/2003/05/soap-envelope" xmlns:ter="http://www.onvif.org/ver10/error">' +
  "<env:Body><env:Fault><env:Code><env:Value>env:Sender</env:Value><env:Subcode><env:Value>ter:NotAuthorized</env:Value></env:Subcode></env:Code>" +
  '<env:Reason><env:Text xml:lang="en">Sender not Authorized</env:Text></env:Reason></env:Fault></env:Body></env:Envelope>';

/** Whether the WS-UsernameToken in a request is good: its digest, its time (5 s window), a fresh nonce. */
function wsseOk(body: string, nowMs: number, seen: Set<string>): boolean {
  const field = (name: string): string | undefined =>
    new RegExp(`<(?:[\\w-]+:)?${name}(?:\\s[^>]*)?>([^<]*)<`).exec(body)?.[1];
  const user = field("Username");
  const digest = field("Password");
  const nonce = field("Nonce");
  const created = field("Created");
  if (user !== DEVICE_LIKE_USER || !digest || !nonce || !created) return false;
  const at = Date.parse(created);
  if (!(Math.abs(at - nowMs) <= 5000)) return false;
  if (seen.has(nonce)) return false;
  const expected = createHash("sha1")
    .update(Buffer.from(nonce, "base64"))
    .update(created, "utf8")
    .update(DEVICE_LIKE_PASSWORD, "utf8")
    .digest("base64");
  if (expected !== digest) return false;
  if (seen.size > 100_000) seen.clear();
  seen.add(nonce);
  return true;
}

export interface DeviceLikeServer {
  /** GET `${url}/stats`: requests answered; with devicePorts, also where the devices answer. */
  readonly url: string;
  /** Device n's device service address (n from 1). */
  readonly deviceUrl: (n: number) => string;
  readonly requests: () => number;
  close(): Promise<void>;
}

/** Starts the server in this process (bench:check runs it in a child: see main below). */
export function startDeviceLikeServer(port = 0, opts: DeviceLikeOptions = {}): Promise<DeviceLikeServer> {
  const states = new Map<string, DeviceState>();
  const auth = opts.auth ?? "none";
  const algorithms = opts.algorithms ?? ["MD5"];
  const keepAlive = opts.keepAlive ?? false;
  /** Digest nonces issued: per connection, or with the time they stop being accepted. */
  const socketNonces = new WeakMap<Socket, string>();
  const minuteNonces = new Map<string, number>();
  const wsseNonces = new Set<string>();
  let requests = 0;
  let challenged = 0;
  /** With devicePorts: the device behind each local port. */
  const portDevices = new Map<number, string>();
  const handler = (req: http.IncomingMessage, res: http.ServerResponse): void => {
    if (req.url === "/stats") {
      res.end(JSON.stringify({ requests, challenged }));
      return;
    }
    const connection = keepAlive ? {} : { Connection: "close" };
    if (auth === "digest") {
      const p = digestParams(req.headers.authorization);
      const nowMs = Date.now();
      const known =
        p !== null &&
        (opts.nonce === "connection"
          ? socketNonces.get(req.socket) === p["nonce"]
          : (minuteNonces.get(p["nonce"] ?? "") ?? 0) > nowMs);
      if (p === null || !known || !digestOk(p, req.method ?? "POST")) {
        // Answered without reading the body further: as embedded servers do.
        challenged++;
        const nonce = randomBytes(16).toString("hex");
        if (opts.nonce === "connection") socketNonces.set(req.socket, nonce);
        else {
          if (minuteNonces.size > 100_000) minuteNonces.clear();
          minuteNonces.set(nonce, nowMs + 60_000);
        }
        const stale = p !== null && !known ? "TRUE" : "FALSE";
        req.resume();
        res.writeHead(401, {
          "WWW-Authenticate": algorithms.map(
            (a) =>
              `Digest qop="auth", realm="${REALM}", nonce="${nonce}", stale="${stale}"${a === "MD5" ? "" : `, algorithm="${a}"`}`,
          ),
          "Content-Type": "text/html",
          "Content-Length": "0",
          ...connection,
        });
        res.end();
        return;
      }
    }
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      requests++;
      const body = Buffer.concat(chunks).toString("utf8");
      const byPort = portDevices.get(req.socket.localPort ?? 0);
      const dev = byPort ?? /^\/(d\d+)\//.exec(req.url ?? "")?.[1] ?? "d0";
      let state = states.get(dev);
      if (!state) {
        state = { profileS: opts.services === "profile-s", searches: new Map(), pulled: new Set(), next: 1 };
        states.set(dev, state);
      }
      const op = OP.exec(body)?.[1] ?? "";
      const host = `http://${req.headers.host ?? "127.0.0.1"}`;
      const base = byPort !== undefined ? host : `${host}/${dev}`;
      const a =
        auth === "wsse" && op !== "GetSystemDateAndTime" && !wsseOk(body, Date.now(), wsseNonces)
          ? { xml: NOT_AUTHORIZED, status: 400 }
          : answer(op, `${body} ${req.url ?? ""}`, base, state, Date.now());
      const send = (): void => {
        res.writeHead(a.status, {
          "Content-Type": 'application/soap+xml; charset=utf-8; action="x"',
          ...connection,
          Server: "Hikvision-Webs",
        });
        // Chunked, in pieces, as embedded web servers write it.
        const buf = Buffer.from(a.xml, "utf8");
        const piece = 4096;
        for (let i = 0; i < buf.length; i += piece) res.write(buf.subarray(i, i + piece));
        res.end();
      };
      if (a.holdMs) setTimeout(send, a.holdMs);
      else send();
    });
  };
  const listen = (p: number): Promise<http.Server> =>
    new Promise((resolve) => {
      const server = http.createServer(handler);
      server.listen(p, "127.0.0.1", () => resolve(server));
    });
  const portOf = (server: http.Server): number => {
    const addr = server.address();
    return typeof addr === "object" && addr ? addr.port : 0;
  };
  return (async () => {
    const main = await listen(port);
    const servers = [main];
    const devicePorts: number[] = [];
    for (let n = 1; n <= (opts.devicePorts ?? 0); n++) {
      const server = await listen(opts.devicePortBase ? opts.devicePortBase + n : 0);
      servers.push(server);
      devicePorts.push(portOf(server));
      portDevices.set(portOf(server), `d${n}`);
    }
    const url = `http://127.0.0.1:${portOf(main)}`;
    return {
      url,
      deviceUrl: (n: number) =>
        devicePorts.length > 0
          ? `http://127.0.0.1:${devicePorts[n - 1]}/onvif/device_service`
          : `${url}/d${n}/onvif/device_service`,
      requests: () => requests,
      close: async () => {
        await Promise.all(
          servers.map(
            (server) =>
              new Promise<void>((done) => {
                server.closeAllConnections();
                server.close(() => done());
              }),
          ),
        );
      },
    };
  })();
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const options = JSON.parse(process.argv[3] ?? "{}") as DeviceLikeOptions;
  const s = await startDeviceLikeServer(Number(process.argv[2] ?? 0), options);
  const deviceUrls = Array.from({ length: options.devicePorts ?? 0 }, (_, i) => s.deviceUrl(i + 1));
  process.stdout.write(`${JSON.stringify({ url: s.url, deviceUrls })}\n`);
  process.on("SIGTERM", () => void s.close().then(() => process.exit(0)));
}
