import { BASE_SCOPE, DeclarationBudget, extendScope, type XmlLimits } from "./limits.ts";
import type { MutableElement, XmlAttr, XmlElement } from "./tree.ts";

/**
 * The fast path of parseXml, for the plain XML devices send: an optional XML 1.0 declaration,
 * elements with ASCII names, quoted attributes, text with the five predefined entities and
 * character references. saxes reads a character at a time through a state machine; this reads
 * markup with indexOf and slices, several times faster on a 450 KB NVR GetProfiles answer.
 *
 * It never decides that a document is bad: whenever it meets anything outside that subset
 * (DOCTYPE, comments, CDATA, processing instructions, non-ASCII names, XML 1.1), anything not
 * well-formed, or a limit reached, it returns null and parseXml hands the document to saxes,
 * which accepts or refuses it and says why. So it must never accept what saxes refuses, and
 * must build exactly the tree saxes would; test/onvif/xml/fastParse.test.ts compares the two.
 */

/**
 * Shared by every element without children or attributes (most of them: a 64-channel
 * GetProfiles answer has 10k elements), so that leaves allocate no arrays. Frozen: the tree is
 * read-only, and a stray push must fail loudly rather than reach other elements.
 */
const NO_CHILDREN = Object.freeze([]) as unknown as MutableElement[];
const NO_ATTRS = Object.freeze([]) as unknown as XmlAttr[];

const XML_NS = "http://www.w3.org/XML/1998/namespace";
const XMLNS_NS = "http://www.w3.org/2000/xmlns/";

const TAB = 9;
const NL = 10;
const SPACE = 32;
const DQUOTE = 34;
const SQUOTE = 39;
const SLASH = 47;
const COLON = 58;
const EQUAL = 61;
const GREATER = 62;

/** ASCII name characters only; a non-ASCII one sends the document to saxes. */
const NAME_START = new Uint8Array(128);
const NAME_CHAR = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const letter = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
  NAME_START[c] = letter ? 1 : 0;
  NAME_CHAR[c] = letter || (c >= 48 && c <= 57) || c === 46 || c === 45 ? 1 : 0;
}

/**
 * Characters XML 1.0 forbids (controls, U+FFFE/U+FFFF) and surrogates (saxes pairs them its own
 * way): saxes decides about those. CR is normalised before this test, as saxes does.
 */
const AWKWARD_CHARS = /[\x00-\x08\x0B\x0C\x0E-\x1F\uD800-\uDFFF\uFFFE\uFFFF]/;

/** The XML declarations saxes accepts as version 1.0, in their common spellings. */
const XML_DECL =
  /^<\?xml[ \t\n]+version[ \t\n]*=[ \t\n]*(?:"1\.0"|'1\.0')(?:[ \t\n]+encoding[ \t\n]*=[ \t\n]*(?:"[A-Za-z][A-Za-z0-9._-]*"|'[A-Za-z][A-Za-z0-9._-]*'))?(?:[ \t\n]+standalone[ \t\n]*=[ \t\n]*(?:"(?:yes|no)"|'(?:yes|no)'))?[ \t\n]*\?>/;

const HEX_REF = /^#x[0-9a-fA-F]{1,6}$/;
const DEC_REF = /^#[0-9]{1,7}$/;

/** What a root start tag, read once, amounts to: answers of one device repeat their envelope. */
interface RootTag {
  readonly scope: ScopeNames;
  readonly name: ResolvedName;
  readonly attrs: readonly XmlAttr[];
  /** Attributes as written, namespace declarations included (what maxAttributes counts). */
  readonly attributeCount: number;
  /** The namespaces it declares (what the declaration limits count). */
  readonly decls: Readonly<Record<string, string>> | null;
  readonly selfClosing: boolean;
  readonly qname: string;
}

/** Root start tags longer than this are not remembered (an envelope's is ~1 KB). */
const MAX_ROOT_TAG = 8192;
/** Distinct root start tags remembered; a device uses one or two envelopes, a site a few models. */
const MAX_ROOT_TAGS = 32;

