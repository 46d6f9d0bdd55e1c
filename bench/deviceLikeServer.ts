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
 * Accepts any WS-UsernameToken (it checks nothing). Run as its own process, so its CPU is not
 * the checker's: prints one JSON line {url, port, devices} when listening; GET /stats gives the
 * number of SOAP requests answered.
 */
import { readFileSync } from "node:fs";
import http from "node:http";
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
      return { xml: T.services.replaceAll("http://192.168.1.127:80/onvif/", `${base}/onvif/`), status: 200 };
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

export interface DeviceLikeServer {
  readonly url: string;
  readonly requests: () => number;
  close(): Promise<void>;
}

/** Starts the server in this process (bench:check runs it in a child: see main below). */
export function startDeviceLikeServer(port = 0): Promise<DeviceLikeServer> {
  const states = new Map<string, DeviceState>();
  let requests = 0;
  const server = http.createServer((req, res) => {
    if (req.url === "/stats") {
      res.end(JSON.stringify({ requests }));
      return;
    }
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      requests++;
      const body = Buffer.concat(chunks).toString("utf8");
      const dev = /^\/(d\d+)\//.exec(req.url ?? "")?.[1] ?? "d0";
      let state = states.get(dev);
      if (!state) {
        state = { searches: new Map(), pulled: new Set(), next: 1 };
        states.set(dev, state);
      }
      const op = OP.exec(body)?.[1] ?? "";
      const base = `http://${req.headers.host ?? "127.0.0.1"}/${dev}`;
      const a = answer(op, `${body} ${req.url ?? ""}`, base, state, Date.now());
      const send = (): void => {
        res.writeHead(a.status, {
          "Content-Type": 'application/soap+xml; charset=utf-8; action="x"',
          ...(process.env.DEVICE_LIKE_KEEPALIVE ? {} : { Connection: "close" }),
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
  });
  return new Promise((resolve) => {
    server.listen(port, "127.0.0.1", () => {
      const addr = server.address();
      const p = typeof addr === "object" && addr ? addr.port : port;
      resolve({
        url: `http://127.0.0.1:${p}`,
        requests: () => requests,
        close: () =>
          new Promise<void>((done) => {
            server.closeAllConnections();
            server.close(() => done());
          }),
      });
    });
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const s = await startDeviceLikeServer(Number(process.argv[2] ?? 0));
  process.stdout.write(`${JSON.stringify({ url: s.url })}\n`);
  process.on("SIGTERM", () => void s.close().then(() => process.exit(0)));
}
