/**
 * The element tree the safe parser builds: just what the ONVIF readers need, nothing that can
 * run (no entities, no DTD). `scope` is the prefix → namespace map in force at the element, so
 * QName *values* such as "ter:NotAuthorized" or "tt:CellMotionDetector" can be resolved the way
 * the device meant them. Elements that declare no namespace share their parent's scope object;
 * one that declares some has a scope whose prototype is its parent's (limits.ts extendScope).
 */
export interface XmlAttr {
  /** "" for an unprefixed attribute (attributes never take the default namespace). */
  readonly ns: string;
  readonly local: string;
  readonly value: string;
}

export interface XmlElement {
  /** "" when the element is in no namespace. */
  readonly ns: string;
  readonly local: string;
  /** The prefix the document used ("" for none); kept for diagnostics and echoing. */
  readonly prefix: string;
  readonly attrs: readonly XmlAttr[];
  readonly children: readonly XmlElement[];
  /** The element's own character data (text and CDATA), untrimmed; children's text excluded. */
  readonly text: string;
  /** In-scope prefix → namespace ("" is the default namespace). */
  readonly scope: Readonly<Record<string, string>>;
}

/** An XmlElement while a parser builds it (both parsers make the same tree). */
export interface MutableElement {
  ns: string;
  local: string;
  prefix: string;
  attrs: XmlAttr[];
  children: MutableElement[];
  text: string;
  scope: Readonly<Record<string, string>>;
}

export interface QName {
  /** null when the prefix is not bound in the element's scope. */
  readonly ns: string | null;
  readonly prefix: string;
  readonly local: string;
}

/** First child with exactly this namespace and local name. */
export function child(el: XmlElement | null | undefined, ns: string, local: string): XmlElement | null {
  if (!el) return null;
  for (const c of el.children) if (c.local === local && c.ns === ns) return c;
  return null;
}

/** Every child with exactly this namespace and local name. */
export function children(el: XmlElement | null | undefined, ns: string, local: string): XmlElement[] {
  if (!el) return [];
  return el.children.filter((c) => c.local === local && c.ns === ns);
}

/**
 * Namespace-tolerant lookup for vendors that put elements in the wrong namespace (or none):
 * the right namespace wins, otherwise the first child with the same local name.
 */
export function childLoose(el: XmlElement | null | undefined, ns: string, local: string): XmlElement | null {
  if (!el) return null;
  return child(el, ns, local) ?? el.children.find((c) => c.local === local) ?? null;
}

/** Every child in the right namespace; when there is none, every child with the local name. */
export function childrenLoose(el: XmlElement | null | undefined, ns: string, local: string): XmlElement[] {
  if (!el) return [];
  const exact = children(el, ns, local);
  return exact.length > 0 ? exact : el.children.filter((c) => c.local === local);
}

/** Follows a path of local names with childLoose at each step, all in one namespace. */
export function pathLoose(
  el: XmlElement | null | undefined,
  ns: string,
  ...locals: string[]
): XmlElement | null {
  let cur: XmlElement | null = el ?? null;
  for (const l of locals) {
    if (!cur) return null;
    cur = childLoose(cur, ns, l);
  }
  return cur;
}

/** Trimmed text of an element, null when absent. */
export function textOf(el: XmlElement | null | undefined): string | null {
  return el ? el.text.trim() : null;
}

/** Trimmed text of a child (namespace-tolerant), null when the child is absent. */
export function childText(el: XmlElement | null | undefined, ns: string, local: string): string | null {
  return textOf(childLoose(el, ns, local));
}

/** An attribute value: unqualified (or in `ns`) first, then any attribute with that local name. */
export function attr(el: XmlElement | null | undefined, local: string, ns = ""): string | null {
  if (!el) return null;
  const exact = el.attrs.find((a) => a.local === local && a.ns === ns);
  if (exact) return exact.value;
  return el.attrs.find((a) => a.local === local)?.value ?? null;
}

/** Resolves a QName value ("ter:NotAuthorized", " ter:MaxOSDs") in the element's scope. */
export function resolveQName(el: XmlElement, value: string): QName | null {
  const v = value.trim();
  if (v.length === 0) return null;
  const colon = v.indexOf(":");
  const prefix = colon >= 0 ? v.slice(0, colon) : "";
  const local = colon >= 0 ? v.slice(colon + 1) : v;
  if (local.length === 0) return null;
  const ns = el.scope[prefix];
  return { ns: ns ?? (prefix === "" ? "" : null), prefix, local };
}

/** Every descendant (depth first, document order) with this local name, in any namespace. */
export function descendantsByLocal(el: XmlElement, local: string): XmlElement[] {
  const out: XmlElement[] = [];
  const stack: XmlElement[] = [...el.children].reverse();
  while (stack.length > 0) {
    const cur = stack.pop() as XmlElement;
    if (cur.local === local) out.push(cur);
    for (let i = cur.children.length - 1; i >= 0; i--) stack.push(cur.children[i] as XmlElement);
  }
  return out;
}