/**
 * Root start tags already read, by their exact text, for the answers of one HTTP client's
 * sessions (the devices of one check, or of one daemon): a SOAP envelope declares a dozen
 * namespaces or more, and working out that scope again for every answer was a third of the cost
 * of a small one. The text alone decides what a root start tag means (its scope starts from
 * nothing), so a tag read before with the same text needs no second reading, whichever device
 * sent it. Holds no device data beyond those tags and the element names resolved in their
 * scopes, all bounded: when full it starts afresh, child scopes' budget included.
 */
export class RootTagCache {
  readonly #tags = new Map<string, RootTag>();
  /** Scopes of elements below a root that declare namespaces, still to be remembered (all answers). */
  readonly childScopes: ScopeBudget = { left: MAX_CHILD_SCOPES };

  get(text: string): RootTag | undefined {
    return this.#tags.get(text);
  }

  set(text: string, tag: RootTag): void {
    if (text.length > MAX_ROOT_TAG) return;
    if (this.#tags.size >= MAX_ROOT_TAGS) {
      // The child scopes remembered hang off the scopes of the tags dropped here.
      this.#tags.clear();
      this.childScopes.left = MAX_CHILD_SCOPES;
    }
    this.#tags.set(text, tag);
  }
}

/** The tree of `xml` (decoded, no BOM), or null: "not sure, ask saxes". */
export function parseCommonXml(input: string, limits: XmlLimits, roots?: RootTagCache): XmlElement | null {
  const xml = input.includes("\r") ? input.replace(/\r\n?/g, "\n") : input;
  if (AWKWARD_CHARS.test(xml)) return null;
  let pos = 0;
  if (xml.startsWith("<?")) {
    const decl = XML_DECL.exec(xml);
    if (!decl) return null;
    pos = decl[0].length;
  }
  const n = xml.length;
  const stack: MutableElement[] = [];
  /** Parallel to `stack`: each open element's qualified name and its scope's names. */
  const names: string[] = [];
  const scopes: ScopeNames[] = [];
  const base = new ScopeNames(BASE_SCOPE, roots?.childScopes ?? { left: MAX_CHILD_SCOPES });
  let root: MutableElement | null = null;
  let count = 0;
  const declared = new DeclarationBudget(limits);

  while (pos < n) {
    const lt = xml.indexOf("<", pos);
    const textEnd = lt < 0 ? n : lt;
    if (textEnd > pos) {
      const top = stack[stack.length - 1];
      if (top === undefined) {
        if (!onlySpace(xml, pos, textEnd)) return null;
      } else {
        const text = textValue(xml.slice(pos, textEnd));
        if (text === null) return null;
        top.text += text;
      }
    }
    if (lt < 0) break;
    let p = lt + 1;

    if (xml.charCodeAt(p) === SLASH) {
      // The name must be exactly the open one: same characters, then no further name character.
      const expected = names.pop();
      if (expected === undefined || !xml.startsWith(expected, p + 1)) return null;
      p += 1 + expected.length;
      const after = xml.charCodeAt(p);
      if (after >= 128 || after === COLON || NAME_CHAR[after] === 1) return null;
      p = skipSpace(xml, p);
      if (xml.charCodeAt(p) !== GREATER) return null;
      stack.pop();
      scopes.pop();
      pos = p + 1;
      continue;
    }

    // An opening tag (anything else after "<" fails the name test).
    if (root !== null && stack.length === 0) return null;
    if (++count > limits.maxElements || stack.length + 1 > limits.maxDepth) return null;
    if (root === null && roots !== undefined) {
      // The same root start tag as an earlier answer's (up to its first ">"): read already.
      const gt = xml.indexOf(">", p);
      const known = gt > 0 && gt - lt < MAX_ROOT_TAG ? roots.get(xml.slice(lt, gt + 1)) : undefined;
      if (
        known !== undefined &&
        known.attributeCount <= limits.maxAttributes &&
        (known.decls === null || declared.add(known.decls))
      ) {
        root = {
          ns: known.name.ns,
          local: known.name.local,
          prefix: known.name.prefix,
          attrs: known.attrs.length > 0 ? known.attrs.map((a) => ({ ...a })) : NO_ATTRS,
          children: NO_CHILDREN,
          text: "",
          scope: known.scope.scope,
        };
        if (!known.selfClosing) {
          stack.push(root);
          names.push(known.qname);
          scopes.push(known.scope);
        }
        pos = gt + 1;
        continue;
      }
    }
    const start = p;
    p = nameEnd(xml, start);
    if (p < 0) return null;
    const qname = xml.slice(start, p);
    /** Attribute names and values, alternating, as written (values decoded). */
    let raw: string[] | null = null;
    let selfClosing = false;
    for (;;) {
      const before = p;
      p = skipSpace(xml, p);
      const c = xml.charCodeAt(p);
      if (c === GREATER) {
        p++;
        break;
      }
      if (c === SLASH) {
        if (xml.charCodeAt(p + 1) !== GREATER) return null;
        p += 2;
        selfClosing = true;
        break;
      }
      // Attributes must be separated by whitespace.
      if (p === before) return null;
      const nameStart = p;
      p = nameEnd(xml, p);
      if (p < 0) return null;
      const name = xml.slice(nameStart, p);
      p = skipSpace(xml, p);
      if (xml.charCodeAt(p) !== EQUAL) return null;
      p = skipSpace(xml, p + 1);
      const q = xml.charCodeAt(p);
      if (q !== DQUOTE && q !== SQUOTE) return null;
      const close = xml.indexOf(q === DQUOTE ? '"' : "'", p + 1);
      if (close < 0) return null;
      const value = attrValue(xml.slice(p + 1, close));
      if (value === null) return null;
      raw ??= [];
      raw.push(name, value);
      if (raw.length > 2 * limits.maxAttributes) return null;
      p = close + 1;
    }

    const parent = stack[stack.length - 1];
    let scope = scopes[scopes.length - 1] ?? base;
    let attrs = NO_ATTRS;
    let decls: Record<string, string> | null = null;
    if (raw !== null) {
      const found = declarations(raw);
      if (found === INVALID) return null;
      decls = found;
      if (decls !== null) {
        if (!declared.add(decls)) return null;
        scope = scope.extend(decls);
      }
      const read = attributes(raw, scope);
      if (read === null) return null;
      if (read.length > 0) attrs = read;
    }
    const name = scope.element(qname);
    if (name === null) return null;
    const el: MutableElement = {
      ns: name.ns,
      local: name.local,
      prefix: name.prefix,
      attrs,
      children: NO_CHILDREN,
      text: "",
      scope: scope.scope,
    };
    if (parent) {
      if (parent.children === NO_CHILDREN) parent.children = [el];
      else parent.children.push(el);
    } else {
      root = el;
      roots?.set(xml.slice(lt, p), {
        scope,
        name,
        attrs,
        attributeCount: raw === null ? 0 : raw.length / 2,
        decls,
        selfClosing,
        qname,
      });
    }
    if (!selfClosing) {
      stack.push(el);
      names.push(qname);
      scopes.push(scope);
    }
    pos = p;
  }
  return root !== null && stack.length === 0 ? root : null;
}

