/** Bounds every XML parse of a device answer; input size is bounded earlier, by net/. */
export interface XmlLimits {
  /** Elements in the whole document. A 36-profile NVR answer has ~5k; 200k is far beyond any real one. */
  readonly maxElements: number;
  /** Nesting depth; ONVIF answers stay under ~20 levels. */
  readonly maxDepth: number;
  /** Attributes on one element. */
  readonly maxAttributes: number;
}

export const DEFAULT_XML_LIMITS: XmlLimits = { maxElements: 200_000, maxDepth: 64, maxAttributes: 256 };

/** The one prefix bound in every document (XML Namespaces §3); the root scope of every tree. */
export const BASE_SCOPE: Readonly<Record<string, string>> = Object.freeze({
  xml: "http://www.w3.org/XML/1998/namespace",
});
