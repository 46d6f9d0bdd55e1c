import { SaxesParser } from "saxes";
import { OnvifError } from "../errors.ts";
import type { XmlAttr, XmlElement } from "./tree.ts";

export interface XmlLimits {
  /** Elements in the whole document. A 36-profile NVR answer has ~5k; 200k is far beyond any real one. */
  readonly maxElements: number;
  /** Nesting depth; ONVIF answers stay under ~20 levels. */
  readonly maxDepth: number;
  /** Attributes on one element. */
  readonly maxAttributes: number;
}

export const DEFAULT_XML_LIMITS: XmlLimits = { maxElements: 200_000, maxDepth: 64, maxAttributes: 256 };

interface MutableElement {
  ns: string;
  local: string;
  prefix: string;
  attrs: XmlAttr[];
  children: MutableElement[];
  text: string;
  scope: Readonly<Record<string, string>>;
}

const malformed = (message: string): OnvifError => new OnvifError({ kind: "malformed", message });

/**
 * Parses XML into an element tree, refusing anything that could make a hostile or broken device
 * hurt us: any DOCTYPE (external entities, entity expansion bombs), entities other than the five
 * predefined ones, unbound prefixes, and documents beyond the element/depth/attribute limits.
 * Every refusal is an OnvifError of kind `malformed`. Input size is bounded earlier, by net/.
 */
export function parseXml(input: string | Buffer, limits: XmlLimits = DEFAULT_XML_LIMITS): XmlElement {
  const xml = typeof input === "string" ? stripBom(input) : decode(input);
  const parser = new SaxesParser({ xmlns: true, position: true });
  const stack: MutableElement[] = [];
  let root: MutableElement | null = null;
  let count = 0;
  let attrCount = 0;
  // Held in an object: assignments inside the handlers are invisible to control-flow narrowing.
  const state: { failure: OnvifError | null } = { failure: null };

  const fail = (e: OnvifError): never => {
    state.failure ??= e;
    throw e;
  };

  parser.on("error", (err) => fail(malformed(`not well-formed XML: ${err.message}`)));
  parser.on("doctype", () => fail(malformed("DOCTYPE is not allowed in a device answer")));
  parser.on("opentagstart", () => {
    attrCount = 0;
    if (++count > limits.maxElements) fail(malformed(`more than ${limits.maxElements} elements`));
    if (stack.length + 1 > limits.maxDepth) fail(malformed(`nesting deeper than ${limits.maxDepth}`));
  });
  parser.on("attribute", () => {
    if (++attrCount > limits.maxAttributes)
      fail(malformed(`more than ${limits.maxAttributes} attributes on one element`));
  });
  parser.on("opentag", (tag) => {
    const parent = stack[stack.length - 1];
    const decls = tag.ns;
    const inherited = parent?.scope ?? BASE_SCOPE;
    const scope =
      decls && Object.keys(decls).length > 0 ? Object.freeze({ ...inherited, ...decls }) : inherited;
    const attrs: XmlAttr[] = [];
    for (const a of Object.values(tag.attributes)) {
      // Namespace declarations are in `scope`; they are not data.
      if (a.prefix === "xmlns" || (a.prefix === "" && a.local === "xmlns")) continue;
      attrs.push({ ns: a.uri, local: a.local, value: a.value });
    }
    const el: MutableElement = {
      ns: tag.uri,
      local: tag.local,
      prefix: tag.prefix,
      attrs,
      children: [],
      text: "",
      scope,
    };
    if (parent) parent.children.push(el);
    else root = el;
    stack.push(el);
  });
  parser.on("closetag", () => {
    stack.pop();
  });
  const addText = (t: string): void => {
    const top = stack[stack.length - 1];
    if (top) top.text += t;
  };
  parser.on("text", addText);
  parser.on("cdata", addText);

  try {
    parser.write(xml).close();
  } catch (e) {
    if (state.failure) throw state.failure;
    if (e instanceof OnvifError) throw e;
    throw malformed(`not well-formed XML: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (state.failure) throw state.failure;
  if (!root) throw malformed("no root element");
  return root;
}

const BASE_SCOPE: Readonly<Record<string, string>> = Object.freeze({
  xml: "http://www.w3.org/XML/1998/namespace",
});

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
