import { createHash, randomBytes } from "node:crypto";
import { request } from "node:http";

/**
 * A deliberately small, hand-built SOAP client for the simulator's tests. It shares nothing
 * with src/onvif/ (the point of the simulator is to catch misreadings there).
 */
export const NS = {
  tds: "http://www.onvif.org/ver10/device/wsdl",
  trt: "http://www.onvif.org/ver10/media/wsdl",
  tr2: "http://www.onvif.org/ver20/media/wsdl",
  trc: "http://www.onvif.org/ver10/recording/wsdl",
  tse: "http://www.onvif.org/ver10/search/wsdl",
  tsc: "http://www.onvif.org/ver10/schedule/wsdl",
  tan: "http://www.onvif.org/ver20/analytics/wsdl",
  tev: "http://www.onvif.org/ver10/events/wsdl",
  tmd: "http://www.onvif.org/ver10/deviceIO/wsdl",
  tt: "http://www.onvif.org/ver10/schema",
  wsnt: "http://docs.oasis-open.org/wsn/b-2",
  wsa: "http://www.w3.org/2005/08/addressing",
} as const;

export interface WsseCreds {
  readonly username: string;
  readonly password: string;
  /** ISO Created; default: now (our clock) plus `offsetMs`. */
  readonly created?: string;
  readonly offsetMs?: number;
  readonly nonce?: Buffer;
}

export function wsseHeader(c: WsseCreds): string {
  const nonce = c.nonce ?? randomBytes(16);
  const created = c.created ?? new Date(Date.now() + (c.offsetMs ?? 0)).toISOString();
  const digest = createHash("sha1")
    .update(Buffer.concat([nonce, Buffer.from(created), Buffer.from(c.password)]))
    .digest("base64");
  return (
    `<wsse:Security s:mustUnderstand="1" xmlns:wsse="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd" ` +
    `xmlns:wsu="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"><wsse:UsernameToken>` +
    `<wsse:Username>${c.username}</wsse:Username>` +
    `<wsse:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordDigest">${digest}</wsse:Password>` +
    `<wsse:Nonce EncodingType="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-soap-message-security-1.0#Base64Binary">${nonce.toString("base64")}</wsse:Nonce>` +
    `<wsu:Created>${created}</wsu:Created></wsse:UsernameToken></wsse:Security>`
  );
}

/** A SOAP 1.2 request envelope; `body` is the operation element with its own xmlns. */
export function soap(body: string, header = ""): string {
  const decls = Object.entries(NS)
    .map(([p, u]) => ` xmlns:${p}="${u}"`)
    .join("");
  return `<?xml version="1.0" encoding="UTF-8"?><s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope"${decls}><s:Header>${header}</s:Header><s:Body>${body}</s:Body></s:Envelope>`;
}

export interface HttpAnswer {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  /** Every value of each header, separately (Node joins repeated WWW-Authenticate headers). */
  readonly all: (name: string) => string[];
  readonly body: string;
}

export function post(url: string, xml: string, headers: Record<string, string> = {}): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      { method: "POST", headers: { "Content-Type": "application/soap+xml; charset=utf-8", ...headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () =>
          resolve({
            status: res.statusCode ?? 0,
            headers: res.headers,
            all: (name) =>
              res.rawHeaders.filter(
                (_, i) => i % 2 === 1 && res.rawHeaders[i - 1]?.toLowerCase() === name.toLowerCase(),
              ),
            body: Buffer.concat(chunks).toString("utf8"),
          }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(xml);
  });
}

/** Text of the first element with this local name (any prefix). */
export function pick(xml: string, local: string): string | null {
  const m = new RegExp(`<(?:[A-Za-z0-9]+:)?${local}(?:\\s[^>]*)?>([^<]*)</`).exec(xml);
  return m?.[1] ?? null;
}

export function pickAll(xml: string, local: string): string[] {
  return [...xml.matchAll(new RegExp(`<(?:[A-Za-z0-9]+:)?${local}(?:\\s[^>]*)?>([^<]*)</`, "g"))].map(
    (m) => m[1] ?? "",
  );
}

/** A simulated device as the tests talk to it: base URL, credentials and its clock offset. */
export class TestDevice {
  constructor(
    readonly base: string,
    readonly username: string,
    readonly password: string,
    /** device clock − our clock, ms (learnt from GetSystemDateAndTime, or known from the scenario). */
    public offsetMs = 0,
  ) {}

  /** Calls with a fresh WS-UsernameToken signed on the device's clock. */
  call(path: string, body: string, extra: Partial<WsseCreds> = {}): Promise<HttpAnswer> {
    const header = wsseHeader({
      username: this.username,
      password: this.password,
      offsetMs: this.offsetMs,
      ...extra,
    });
    return post(`${this.base}${path}`, soap(body, header));
  }

  /** Calls without credentials. */
  anonymous(path: string, body: string): Promise<HttpAnswer> {
    return post(`${this.base}${path}`, soap(body));
  }

  /** Learns the device clock offset from GetSystemDateAndTime's UTCDateTime. */
  async syncClock(): Promise<void> {
    const r = await this.anonymous("/onvif/device_service", `<tds:GetSystemDateAndTime/>`);
    const utc = /<tt:UTCDateTime>([\s\S]*?)<\/tt:UTCDateTime>/.exec(r.body)?.[1] ?? "";
    const n = (k: string): number => Number(pick(utc, k));
    const t = Date.UTC(n("Year"), n("Month") - 1, n("Day"), n("Hour"), n("Minute"), n("Second"));
    this.offsetMs = t - Date.now();
  }
}
