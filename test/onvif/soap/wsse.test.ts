import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { Secret } from "../../../src/domain/secret.ts";
import { NS } from "../../../src/onvif/namespaces.ts";
import { passwordDigest, usernameTokenHeader } from "../../../src/onvif/soap/wsse.ts";
import { parseXml } from "../../../src/onvif/xml/parse.ts";
import { attr, childLoose } from "../../../src/onvif/xml/tree.ts";

describe("WS-UsernameToken PasswordDigest", () => {
  it("matches the published vector (ONVIF Application Programmer's Guide)", () => {
    const nonce = Buffer.from("LKqI6G/AikKCQrN0zqZFlg==", "base64");
    expect(passwordDigest(nonce, "2010-09-16T07:50:45Z", "userpassword")).toBe(
      "tuOSpGlFlIXsozq4HFNeeGeFLEI=",
    );
  });

  it("hashes the raw nonce bytes, not their base64 text", () => {
    const nonce = Buffer.from([0, 1, 2, 250, 251, 252]);
    const created = "2025-03-02T03:14:00.123Z";
    const independent = createHash("sha1");
    independent.update(nonce);
    independent.update(created);
    independent.update("pä55");
    expect(passwordDigest(nonce, created, "pä55")).toBe(independent.digest("base64"));
  });

  it("builds the header on the given device clock, without the password", () => {
    const nonce = Buffer.from("0123456789abcdef");
    const deviceNowMs = Date.UTC(2031, 0, 2, 3, 4, 5, 6);
    const xml = usernameTokenHeader({
      username: "a<b",
      password: new Secret("hunter22"),
      deviceNowMs,
      nonce,
    });
    expect(xml).not.toContain("hunter22");
    const sec = parseXml(`<s:Header xmlns:s="${NS.soap12}">${xml}</s:Header>`).children[0]!;
    expect(sec.ns).toBe(NS.wsse);
    expect(attr(sec, "mustUnderstand", NS.soap12)).toBe("1");
    const tok = childLoose(sec, NS.wsse, "UsernameToken");
    const created = childLoose(tok, NS.wsu, "Created")?.text;
    expect(created).toBe("2031-01-02T03:04:05.006Z");
    expect(childLoose(tok, NS.wsse, "Username")?.text).toBe("a<b");
    const nonceText = childLoose(tok, NS.wsse, "Nonce")?.text ?? "";
    expect(Buffer.from(nonceText, "base64")).toEqual(nonce);
    const pw = childLoose(tok, NS.wsse, "Password");
    expect(attr(pw, "Type")).toMatch(/#PasswordDigest$/);
    const expected = createHash("sha1")
      .update(nonce)
      .update(created ?? "")
      .update("hunter22")
      .digest("base64");
    expect(pw?.text).toBe(expected);
  });

  it("uses a fresh nonce each time", () => {
    const h = (): string =>
      usernameTokenHeader({ username: "u", password: new Secret("p"), deviceNowMs: 0 }).replace(
        /.*<wsse:Nonce[^>]*>([^<]+)<.*/,
        "$1",
      );
    expect(h()).not.toBe(h());
  });
});
