import type { XmlElement } from "./tree.ts";

/** Escapes character data. */
export function escapeText(s: string): string {
  return s.replace(/[&<>]/g, (c) => (c === "&" ? "&amp;" : c === "<" ? "&lt;" : "&gt;"));
}

/** Escapes an attribute value (double-quoted). */
export function escapeAttr(s: string): string {
  return s.replace(/[&<>"\r\n\t]/g, (c) => ATTR_ESCAPES[c] ?? c);
}

const ATTR_ESCAPES: Readonly<Record<string, string>> = {
  "&": "&amp;",
  "<": "&lt;",
  ">": "&gt;",
  '"': "&quot;",
  "\r": "&#13;",
  "\n": "&#10;",
  "\t": "&#9;",
};

/** `<p:name>text</p:name>` with the text escaped. */
export function textElement(qname: string, text: string): string {
  return `<${qname}>${escapeText(text)}</${qname}>`;
}

/**
 * Writes an element received from a device back out (WS-Addressing reference parameters are
 * echoed verbatim), declaring every namespace it uses on the spot so it stands alone wherever
 * it is placed. `extraAttrs` are added to the top element (e.g. wsa:IsReferenceParameter);
 * `outerScope` names the prefixes already bound where it goes, so none is rebound by mistake.
 */
export function serializeElement(
  el: XmlElement,
  extraAttrs = "",
  outerScope: Readonly<Record<string, string>> = {},
): string {
  return write(el, outerScope, extraAttrs);
}

function write(el: XmlElement, outScope: Readonly<Record<string, string>>, extraAttrs: string): string {
  const scope: Record<string, string> = { ...outScope };
  const decls: string[] = [];
  const declare = (wanted: string, ns: string): string => {
    let prefix = wanted;
    if (prefix === "" && ns !== "") prefix = "ns";
    let i = 0;
    while (prefix !== "" && scope[prefix] !== undefined && scope[prefix] !== ns) prefix = `ns${++i}`;
    if (scope[prefix] !== ns) {
      scope[prefix] = ns;
      decls.push(prefix === "" ? ` xmlns="${escapeAttr(ns)}"` : ` xmlns:${prefix}="${escapeAttr(ns)}"`);
    }
    return prefix;
  };
  let name: string;
  if (el.ns === "") {
    // An element in no namespace must not inherit a default namespace.
    if (scope[""] !== undefined && scope[""] !== "") {
      scope[""] = "";
      decls.push(' xmlns=""');
    }
    name = el.local;
  } else {
    const p = declare(el.prefix, el.ns);
    name = p === "" ? el.local : `${p}:${el.local}`;
  }
  const attrs = el.attrs
    .map((a) => {
      if (a.ns === "") return ` ${a.local}="${escapeAttr(a.value)}"`;
      if (a.ns === "http://www.w3.org/XML/1998/namespace") return ` xml:${a.local}="${escapeAttr(a.value)}"`;
      const original = prefixFor(el.scope, a.ns) ?? "a";
      const p = declare(original, a.ns);
      return ` ${p}:${a.local}="${escapeAttr(a.value)}"`;
    })
    .join("");
  const inner = el.children.map((c) => write(c, scope, "")).join("");
  const text = el.children.length === 0 ? escapeText(el.text) : escapeText(el.text.trim());
  const open = `<${name}${decls.join("")}${attrs}${extraAttrs ? ` ${extraAttrs.trim()}` : ""}`;
  const body = text + inner;
  return body.length === 0 ? `${open}/>` : `${open}>${body}</${name}>`;
}

/** A non-empty prefix bound to `ns` in a scope; inherited bindings count (scopes are chains). */
function prefixFor(scope: Readonly<Record<string, string>>, ns: string): string | null {
  for (const prefix in scope) if (prefix !== "" && scope[prefix] === ns) return prefix;
  return null;
}
