import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseCommonXml, RootTagCache } from "../../../src/onvif/xml/fastParse.ts";
import { DEFAULT_XML_LIMITS, type XmlLimits } from "../../../src/onvif/xml/limits.ts";
import { parseWithSaxes } from "../../../src/onvif/xml/saxesParse.ts";
import type { XmlElement } from "../../../src/onvif/xml/tree.ts";
import { FIXTURES, ONVIF_KIT } from "../../helpers/paths.ts";

/**
 * The fast path may only ever say "same tree as saxes" or "ask saxes": whatever it accepts,
 * saxes must accept too, with an identical tree. Checked on real captures, the schema kit's
 * samples, hand-made corner cases, and seeded random corruptions of all of them.
 */

type Verdict = { ok: true; tree: XmlElement } | { ok: false; message: string };

function bySaxes(xml: string, limits: XmlLimits): Verdict {
  try {
    return { ok: true, tree: parseWithSaxes(xml, limits) };
  } catch (e) {
    return { ok: false, message: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * One memory of root start tags for every document of this file: documents that share an
 * envelope (and corruptions that leave it intact) are read the second time with it.
 */
const roots = new RootTagCache();

/** Asserts the invariant, with and without remembered root tags; returns whether the fast path took the document. */
function agrees(xml: string, limits: XmlLimits = DEFAULT_XML_LIMITS): boolean {
  const fast = parseCommonXml(xml, limits);
  const remembered = parseCommonXml(xml, limits, roots);
  const again = parseCommonXml(xml, limits, roots);
  expect(remembered === null, xml).toBe(fast === null);
  expect(again === null, xml).toBe(fast === null);
  if (fast === null) return false;
  const slow = bySaxes(xml, limits);
  if (!slow.ok) throw new Error(`fast path accepted what saxes refuses (${slow.message}):\n${xml}`);
  expect(fast, xml).toStrictEqual(slow.tree);
  expect(remembered, xml).toStrictEqual(slow.tree);
  expect(again, xml).toStrictEqual(slow.tree);
  return true;
}

function xmlFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return xmlFiles(path);
    return name.endsWith(".xml") ? [path] : [];
  });
}

const fixtures = xmlFiles(FIXTURES);
const samples = xmlFiles(join(ONVIF_KIT, "samples"));
const text = (path: string): string => readFileSync(path, "utf8").replace(/^\uFEFF/, "");

/** mulberry32: a small seeded generator, so every run corrupts the same way. */
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const TOKENS = [
  "<",
  ">",
  "&",
  ";",
  '"',
  "'",
  "=",
  "/",
  ":",
  " ",
  "\n",
  "\r",
  "\r\n",
  "\t",
  "x",
  "#",
  "!",
  "?",
  "]",
  "]]>",
  "&amp;",
  "&#65;",
  "&#x0;",
  "&bogus;",
  "<!--c-->",
  "<![CDATA[d]]>",
  "<?pi x?>",
  "<!DOCTYPE a>",
  "é",
  "\u{1F600}",
  "\uD800",
  "\u0001",
  "\uFFFE",
  "xmlns",
  'xmlns:p=""',
  'xmlns="urn:d"',
  'p:a="1"',
  "</",
  "/>",
  "<a>",
  "</a>",
  "__proto__:",
  "constructor:",
  "xml:",
  "xmlns:",
];

function mutate(xml: string, next: () => number): string {
  const at = Math.floor(next() * (xml.length + 1));
  const pick = Math.floor(next() * 5);
  const token = TOKENS[Math.floor(next() * TOKENS.length)] as string;
  switch (pick) {
    case 0:
      return xml.slice(0, at) + xml.slice(at + 1 + Math.floor(next() * 3));
    case 1:
      return xml.slice(0, at) + token + xml.slice(at);
    case 2:
      return xml.slice(0, at) + token + xml.slice(at + 1);
    case 3: {
      const len = Math.floor(next() * 40);
      return xml.slice(0, at) + xml.slice(at, at + len) + xml.slice(at);
    }
    default: {
      // Move a tag boundary: where most of saxes' refusals live.
      const lt = xml.indexOf("<", at);
      return lt < 0 ? xml : xml.slice(0, lt) + token + xml.slice(lt + 1);
    }
  }
}

