import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { digestAuthorization, digestResponse, formatNc, type DigestChallenge } from "../../src/net/digest.ts";
import { parseAuthorizationParams } from "./servers.ts";

// RFC 7616 §3.9.1: user Mufasa, password "Circle of Life", GET /dir/index.html.
const rfc7616 = (algorithm: "MD5" | "SHA-256"): DigestChallenge => ({
  realm: "http-auth@example.org",
  nonce: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
  algorithm,
  algorithmGiven: true,
  qop: "auth",
  opaque: "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS",
  userhash: false,
  stale: false,
});
const rfcInput = (algorithm: "MD5" | "SHA-256") => ({
  challenge: rfc7616(algorithm),
  username: "Mufasa",
  password: "Circle of Life",
  method: "GET",
  uri: "/dir/index.html",
  nc: 1,
  cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
});

describe("digestResponse", () => {
  it("matches the RFC 7616 §3.9.1 MD5 example", () => {
    expect(digestResponse(rfcInput("MD5"))).toBe("8ca523f5e9506fed4657c9700eebdbec");
  });

  it("matches the RFC 7616 §3.9.1 SHA-256 example", () => {
    expect(digestResponse(rfcInput("SHA-256"))).toBe(
      "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1",
    );
  });

  it("matches the RFC 2617 §3.5 example (MD5, algorithm absent)", () => {
    const challenge: DigestChallenge = {
      realm: "testrealm@host.com",
      nonce: "dcd98b7102dd2f0e8b11d0f600bfb0c093",
      algorithm: "MD5",
      algorithmGiven: false,
      qop: "auth",
      opaque: "5ccc069c403ebaf9f0171e9517f40e41",
      userhash: false,
      stale: false,
    };
    const input = {
      challenge,
      username: "Mufasa",
      password: "Circle Of Life",
      method: "GET",
      uri: "/dir/index.html",
      nc: 1,
      cnonce: "0a4f113b",
    };
    expect(digestResponse(input)).toBe("6629fae49393a05397450978507c4ef1");
  });

  it("uses the RFC 2069 form when the device sent no qop", () => {
    const input = { ...rfcInput("MD5"), challenge: { ...rfc7616("MD5"), qop: null } };
    const md5 = (s: string): string => createHash("md5").update(s).digest("hex");
    const ha1 = md5("Mufasa:http-auth@example.org:Circle of Life");
    const ha2 = md5("GET:/dir/index.html");
    expect(digestResponse(input)).toBe(md5(`${ha1}:7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v:${ha2}`));
    const header = digestAuthorization(input);
    expect(header).not.toMatch(/\bnc=|cnonce=|qop=/);
  });

  it("changes with the nonce count, the cnonce, the method and the uri", () => {
    const base = digestResponse(rfcInput("SHA-256"));
    expect(digestResponse({ ...rfcInput("SHA-256"), nc: 2 })).not.toBe(base);
    expect(digestResponse({ ...rfcInput("SHA-256"), cnonce: "other" })).not.toBe(base);
    expect(digestResponse({ ...rfcInput("SHA-256"), method: "POST" })).not.toBe(base);
    expect(digestResponse({ ...rfcInput("SHA-256"), uri: "/other" })).not.toBe(base);
  });

  it("hashes the body for auth-int and the session key for -sess", () => {
    const authInt = { ...rfcInput("MD5"), challenge: { ...rfc7616("MD5"), qop: "auth-int" as const } };
    expect(digestResponse({ ...authInt, body: "a" })).not.toBe(digestResponse({ ...authInt, body: "b" }));
    const sess = { ...rfcInput("MD5"), challenge: { ...rfc7616("MD5"), algorithm: "MD5-sess" as const } };
    expect(digestResponse(sess)).not.toBe(digestResponse(rfcInput("MD5")));
    expect(digestResponse({ ...sess, cnonce: "x" })).not.toBe(digestResponse(sess));
  });
});

describe("digestAuthorization", () => {
  it("builds the RFC 7616 §3.9.1 header (SHA-256)", () => {
    const p = parseAuthorizationParams(digestAuthorization(rfcInput("SHA-256")));
    expect(p).toEqual({
      username: "Mufasa",
      realm: "http-auth@example.org",
      uri: "/dir/index.html",
      algorithm: "SHA-256",
      nonce: "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v",
      nc: "00000001",
      cnonce: "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ",
      qop: "auth",
      response: "753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1",
      opaque: "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS",
    });
  });

  it("echoes the algorithm only when the device named it, and omits a missing opaque", () => {
    const input = {
      ...rfcInput("MD5"),
      challenge: { ...rfc7616("MD5"), algorithmGiven: false, opaque: null },
    };
    const header = digestAuthorization(input);
    expect(header).not.toContain("algorithm=");
    expect(header).not.toContain("opaque=");
  });

  it("escapes quotes and backslashes in quoted values", () => {
    const input = {
      ...rfcInput("MD5"),
      username: 'a"b\\c',
      challenge: { ...rfc7616("MD5"), realm: 'r"1, x' },
    };
    const p = parseAuthorizationParams(digestAuthorization(input));
    expect(p["username"]).toBe('a"b\\c');
    expect(p["realm"]).toBe('r"1, x');
  });

  it("sends a hashed username when the device asks for userhash", () => {
    const input = { ...rfcInput("SHA-256"), challenge: { ...rfc7616("SHA-256"), userhash: true } };
    const header = digestAuthorization(input);
    expect(header).not.toContain("Mufasa");
    expect(header).toContain("userhash=true");
  });

  it("sends a non-ASCII username as username* (RFC 7616 §3.4.4)", () => {
    const header = digestAuthorization({ ...rfcInput("MD5"), username: "管理员" });
    expect(header).toContain(`username*=UTF-8''${encodeURIComponent("管理员")}`);
    expect(/^[\x20-\x7e]*$/.test(header)).toBe(true);
  });

  it("formats nc as eight hex digits", () => {
    expect(formatNc(1)).toBe("00000001");
    expect(formatNc(255)).toBe("000000ff");
  });
});
