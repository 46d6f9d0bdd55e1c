import { parseCommonXml, type RootTagCache } from "./fastParse.ts";
import { DEFAULT_XML_LIMITS, type XmlLimits } from "./limits.ts";
import { parseWithSaxes } from "./saxesParse.ts";
import type { XmlElement } from "./tree.ts";

export { DEFAULT_XML_LIMITS, type XmlLimits } from "./limits.ts";
export { RootTagCache } from "./fastParse.ts";

/**
 * Parses XML into an element tree, refusing anything that could make a hostile or broken device
 * hurt us: any DOCTYPE (external entities, entity expansion bombs), entities other than the five
 * predefined ones, unbound prefixes, and documents beyond the element/depth/attribute limits.
 * Every refusal is an OnvifError of kind `malformed`. Input size is bounded earlier, by net/.
 *
 * Plain documents (nearly every device answer) take a fast path; anything it is not sure of
 * goes to saxes, which alone decides what is refused and why. `roots` (optional) remembers root
 * start tags across the answers of one session, which repeat their SOAP envelope.
 */
export function parseXml(
  input: string | Buffer,
  limits: XmlLimits = DEFAULT_XML_LIMITS,
  roots?: RootTagCache,
): XmlElement {
  const xml = typeof input === "string" ? stripBom(input) : decode(input);
  return parseCommonXml(xml, limits, roots) ?? parseWithSaxes(xml, limits);
}

function stripBom(s: string): string {
  return s.charCodeAt(0) === 0xfeff ? s.slice(1) : s;
}

/**
 * Bytes to text: UTF-16 by BOM, otherwise the encoding the XML declaration names when the
 * runtime knows it (some Chinese firmware declares GB2312 for channel names), else UTF-8.
 */
function decode(buf: Buffer): string {
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe)
    return new TextDecoder("utf-16le").decode(buf.subarray(2));
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff)
    return new TextDecoder("utf-16be").decode(buf.subarray(2));
  const head = buf.subarray(0, 200).toString("latin1");
  const m = /^\s*<\?xml[^>]*encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head);
  const declared = m?.[1]?.toLowerCase();
  if (declared && declared !== "utf-8" && declared !== "utf8") {
    try {
      return stripBom(new TextDecoder(declared).decode(buf));
    } catch {
      // Unknown label: fall through to UTF-8, which is what most such devices really send.
    }
  }
  return stripBom(new TextDecoder("utf-8").decode(buf));
}
