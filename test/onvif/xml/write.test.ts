import { describe, expect, it } from "vitest";
import { parseXml } from "../../../src/onvif/xml/parse.ts";
import { escapeAttr, escapeText, serializeElement } from "../../../src/onvif/xml/write.ts";

describe("escaping", () => {
  it("escapes markup in text and attributes", () => {
    expect(escapeText(`a<b>&c`)).toBe("a&lt;b&gt;&amp;c");
    expect(escapeAttr(`"x"\n&`)).toBe("&quot;x&quot;&#10;&amp;");
  });
});

describe("serializeElement", () => {
  it("writes an element so it stands alone and parses back to the same tree", () => {
    const src = parseXml(
      `<w:Outer xmlns:w="urn:w" xmlns:ax="urn:axis"><ax:SubscriptionId ax:kind="k" plain="p &amp; q">42</ax:SubscriptionId><Bare>1</Bare></w:Outer>`,
    );
    const sub = src.children[0]!;
    const out = serializeElement(sub);
    const back = parseXml(out);
    expect(back.ns).toBe("urn:axis");
    expect(back.local).toBe("SubscriptionId");
    expect(back.text).toBe("42");
    expect(back.attrs).toEqual(
      expect.arrayContaining([
        { ns: "urn:axis", local: "kind", value: "k" },
        { ns: "", local: "plain", value: "p & q" },
      ]),
    );
    const bare = parseXml(serializeElement(src.children[1]!));
    expect(bare.ns).toBe("");
  });

  it("does not rebind a prefix the surrounding document already uses for another namespace", () => {
    const el = parseXml(`<wsa:Id xmlns:wsa="urn:vendor">7</wsa:Id>`);
    const out = serializeElement(el, 'wsa:IsReferenceParameter="true"', {
      wsa: "http://www.w3.org/2005/08/addressing",
    });
    const wrapped = parseXml(`<h xmlns:wsa="http://www.w3.org/2005/08/addressing">${out}</h>`);
    const id = wrapped.children[0]!;
    expect(id.ns).toBe("urn:vendor");
    expect(id.attrs).toContainEqual({
      ns: "http://www.w3.org/2005/08/addressing",
      local: "IsReferenceParameter",
      value: "true",
    });
  });
});
