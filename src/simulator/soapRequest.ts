import { XMLParser, XMLValidator } from "fast-xml-parser";
import { NS } from "./xml.ts";

/**
 * Reading requests. fast-xml-parser with entity processing off and DOCTYPE refused up front,
 * so a hostile client cannot make the simulator expand entities or read files. Prefixes are
 * resolved to namespace URIs here, so handlers match on (namespace, local name) the way a
 * real SOAP stack does and a client using odd prefixes is still understood.
 */
export interface XNode {
  readonly ns: string;
  readonly local: string;
  /** Attributes by local name (namespace declarations left out). */
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: readonly XNode[];
  /** Concatenated character data directly inside this element, entities decoded. */
  readonly text: string;
  /** Prefix → namespace in scope at this element, to resolve QName values (e.g. topic expressions). */
  readonly scope: Readonly<Record<string, string>>;
}

export type ParsedRequest =
  | { readonly ok: true; readonly header: XNode | null; readonly operation: XNode | null }
  | { readonly ok: false; readonly reason: "doctype" | "malformed" | "not_soap"; readonly detail: string };

const parser = new XMLParser({
  preserveOrder: true,
  ignoreAttributes: false,
  attributeNamePrefix: "",
  processEntities: false,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  ignoreDeclaration: true,
  ignorePiTags: true,
});

const PREDEFINED: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/** Decodes the five predefined entities and character references; anything else is left as is. */
function decode(text: string): string {
  if (!text.includes("&")) return text;
  return text.replace(/&(#x[0-9a-fA-F]+|#[0-9]+|amp|lt|gt|quot|apos);/g, (_, ref: string) => {
    if (ref.startsWith("#x")) return String.fromCodePoint(parseInt(ref.slice(2), 16));
    if (ref.startsWith("#")) return String.fromCodePoint(parseInt(ref.slice(1), 10));
    return PREDEFINED[ref] ?? "";
  });
}

type RawNode = Record<string, unknown>;

function build(raw: RawNode, parentScope: Readonly<Record<string, string>>): XNode | null {
  const qname = Object.keys(raw).find((k) => k !== ":@");
  if (!qname || qname === "#text" || qname.startsWith("?") || qname.startsWith("!")) return null;
  const rawAttrs = (raw[":@"] ?? {}) as Record<string, string>;
  let scope = parentScope;
  const attrs: Record<string, string> = {};
  for (const [name, value] of Object.entries(rawAttrs)) {
    if (name === "xmlns") scope = { ...scope, "": value };
    else if (name.startsWith("xmlns:")) scope = { ...scope, [name.slice(6)]: value };
  }
  for (const [name, value] of Object.entries(rawAttrs)) {
    if (name === "xmlns" || name.startsWith("xmlns:")) continue;
    const colon = name.indexOf(":");
    attrs[colon >= 0 ? name.slice(colon + 1) : name] = decode(value);
  }
  const colon = qname.indexOf(":");
  const prefix = colon >= 0 ? qname.slice(0, colon) : "";
  const local = colon >= 0 ? qname.slice(colon + 1) : qname;
  const ns = scope[prefix] ?? "";
  const children: XNode[] = [];
  let text = "";
  for (const c of (raw[qname] ?? []) as RawNode[]) {
    if ("#text" in c) text += String(c["#text"]);
    else {
      const n = build(c, scope);
      if (n) children.push(n);
    }
  }
  return { ns, local, attrs, children, text: decode(text), scope };
}

/** Parses a SOAP 1.2 request; DOCTYPE is refused before the parser sees it. */
export function parseSoapRequest(xml: string): ParsedRequest {
  if (/<!DOCTYPE/i.test(xml) || /<!ENTITY/i.test(xml)) {
    return { ok: false, reason: "doctype", detail: "DOCTYPE is not allowed in SOAP messages" };
  }
  const valid = XMLValidator.validate(xml);
  if (valid !== true) return { ok: false, reason: "malformed", detail: valid.err.msg };
  let raw: RawNode[];
  try {
    raw = parser.parse(xml) as RawNode[];
  } catch (e) {
    return { ok: false, reason: "malformed", detail: e instanceof Error ? e.message : String(e) };
  }
  const root = raw.map((r) => build(r, {})).find((n): n is XNode => n !== null);
  if (!root || root.local !== "Envelope")
    return { ok: false, reason: "not_soap", detail: "no SOAP Envelope" };
  if (root.ns !== NS.s)
    return { ok: false, reason: "not_soap", detail: `not a SOAP 1.2 envelope (${root.ns})` };
  const header = root.children.find((c) => c.local === "Header" && c.ns === NS.s) ?? null;
  const body = root.children.find((c) => c.local === "Body" && c.ns === NS.s);
  if (!body) return { ok: false, reason: "not_soap", detail: "no SOAP Body" };
  return { ok: true, header, operation: body.children[0] ?? null };
}

/** The first child with this local name (any namespace: devices are lenient, so is this). */
export function child(node: XNode | null | undefined, local: string): XNode | null {
  return node?.children.find((c) => c.local === local) ?? null;
}

export function childrenNamed(node: XNode | null | undefined, local: string): XNode[] {
  return node ? node.children.filter((c) => c.local === local) : [];
}

/** Trimmed text of a child path, or null when an element on the path is missing. */
export function textAt(node: XNode | null | undefined, ...path: string[]): string | null {
  let cur: XNode | null | undefined = node;
  for (const p of path) cur = child(cur, p);
  return cur ? cur.text.trim() : null;
}