/** Names remembered per scope: ONVIF answers use a few hundred; a scope may outlive one answer. */
const MAX_NAMES = 4096;
/** Names remembered per scope declared below a root element (a response, a vendor extension). */
const MAX_CHILD_NAMES = 256;
/**
 * Scopes declared below a root remembered, per RootTagCache (or per answer without one):
 * the same declarations under the same parent (Dahua declares two namespaces on each of 36
 * TopicExpressions; WCF-style servers the default namespace on every element) then share one
 * scope and its resolved names instead of building them per element and per answer.
 */
const MAX_CHILD_SCOPES = 64;

interface ScopeBudget {
  left: number;
}

interface ResolvedName {
  readonly ns: string;
  readonly local: string;
  readonly prefix: string;
}

/**
 * One namespace scope and the names already resolved in it: a 64-channel GetProfiles answer
 * has 10k elements but a few dozen distinct names, nearly all in the envelope's scope.
 */
class ScopeNames {
  private readonly elements = new Map<string, ResolvedName | null>();
  private readonly attrs = new Map<string, ResolvedName | null>();
  /** Scopes of children by what they declare; null until one is remembered. */
  private kids: Map<string, ScopeNames> | null = null;

  constructor(
    readonly scope: Readonly<Record<string, string>>,
    private readonly budget: ScopeBudget,
    private readonly maxNames = MAX_NAMES,
  ) {}

