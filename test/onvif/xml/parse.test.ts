import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { OnvifError } from "../../../src/onvif/errors.ts";
import { NS } from "../../../src/onvif/namespaces.ts";
import { DEFAULT_XML_LIMITS, parseXml } from "../../../src/onvif/xml/parse.ts";
import {
  attr,
  child,
  childLoose,
  childrenLoose,
  childText,
  descendantsByLocal,
  resolveQName,
  type XmlElement,
} from "../../../src/onvif/xml/tree.ts";
import { ROOT } from "../../helpers/paths.ts";

const HELPERS = join(ROOT, "test", "onvif", "helpers");

function rejects(xml: string | Buffer, pattern: RegExp, limits?: Parameters<typeof parseXml>[1]): void {
  let err: unknown;
  try {
    parseXml(xml, limits);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(OnvifError);
  expect((err as OnvifError).kind).toBe("malformed");
  expect((err as OnvifError).message).toMatch(pattern);
}

describe("parseXml: hostile input is malformed", () => {
  it("rejects an XXE DOCTYPE with an external entity", () => {
    rejects(
      `<?xml version="1.0"?><!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]><r>&xxe;</r>`,
      /DOCTYPE/,
    );
  });

  it("rejects billion laughs before expanding anything", () => {
    const defs = ['<!ENTITY lol0 "lol">'];
    for (let i = 1; i <= 9; i++) defs.push(`<!ENTITY lol${i} "${`&lol${i - 1};`.repeat(10)}">`);
    rejects(`<?xml version="1.0"?><!DOCTYPE lolz [${defs.join("")}]><lolz>&lol9;</lolz>`, /DOCTYPE/);
  });

  it("rejects a bare DOCTYPE without an internal subset", () => {
    rejects(`<!DOCTYPE html><html/>`, /DOCTYPE/);
  });

  it("rejects undefined entities", () => {
    rejects(`<r>&nbsp;</r>`, /undefined entity/);
  });

  it("accepts the five predefined entities and character references", () => {
    const el = parseXml(`<r a="&quot;&apos;">&amp;&lt;&gt;&#65;&#x42;</r>`);
    expect(el.text).toBe("&<>AB");
    expect(attr(el, "a")).toBe(`"'`);
  });

  it("rejects a depth bomb", () => {
    const depth = 10_000;
    rejects(`${"<a>".repeat(depth)}${"</a>".repeat(depth)}`, /nesting deeper than 64/);
  });

  it("rejects more elements than allowed", () => {
    rejects(`<r>${"<i/>".repeat(300_001)}</r>`, /more than 200000 elements/);
  });

  it("applies custom limits", () => {
    rejects(`<r><a/><b/><c/></r>`, /more than 3 elements/, {
      ...DEFAULT_XML_LIMITS,
      maxElements: 3,
      maxDepth: 64,
      maxAttributes: 10,
    });
    rejects(`<a><b><c/></b></a>`, /deeper than 2/, {
      ...DEFAULT_XML_LIMITS,
      maxElements: 100,
      maxDepth: 2,
      maxAttributes: 10,
    });
  });

  it("survives a 581 KB answer of nested namespace declarations in bounded memory and time", () => {
    // Run in a child with a 256 MB heap: copying the namespace table per element took 4.3 GB.
    const child = spawnSync(
      process.execPath,
      ["--max-old-space-size=256", "--import", "tsx", join(HELPERS, "parseNamespaceBomb.ts")],
      { cwd: ROOT, encoding: "utf8", timeout: 25_000, killSignal: "SIGKILL" },
    );
    expect(child.status, child.stderr.slice(-400)).toBe(0);
    const r = JSON.parse(child.stdout) as {
      bytes: number;
      byDefault: { ms: number; outcome: string };
      withoutNamespaceLimits: { ms: number; outcome: string };
      maxRssMb: number;
    };
    expect(r.bytes).toBeGreaterThan(580_000);
    expect(r.byDefault.outcome).toMatch(/^malformed: more than 16384 namespace declarations/);
    // Even past the limit the tree costs no more than its declarations: no copied tables.
    expect(r.withoutNamespaceLimits.outcome).toBe("parsed");
    expect(r.maxRssMb).toBeLessThan(300);
    // Well within a device deadline (seconds), on a loaded shared machine.
    expect(r.byDefault.ms + r.withoutNamespaceLimits.ms).toBeLessThan(3000);
  });

  it("bounds namespace declarations by count and total size", () => {
    const limits = { ...DEFAULT_XML_LIMITS, maxNamespaceDeclarations: 2, maxNamespaceChars: 12 };
    expect(parseXml(`<a xmlns:p="u"><b xmlns:q="v"/></a>`, limits).children).toHaveLength(1);
    rejects(`<a xmlns:p="u"><b xmlns:q="v"/><c xmlns:r="w"/></a>`, /more than 2 namespace/, limits);
    rejects(`<a xmlns:p="uuuuuu"><b xmlns:q="vvvvv"/></a>`, /longer than 12 characters/, limits);
  });

  it("resolves prefixes through scopes that do not copy their parent's", () => {
    const el = parseXml(`<a xmlns:p="u1" xmlns:q="u2"><b xmlns:p="u3"><c xmlns:r="u4" v="p:x"/></b></a>`);
    const c = el.children[0]?.children[0] as XmlElement;
    expect(resolveQName(c, "p:x")?.ns).toBe("u3");
    expect(resolveQName(c, "q:x")?.ns).toBe("u2");
    expect(resolveQName(c, "r:x")?.ns).toBe("u4");
    expect(resolveQName(c, "constructor:x")?.ns).toBeNull();
    expect(resolveQName(el, "p:x")?.ns).toBe("u1");
    const rewritten = parseXml(`<a xmlns="urn:d" xmlns:__proto__="urn:p"><__proto__:b/></a>`);
    expect(rewritten.children[0]?.ns).toBe("urn:p");
  });

  it("rejects a huge attribute count on one element", () => {
    const attrs = Array.from({ length: 5000 }, (_, i) => `a${i}="x"`).join(" ");
    rejects(`<r ${attrs}/>`, /more than 256 attributes/);
  });

  it("rejects unbound prefixes, mismatched tags, junk and empty input", () => {
    rejects(`<x:r/>`, /unbound|prefix/i);
    rejects(`<r><a></b></r>`, /not well-formed/);
    rejects(`HTTP/1.1 500 oops`, /not well-formed/);
    rejects(``, /./);
    rejects(`<r/><r/>`, /not well-formed/);
  });
});

describe("parseXml: tree", () => {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<s:Envelope xmlns:s="${NS.soap12}" xmlns:ter="${NS.ter}">
  <s:Body>
    <m:Thing xmlns:m="urn:m" xmlns="urn:default" token="T1" m:q="v">
      <Inner>text &amp; more<![CDATA[<raw>]]></Inner>
      <m:Value> ter:MaxOSDs</m:Value>
      <other:X xmlns:other="urn:other"/>
    </m:Thing>
  </s:Body>
</s:Envelope>`;
  const root = parseXml(xml);
  const thing = child(child(root, NS.soap12, "Body"), "urn:m", "Thing");

  it("records namespaces, prefixes and attributes", () => {
    expect(root.ns).toBe(NS.soap12);
    expect(root.local).toBe("Envelope");
    expect(root.prefix).toBe("s");
    expect(thing?.prefix).toBe("m");
    expect(attr(thing, "token")).toBe("T1");
    expect(attr(thing, "q", "urn:m")).toBe("v");
    // xmlns declarations are scope, not attributes
    expect(thing?.attrs.map((a) => a.local)).toEqual(["token", "q"]);
  });

  it("puts unprefixed children in the default namespace and keeps text and CDATA", () => {
    const inner = child(thing, "urn:default", "Inner");
    expect(inner?.text).toBe("text & more<raw>");
  });

  it("resolves QName values with a leading space in the element's scope", () => {
    const v = child(thing, "urn:m", "Value");
    expect(v).not.toBeNull();
    expect(resolveQName(v!, v!.text)).toEqual({ ns: NS.ter, prefix: "ter", local: "MaxOSDs" });
    expect(resolveQName(v!, "nope:X")?.ns).toBeNull();
    expect(resolveQName(v!, "Plain")).toEqual({ ns: "urn:default", prefix: "", local: "Plain" });
  });

  it("shares the parent's scope when an element declares nothing", () => {
    const body = child(root, NS.soap12, "Body");
    expect(body?.scope).toBe(root.scope);
    expect(thing?.scope).not.toBe(root.scope);
    expect(thing?.scope["m"]).toBe("urn:m");
  });

  it("finds descendants by local name", () => {
    expect(descendantsByLocal(root, "X").map((e) => e.ns)).toEqual(["urn:other"]);
  });
});

describe("namespace-tolerant lookups", () => {
  const el = parseXml(
    `<r xmlns:a="urn:a" xmlns:b="urn:b"><b:Name>wrong-ns</b:Name><a:Name>right-ns</a:Name><Item>1</Item><Item>2</Item></r>`,
  );

  it("prefer the right namespace", () => {
    expect(childText(el, "urn:a", "Name")).toBe("right-ns");
  });

  it("fall back to the local name when the namespace differs", () => {
    expect(childText(el, "urn:c", "Name")).toBe("wrong-ns");
    expect(childrenLoose(el, "urn:a", "Item").map((i) => i.text)).toEqual(["1", "2"]);
    expect(child(el, "urn:a", "Item")).toBeNull();
    expect(childLoose(el, "urn:a", "Missing")).toBeNull();
  });
});

describe("decoding", () => {
  it("strips a UTF-8 BOM and reads UTF-8 Chinese names", () => {
    const buf = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from("<n>大门</n>", "utf8")]);
    expect(parseXml(buf).text).toBe("大门");
  });

  it("honours a declared non-UTF-8 encoding", () => {
    const buf = Buffer.concat([
      Buffer.from(`<?xml version="1.0" encoding="ISO-8859-1"?><n>`, "latin1"),
      Buffer.from([0xe9]),
      Buffer.from("</n>", "latin1"),
    ]);
    expect(parseXml(buf).text).toBe("é");
  });

  it("reads UTF-16 with a BOM", () => {
    const buf = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from("<n>ok</n>", "utf16le")]);
    expect(parseXml(buf).text).toBe("ok");
  });
});
