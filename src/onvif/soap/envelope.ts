import { NS } from "../namespaces.ts";

/** Prefixes declared once on every envelope, so request bodies can use them freely. */
const DECLARED = [
  "tds",
  "trt",
  "tr2",
  "trc",
  "tse",
  "tsc",
  "tan",
  "tev",
  "tt",
  "tns1",
  "wsnt",
  "wsa",
] as const;

const ENVELOPE_OPEN =
  `<s:Envelope xmlns:s="${NS.soap12}"` + DECLARED.map((p) => ` xmlns:${p}="${NS[p]}"`).join("") + ">";

/** A SOAP 1.2 envelope around one body element, with optional header blocks. */
export function buildEnvelope(headers: readonly string[], body: string): string {
  const header = headers.length > 0 ? `<s:Header>${headers.join("")}</s:Header>` : "";
  return `<?xml version="1.0" encoding="UTF-8"?>${ENVELOPE_OPEN}${header}<s:Body>${body}</s:Body></s:Envelope>`;
}

/** SOAP 1.2 carries the action in the Content-Type (RFC 3902); devices route on it. */
export function soapContentType(action: string): string {
  return `application/soap+xml; charset=utf-8; action="${action}"`;
}