  /** The scope of a child element declaring `decls` (already counted and checked). */
  extend(decls: Readonly<Record<string, string>>): ScopeNames {
    let key = "";
    for (const prefix in decls) key += `${prefix}=${decls[prefix] as string}\n`;
    let kid = this.kids?.get(key);
    if (kid === undefined) {
      const root = this.scope === BASE_SCOPE;
      kid = new ScopeNames(extendScope(this.scope, decls), this.budget, root ? MAX_NAMES : MAX_CHILD_NAMES);
      // Roots are remembered by RootTagCache; below them, while the budget lasts.
      if (!root && this.budget.left > 0) {
        this.budget.left--;
        (this.kids ??= new Map()).set(key, kid);
      }
    }
    return kid;
  }

  /** An element name (unprefixed ones take the default namespace); null when unbound. */
  element(qname: string): ResolvedName | null {
    let r = this.elements.get(qname);
    if (r === undefined) {
      r = this.resolve(qname, true);
      if (this.elements.size < this.maxNames) this.elements.set(qname, r);
    }
    return r;
  }

  /** A prefixed attribute name (attributes never take the default namespace); null when unbound. */
  attribute(qname: string): ResolvedName | null {
    let r = this.attrs.get(qname);
    if (r === undefined) {
      r = this.resolve(qname, false);
      if (this.attrs.size < this.maxNames) this.attrs.set(qname, r);
    }
    return r;
  }

  private resolve(qname: string, isElement: boolean): ResolvedName | null {
    const colon = qname.indexOf(":");
    if (colon < 0) return { ns: isElement ? (lookup(this.scope, "") ?? "") : "", local: qname, prefix: "" };
    const prefix = qname.slice(0, colon);
    if (prefix === "xmlns") return null;
    const ns = lookup(this.scope, prefix);
    if (ns === undefined || ns === "") return null;
    return { ns, local: qname.slice(colon + 1), prefix };
  }
}

const INVALID = Symbol("invalid");

/** The namespaces an element declares; null for none, INVALID for what saxes must judge. */
function declarations(raw: readonly string[]): Record<string, string> | null | typeof INVALID {
  let decls: Record<string, string> | null = null;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    if (name !== "xmlns" && !name.startsWith("xmlns:")) continue;
    const prefix = name === "xmlns" ? "" : name.slice(6);
    const uri = (raw[i + 1] as string).trim();
    // Undeclaring a prefix, or binding xml/xmlns: rules saxes enforces with its own messages.
    if (uri === XML_NS || uri === XMLNS_NS || prefix === "xml" || prefix === "xmlns") return INVALID;
    if (prefix !== "" && uri === "") return INVALID;
    // Null prototype, as saxes has: a prefix may be spelled "__proto__".
    decls ??= Object.create(null) as Record<string, string>;
    // Declared twice on one element: a duplicate attribute.
    if (decls[prefix] !== undefined) return INVALID;
    decls[prefix] = uri;
  }
  return decls;
}

/**
 * The element's attributes other than namespace declarations, or null when one is unbound or
 * two share an expanded name (declarations cannot collide with them: nothing may be bound to
 * the xmlns namespace, and duplicate declarations were refused already).
 */