describe("fast XML path agrees with saxes", () => {
  it("takes every real capture and builds saxes' tree", () => {
    const taken = fixtures.filter((f) => agrees(text(f)));
    // Real answers are plain XML: each one must be read by the fast path, or it earns nothing.
    expect(fixtures.filter((f) => !taken.includes(f))).toEqual([]);
    expect(fixtures.length).toBeGreaterThan(50);
  });

  it("agrees on the schema kit's samples", () => {
    for (const f of samples) agrees(text(f));
  });

  it("leaves to saxes what it does not handle, and agrees on what it does", () => {
    const asked: [string, boolean][] = [
      [`<?xml version="1.0" encoding="UTF-8"?>\n<a b="1"/>\n`, true],
      [`<?xml version='1.0' encoding='utf-8' standalone='yes' ?><a/>`, true],
      [`<?xml version="1.1"?><a/>`, false],
      [` <?xml version="1.0"?><a/>`, false],
      [`<?xml version="1.0"?><?pi?><a/>`, false],
      [`<!DOCTYPE a><a/>`, false],
      [`<a><!-- c --></a>`, false],
      [`<a><![CDATA[x]]></a>`, false],
      [`<a>]]></a>`, false],
      [`<a b="]]>"/>`, true],
      [`<a b="x>y"/>`, true],
      [`<a b="x<y"/>`, false],
      [`<a b='x"y' c="x'y"/>`, true],
      [`<a b="1"c="2"/>`, false],
      [`<a b="1" b="2"/>`, false],
      [`<a xmlns:p="u" xmlns:q="u" p:x="1" q:x="2"/>`, false],
      [`<a xmlns:p="u" p:x="1" x="2"/>`, true],
      [`<a xmlns:p=""/>`, false],
      [`<a xmlns=""><b/></a>`, true],
      [`<a xmlns="urn:d"><b xmlns=""/></a>`, true],
      [`<a xmlns:p="  urn:p  "><p:b/></a>`, true],
      [`<a xmlns:p="urn:p"\txmlns:p="urn:q"/>`, false],
      [`<a xml:lang="en"/>`, true],
      [`<xml:a/>`, true],
      [`<a xmlns:xml="http://www.w3.org/XML/1998/namespace"/>`, false],
      [`<a xmlns:x="http://www.w3.org/XML/1998/namespace"/>`, false],
      [`<xmlns:a/>`, false],
      [`<__proto__:a xmlns:__proto__="urn:x"/>`, true],
      [`<__proto__:a/>`, false],
      [`<constructor:a/>`, false],
      [`<a toString:b="1"/>`, false],
      [`<p:a/>`, false],
      [`<a:b:c xmlns:a="u"/>`, false],
      [`<a:1b xmlns:a="u"/>`, false],
      [`<é/>`, false],
      [`<aé/>`, false],
      [`<a>é \u{1F600}</a>`, false],
      [`<a>é ü 大门</a>`, true],
      [`<a\r\n b="x\r\ny\rz"\r>t\r\nu\rv</a\r>`, true],
      [`<a b="x\n\ty"/>`, true],
      [`<a b="&#10;&#x9;&#13;"/>`, true],
      [`<a>&#0;</a>`, false],
      [`<a>&#X41;</a>`, false],
      [`<a>&#x41;&#65;&#x1F600;&lt;&gt;&amp;&quot;&apos;</a>`, true],
      [`<a>&#xD800;</a>`, false],
      [`<a>&#x110000;</a>`, false],
      [`<a>&nbsp;</a>`, false],
      [`<a>& b</a>`, false],
      [`<a b="&amp" c=";"/>`, false],
      [`<a></a >`, true],
      [`<a></ a>`, false],
      [`<a/ >`, false],
      [`< a/>`, false],
      [`<a></b>`, false],
      [`<a><b></a></b>`, false],
      [`<a/><b/>`, false],
      [`<a/>x`, false],
      [`<a/>&amp;`, false],
      [`x<a/>`, false],
      [`\n\t <a/>\n `, true],
      [``, false],
      [`<a`, false],
      [`<a b="1`, false],
      [`<a>`, false],
      [`</a>`, false],
      [`<a b/>`, false],
      [`<a b=1/>`, false],
      [`<a\u0001/>`, false],
      [`<a>\uFFFE</a>`, false],
      [`<a>\uD800x</a>`, false],
    ];
    for (const [xml, fast] of asked) {
      expect(agrees(xml), JSON.stringify(xml)).toBe(fast);
    }
  });

  it("shares the scope of the same declarations under the same parent, across answers, and only those", () => {
    const cache = new RootTagCache();
    const env = `<s:Envelope xmlns:s="urn:s">`;
    const inner = (ns: string, n: number): string =>
      `${env}<s:Body>${`<r xmlns="${ns}" xmlns:q="urn:q"><x q:a="1"/></r>`.repeat(n)}</s:Body></s:Envelope>`;
    const doc1 = inner("urn:d", 3);
    const doc2 = inner("urn:d", 1);
    const doc3 = inner("urn:e", 1);
    const [a, b, c] = [doc1, doc2, doc3].map((d) => parseCommonXml(d, DEFAULT_XML_LIMITS, cache));
    for (const [tree, doc] of [
      [a, doc1],
      [b, doc2],
      [c, doc3],
    ] as const) {
      expect(tree).toStrictEqual(parseWithSaxes(doc, DEFAULT_XML_LIMITS));
    }
    const scopeOf = (t: typeof a, i: number) => t?.children[0]?.children[i]?.scope;
    expect(scopeOf(a, 1)).toBe(scopeOf(a, 0));
    expect(scopeOf(b, 0)).toBe(scopeOf(a, 0));
    expect(scopeOf(c, 0)).not.toBe(scopeOf(a, 0));
    expect(scopeOf(c, 0)?.[""]).toBe("urn:e");
    // Past the budget of remembered scopes, elements still get their own, right, scope.
    const many = `${env}<s:Body>${Array.from({ length: 100 }, (_, i) => `<r xmlns="urn:${i}"/>`).join("")}</s:Body></s:Envelope>`;
    const tree = parseCommonXml(many, DEFAULT_XML_LIMITS, cache);
    expect(tree).toStrictEqual(parseWithSaxes(many, DEFAULT_XML_LIMITS));
    expect(tree?.children[0]?.children[99]?.ns).toBe("urn:99");
  });

  it("starts afresh when full, child scopes' budget included, and reads every envelope right meanwhile", () => {
    const cache = new RootTagCache();
    const doc = (i: number): string =>
      `<s:Envelope xmlns:s="urn:s" xmlns:v="urn:v${i}"><s:Body><r xmlns="urn:r${i}"><v:x/></r></s:Body></s:Envelope>`;
    // More distinct envelopes than it keeps (one per device model of a large mixed site).
    for (let i = 0; i < 100; i++) {
      const xml = doc(i);
      expect(parseCommonXml(xml, DEFAULT_XML_LIMITS, cache)).toStrictEqual(
        parseWithSaxes(xml, DEFAULT_XML_LIMITS),
      );
    }
    // After the last clear, the budget for child scopes is whole again (minus what came since).
    expect(cache.childScopes.left).toBeGreaterThan(0);
    // A second reading of a recent envelope takes the remembered one: the same scope object.
    const a = parseCommonXml(doc(99), DEFAULT_XML_LIMITS, cache);
    const b = parseCommonXml(doc(99), DEFAULT_XML_LIMITS, cache);
    expect(b?.scope).toBe(a?.scope);
    expect(b?.children[0]?.children[0]?.scope).toBe(a?.children[0]?.children[0]?.scope);
  });

  it("reads a remembered root start tag exactly as the first time, and only that exact tag", () => {
    const cache = new RootTagCache();
    const env = `<s:Envelope xmlns:s="urn:s" xmlns:t="urn:t" t:a="1">`;
    const doc1 = `${env}<s:Body><t:X/></s:Body></s:Envelope>`;
    const doc2 = `${env}<s:Body><t:Y>2</t:Y></s:Body></s:Envelope>`;
    const first = parseCommonXml(doc1, DEFAULT_XML_LIMITS, cache);
    const second = parseCommonXml(doc2, DEFAULT_XML_LIMITS, cache);
    expect(first).toStrictEqual(parseWithSaxes(doc1, DEFAULT_XML_LIMITS));
    expect(second).toStrictEqual(parseWithSaxes(doc2, DEFAULT_XML_LIMITS));
    // Remembered: the same scope object, and attributes that belong to this tree alone.
    expect(second?.scope).toBe(first?.scope);
    expect(second?.attrs[0]).not.toBe(first?.attrs[0]);
    // The same text up to its first ">" but a different tag: read anew.
    const other = `<s:Envelope xmlns:s="urn:s" xmlns:t="urn:other" t:a="1"><t:Z/></s:Envelope>`;
    expect(parseCommonXml(other, DEFAULT_XML_LIMITS, cache)?.children[0]?.ns).toBe("urn:other");
    // What follows a remembered start tag is still checked: saxes judges a broken document.
    expect(parseCommonXml(`${env}<s:Body></s:Envelope>`, DEFAULT_XML_LIMITS, cache)).toBeNull();
    // And the limits still hold for it.
    const tight = (maxElements: number, maxAttributes: number) => ({
      ...DEFAULT_XML_LIMITS,
      maxElements,
      maxDepth: 10,
      maxAttributes,
    });
    expect(parseCommonXml(`${env}</s:Envelope>`, tight(10, 2), cache)).toBeNull();
    expect(parseCommonXml(`${env}<a><b/></a></s:Envelope>`, tight(2, 10), cache)).toBeNull();
    expect(parseCommonXml(`${env}<a/></s:Envelope>`, tight(2, 3), cache)).not.toBeNull();
  });

  it("steps aside at every limit, so saxes reports it", () => {
    const limits = { ...DEFAULT_XML_LIMITS, maxElements: 3, maxDepth: 2, maxAttributes: 2 };
    expect(agrees(`<a><b/><c/></a>`, limits)).toBe(true);
    expect(agrees(`<a><b/><c/><d/></a>`, limits)).toBe(false);
    expect(agrees(`<a><b><c/></b></a>`, limits)).toBe(false);
    expect(agrees(`<a x="1" y="2"/>`, limits)).toBe(true);
    expect(agrees(`<a x="1" y="2" z="3"/>`, limits)).toBe(false);
    expect(agrees(`<a xmlns:p="u" x="1" y="2"/>`, limits)).toBe(false);
    const ns = { ...DEFAULT_XML_LIMITS, maxNamespaceDeclarations: 2, maxNamespaceChars: 12 };
    expect(agrees(`<a xmlns:p="u"><b xmlns:q="v"/></a>`, ns)).toBe(true);
    expect(agrees(`<a xmlns:p="u"><b xmlns:q="v"/><c xmlns:r="w"/></a>`, ns)).toBe(false);
    expect(agrees(`<a xmlns:p="uuuuuu"><b xmlns:q="vvvvv"/></a>`, ns)).toBe(false);
  });

  it("never accepts a corruption that saxes refuses, and agrees on the rest", () => {
    const next = random(20240401);
    const corpus = [...fixtures, ...samples].map(text).filter((x) => x.length <= 40_000);
    let taken = 0;
    let tried = 0;
    for (const xml of corpus) {
      for (let i = 0; i < 40; i++) {
        let doc = mutate(xml, next);
        if (next() < 0.3) doc = mutate(doc, next);
        tried++;
        if (agrees(doc)) taken++;
      }
    }
    // Both outcomes must be exercised for the comparison to mean anything.
    expect(taken).toBeGreaterThan(tried / 10);
    expect(taken).toBeLessThan(tried);
  });
});
