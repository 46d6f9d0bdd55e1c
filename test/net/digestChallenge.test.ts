import { describe, expect, it } from "vitest";
import {
  parseAuthChallenges,
  parseNextNonce,
  pickDigestChallenge,
  toDigestChallenge,
} from "../../src/net/digestChallenge.ts";

describe("parseAuthChallenges", () => {
  it("keeps commas and escaped quotes inside quoted strings", () => {
    const [c] = parseAuthChallenges('Digest realm="a, b \\"c\\"", nonce="n,1", qop="auth,auth-int"');
    expect(c).toEqual({
      scheme: "digest",
      params: { realm: 'a, b "c"', nonce: "n,1", qop: "auth,auth-int" },
    });
  });

  it("splits several challenges on one line (Node joins repeated headers with ', ')", () => {
    const cs = parseAuthChallenges(
      'Digest realm="r", nonce="1", algorithm=MD5, Digest realm="r", nonce="2", algorithm=SHA-256, Basic realm="r"',
    );
    expect(cs.map((c) => [c.scheme, c.params["nonce"], c.params["algorithm"]])).toEqual([
      ["digest", "1", "MD5"],
      ["digest", "2", "SHA-256"],
      ["basic", undefined, undefined],
    ]);
  });

  it("accepts arrays of lines, no spaces after commas, unquoted and upper-case names", () => {
    const cs = parseAuthChallenges(['Basic realm="x"', 'DIGEST Realm="r",NONCE=abc,Stale=TRUE']);
    expect(cs[1]).toEqual({ scheme: "digest", params: { realm: "r", nonce: "abc", stale: "TRUE" } });
  });

  it("copes with a scheme without parameters, token68 and garbage", () => {
    const cs = parseAuthChallenges(
      'Negotiate, NTLM TlRMTVNTUAABAAAAB4IIog==, Digest realm="r", nonce="n" junk, Basic',
    );
    expect(cs.map((c) => c.scheme)).toEqual(["negotiate", "ntlm", "digest", "basic"]);
    expect(cs[2]?.params).toEqual({ realm: "r", nonce: "n" });
    expect(parseAuthChallenges(undefined)).toEqual([]);
    expect(parseAuthChallenges('Digest realm="unterminated')).toEqual([
      { scheme: "digest", params: { realm: "unterminated" } },
    ]);
  });
});

describe("toDigestChallenge / pickDigestChallenge", () => {
  it("defaults to MD5 when algorithm is absent and remembers it was absent", () => {
    const d = pickDigestChallenge('Digest realm="r", nonce="n", qop="auth"');
    expect(d).toMatchObject({
      algorithm: "MD5",
      algorithmGiven: false,
      qop: "auth",
      opaque: null,
      stale: false,
    });
  });

  it('reduces qop="auth,auth-int" to auth, passes opaque, reads stale case-insensitively', () => {
    const d = pickDigestChallenge(
      'Digest realm="r", nonce="n", qop="auth-int, auth", opaque="o,1", stale="TRUE"',
    );
    expect(d).toMatchObject({ qop: "auth", opaque: "o,1", stale: true });
    expect(pickDigestChallenge('Digest realm="r", nonce="n", qop="auth-int"')?.qop).toBe("auth-int");
    expect(pickDigestChallenge('Digest realm="r", nonce="n"')?.qop).toBeNull();
  });

  it("prefers SHA-256 over MD5 whichever comes first (Hikvision sends both)", () => {
    const lines = [
      'Digest realm="r", nonce="a", qop="auth", algorithm=MD5',
      'Digest realm="r", nonce="b", qop="auth", algorithm="SHA-256"',
    ];
    expect(pickDigestChallenge(lines)).toMatchObject({ algorithm: "SHA-256", nonce: "b" });
    expect(pickDigestChallenge([...lines].reverse())).toMatchObject({ algorithm: "SHA-256", nonce: "b" });
    expect(pickDigestChallenge(lines.join(", "))).toMatchObject({ algorithm: "SHA-256", nonce: "b" });
  });

  it("never picks Basic, unknown algorithms or challenges without a nonce", () => {
    expect(pickDigestChallenge('Basic realm="r"')).toBeNull();
    expect(pickDigestChallenge('Digest realm="r", nonce="n", algorithm=SHA-1')).toBeNull();
    expect(pickDigestChallenge('Digest realm="r"')).toBeNull();
    expect(pickDigestChallenge('Digest realm="r", nonce="n", qop="auth-conf"')).toBeNull();
    expect(toDigestChallenge({ scheme: "basic", params: { realm: "r", nonce: "n" } })).toBeNull();
    expect(
      pickDigestChallenge('Digest realm="r", nonce="n", algorithm=sha-256-sess, userhash=true'),
    ).toMatchObject({
      algorithm: "SHA-256-sess",
      userhash: true,
    });
  });
});

describe("parseNextNonce", () => {
  it("reads nextnonce from Authentication-Info", () => {
    expect(parseNextNonce('qop=auth, rspauth="x", cnonce="c", nc=00000001, nextnonce="abc,d"')).toBe("abc,d");
    expect(parseNextNonce('rspauth="x"')).toBeNull();
    expect(parseNextNonce(undefined)).toBeNull();
  });
});