function attributes(raw: readonly string[], scope: ScopeNames): XmlAttr[] | null {
  const attrs: XmlAttr[] = [];
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i] as string;
    if (name === "xmlns" || name.startsWith("xmlns:")) continue;
    let ns = "";
    let local = name;
    if (name.includes(":")) {
      const r = scope.attribute(name);
      if (r === null) return null;
      ns = r.ns;
      local = r.local;
    }
    for (const a of attrs) if (a.local === local && a.ns === ns) return null;
    attrs.push({ ns, local, value: raw[i + 1] as string });
  }
  return attrs;
}

/** A bound prefix's namespace; never something inherited from Object.prototype ("constructor"). */
function lookup(scope: Readonly<Record<string, string>>, prefix: string): string | undefined {
  const uri: unknown = scope[prefix];
  return typeof uri === "string" ? uri : undefined;
}

/** End of the (qualified, ASCII) name starting at p, or -1 when there is none or saxes must judge it. */
function nameEnd(xml: string, p: number): number {
  let c = xml.charCodeAt(p);
  if (!(c < 128 && NAME_START[c] === 1)) return -1;
  let colon = false;
  for (;;) {
    c = xml.charCodeAt(++p);
    if (c < 128 && NAME_CHAR[c] === 1) continue;
    if (c === COLON && !colon) {
      colon = true;
      c = xml.charCodeAt(++p);
      if (!(c < 128 && NAME_START[c] === 1)) return -1;
      continue;
    }
    // A second colon, or a non-ASCII character that may be a name character.
    if (c === COLON || c >= 128) return -1;
    return p;
  }
}

function skipSpace(xml: string, p: number): number {
  for (;;) {
    const c = xml.charCodeAt(p);
    if (c !== SPACE && c !== NL && c !== TAB) return p;
    p++;
  }
}

function onlySpace(xml: string, from: number, to: number): boolean {
  for (let p = from; p < to; p++) {
    const c = xml.charCodeAt(p);
    if (c !== SPACE && c !== NL && c !== TAB) return false;
  }
  return true;
}

/** Character data between two tags; "]]>" is forbidden there. */
function textValue(raw: string): string | null {
  if (raw.includes("]]>")) return null;
  return raw.includes("&") ? decodeEntities(raw) : raw;
}

/** A quoted attribute value, whitespace-normalised as XML 1.0 §3.3.3 says (before entities). */
function attrValue(raw: string): string | null {
  if (raw.includes("<")) return null;
  const normalised = raw.includes("\n") || raw.includes("\t") ? raw.replace(/[\t\n]/g, " ") : raw;
  return normalised.includes("&") ? decodeEntities(normalised) : normalised;
}

function decodeEntities(s: string): string | null {
  let out = "";
  let last = 0;
  let amp = s.indexOf("&");
  while (amp >= 0) {
    const semi = s.indexOf(";", amp + 1);
    if (semi < 0) return null;
    const value = entityValue(s.slice(amp + 1, semi));
    if (value === null) return null;
    out += s.slice(last, amp) + value;
    last = semi + 1;
    amp = s.indexOf("&", last);
  }
  return out + s.slice(last);
}

function entityValue(name: string): string | null {
  switch (name) {
    case "lt":
      return "<";
    case "gt":
      return ">";
    case "amp":
      return "&";
    case "quot":
      return '"';
    case "apos":
      return "'";
    default:
  }
  let code: number;
  if (HEX_REF.test(name)) code = parseInt(name.slice(2), 16);
  else if (DEC_REF.test(name)) code = parseInt(name.slice(1), 10);
  else return null;
  return isXmlChar(code) ? String.fromCodePoint(code) : null;
}

/** The Char production of XML 1.0. */
function isXmlChar(c: number): boolean {
  return (
    c === TAB ||
    c === NL ||
    c === 13 ||
    (c >= SPACE && c <= 0xd7ff) ||
    (c >= 0xe000 && c <= 0xfffd) ||
    (c >= 0x10000 && c <= 0x10ffff)
  );
}
