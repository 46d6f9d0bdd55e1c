import { SaxesParser } from "saxes";
import { OnvifError } from "../errors.ts";
import { BASE_SCOPE, DeclarationBudget, extendScope, type XmlLimits } from "./limits.ts";
import type { MutableElement, XmlAttr, XmlElement } from "./tree.ts";

const malformed = (message: string): OnvifError => new OnvifError({ kind: "malformed", message });

/**
 * The complete parser: saxes checks every well-formedness rule of XML 1.0/1.1 and Namespaces
 * and says where a document breaks one. Refuses any DOCTYPE (external entities, entity
 * expansion bombs), entities other than the five predefined ones, unbound prefixes, and
 * documents beyond the element/depth/attribute limits. Every refusal is an OnvifError of kind
 * `malformed`. `xml` is already decoded text without a BOM.
 */
export function parseWithSaxes(xml: string, limits: XmlLimits): XmlElement {
  const parser = new SaxesParser({ xmlns: true, position: true });
  const stack: MutableElement[] = [];
  let root: MutableElement | null = null;
  let count = 0;
  let attrCount = 0;
  const declared = new DeclarationBudget(limits);
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
    let scope = inherited;
    if (decls && Object.keys(decls).length > 0) {
      if (!declared.add(decls)) fail(malformed(declared.reason));
      scope = extendScope(inherited, decls);
    }
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
