/**
 * Writing answers: string templates plus escaping. The simulator shares no XML code with
 * src/onvif/ on purpose (a misreading of the protocol in one must not hide in the other).
 */

/** Namespace URIs by the prefixes the simulator writes. */
export const NS = {
  s: "http://www.w3.org/2003/05/soap-envelope",
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
  tns1: "http://www.onvif.org/ver10/topics",
  ter: "http://www.onvif.org/ver10/error",
  wsnt: "http://docs.oasis-open.org/wsn/b-2",
  wsa: "http://www.w3.org/2005/08/addressing",
  wsse: "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd",
  wsu: "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd",
} as const;

export type Prefix = keyof typeof NS;

/** The ConcreteSet topic dialect every ONVIF topic expression in the simulator uses. */
export const CONCRETE_SET = "http://www.onvif.org/ver10/tev/topicExpression/ConcreteSet";

const ESCAPES: Record<string, string> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "'": "&apos;",
};

/** Escapes text for element content and double-quoted attributes alike. */
export function esc(value: string | number | boolean): string {
  return String(value).replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

/** Every prefix declared once on the envelope, as real devices (gSOAP) do. */
const ENVELOPE_OPEN =
  `<?xml version="1.0" encoding="UTF-8"?>\n<s:Envelope` +
  (Object.keys(NS) as Prefix[])
    .filter((p) => p !== "wsse" && p !== "wsu")
    .map((p) => ` xmlns:${p}="${NS[p]}"`)
    .join("") +
  `>`;

/** A whole SOAP 1.2 envelope around an already-written body (and optional header blocks). */
export function envelope(body: string, header = ""): string {
  return `${ENVELOPE_OPEN}${header ? `<s:Header>${header}</s:Header>` : "<s:Header/>"}<s:Body>${body}</s:Body></s:Envelope>\n`;
}

/** The opening of an envelope up to inside the body, for answers streamed in pieces. */
export function envelopeOpen(): string {
  return `${ENVELOPE_OPEN}<s:Header/><s:Body>`;
}

export const ENVELOPE_CLOSE = "</s:Body></s:Envelope>\n";

/** <prefix:name>text</prefix:name> with the text escaped. */
export function el(name: string, text: string | number | boolean): string {
  return `<${name}>${esc(text)}</${name}>`;
}
