/** Bounds every XML parse of a device answer; input size is bounded earlier, by net/. */
export interface XmlLimits {
  /** Elements in the whole document. A 36-profile NVR answer has ~5k; 200k is far beyond any real one. */
  readonly maxElements: number;
  /** Nesting depth; ONVIF answers stay under ~20 levels. */
  readonly maxDepth: number;
  /** Attributes on one element. */
  readonly maxAttributes: number;
  /**
   * Namespace declarations in the whole document. Real answers have 10–80 (on the envelope);
   * a vendor that declares the default namespace on every element of a big answer has
   * thousands. Each costs one small scope object, never a copy of the table in force.
   */
  readonly maxNamespaceDeclarations: number;
  /** Characters of all namespace declarations together (prefixes and URIs). */
  readonly maxNamespaceChars: number;
}

export const DEFAULT_XML_LIMITS: XmlLimits = {
  maxElements: 200_000,
  maxDepth: 64,
  maxAttributes: 256,
  maxNamespaceDeclarations: 16_384,
  maxNamespaceChars: 1024 * 1024,
};

/**
 * The one prefix bound in every document (XML Namespaces §3); the root scope of every tree.
 * No prototype: a prefix spelled "constructor" or "toString" finds nothing.
 */
export const BASE_SCOPE: Readonly<Record<string, string>> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, string>, {
    xml: "http://www.w3.org/XML/1998/namespace",
  }),
);

/**
 * The scope of an element that declares namespaces: its own declarations, with the parent's
 * scope as prototype, so lookups (`scope[prefix]`, `for…in`) see every prefix in force without
 * copying the parent's table — copying it cost O(depth × declarations) per element, gigabytes
 * for a 581 KB answer. Chains are as long as the nesting, which maxDepth bounds.
 */
export function extendScope(
  parent: Readonly<Record<string, string>>,
  decls: Readonly<Record<string, string>>,
): Readonly<Record<string, string>> {
  const scope = Object.create(parent) as Record<string, string>;
  for (const prefix in decls) {
    // "xml" may only be declared with its own namespace (both parsers refuse anything else),
    // which BASE_SCOPE binds already; and BASE_SCOPE is frozen, so assignment could not shadow it.
    // Every other prefix becomes an own property, "__proto__" included: no scope in the chain
    // has Object.prototype and its __proto__ setter.
    if (prefix !== "xml") scope[prefix] = decls[prefix] as string;
  }
  return scope;
}

/** Counts a document's namespace declarations against the limits; false once they are passed. */
export class DeclarationBudget {
  #count = 0;
  #chars = 0;

  constructor(private readonly limits: XmlLimits) {}

  /** Adds one element's declarations; false when the document now has too many. */
  add(decls: Readonly<Record<string, string>>): boolean {
    for (const prefix of Object.keys(decls)) {
      this.#count++;
      this.#chars += prefix.length + (decls[prefix] as string).length;
    }
    return (
      this.#count <= this.limits.maxNamespaceDeclarations && this.#chars <= this.limits.maxNamespaceChars
    );
  }

  /** Why the document was refused, once add returned false. */
  get reason(): string {
    return this.#count > this.limits.maxNamespaceDeclarations
      ? `more than ${this.limits.maxNamespaceDeclarations} namespace declarations`
      : `namespace declarations longer than ${this.limits.maxNamespaceChars} characters in all`;
  }
}
