import { createHash } from "node:crypto";
import { describe, expect, test } from "vitest";
import {
  hashToken,
  isTokenShaped,
  newAccessToken,
  parentLink,
  parseLifetime,
} from "../../src/access/tokens.ts";

describe("access tokens", () => {
  test("256 random bits, base64url, a SHA-256 hash and an unrelated id", () => {
    const a = newAccessToken();
    const b = newAccessToken();
    expect(Buffer.from(a.token, "base64url")).toHaveLength(32);
    expect(isTokenShaped(a.token)).toBe(true);
    expect(a.token).not.toBe(b.token);
    expect(a.sha256).toBe(createHash("sha256").update(a.token).digest("hex"));
    expect(hashToken(a.token)).toBe(a.sha256);
    expect(a.tokenId).toMatch(/^tok_[0-9a-f]{16}$/);
    expect(a.tokenId).not.toContain(a.token.slice(0, 8));
  });

  test("the link carries the token in its fragment, which no server ever receives", () => {
    const url = new URL(parentLink("https://watch.example.cn/", "abc"));
    expect(url.pathname).toBe("/p/");
    expect(url.search).toBe("");
    expect(url.hash).toBe("#t=abc");
  });

  test("lifetimes", () => {
    expect(parseLifetime("30d")).toEqual({ ok: true, ms: 30 * 86_400_000 });
    expect(parseLifetime("12h")).toEqual({ ok: true, ms: 12 * 3_600_000 });
    expect(parseLifetime("2w")).toEqual({ ok: true, ms: 14 * 86_400_000 });
    expect(parseLifetime("0d").ok).toBe(false);
    expect(parseLifetime("30 days").ok).toBe(false);
    expect(parseLifetime("401d").ok).toBe(false);
  });

  test("only token-shaped strings are looked up", () => {
    expect(isTokenShaped("x".repeat(42))).toBe(false);
    expect(isTokenShaped(`${"x".repeat(42)}/`)).toBe(false);
  });
});
