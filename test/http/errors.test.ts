import { afterEach, describe, expect, it } from "vitest";
import { harness, json, type Harness } from "./helpers.ts";

/* Issue 8, defect 9 (the HTTP part): plain answers to bad bodies, and a word at start about the cookie. */

let h: Harness;
afterEach(async () => {
  await h.server.stop();
});

/** POST /api/v1/maintenance with an admin key and this body, sent as application/json. */
const postJson = (payload: string) =>
  h.call({
    method: "POST",
    url: "/api/v1/maintenance",
    key: h.world.keys.admin,
    headers: { "content-type": "application/json" },
    payload,
  });

describe("a malformed JSON body", () => {
  it("is a plain 400 Bad Request that says what is wrong", async () => {
    h = harness();
    const r = await postJson('{"to": "2026-03-02T06:00:00Z", "reason": ');
    expect(r.statusCode).toBe(400);
    expect(json(r)).toEqual({
      statusCode: 400,
      error: "Bad Request",
      message: "The body is not valid JSON: send one JSON object with Content-Type: application/json.",
    });
  });

  it("and an empty one say so too, never naming a class", async () => {
    h = harness();
    const r = await postJson("");
    expect(r.statusCode).toBe(400);
    expect(json(r).error).toBe("Bad Request");
    expect(json(r).message).toMatch(/body is empty/);
    const big = await postJson(JSON.stringify({ reason: "x".repeat(70 * 1024), to: "2026-03-02T06:00:00Z" }));
    expect(big.statusCode).toBe(413);
    expect(json(big).error).toBe("Payload Too Large");
  });
});

describe("at start", () => {
  const warnings = (h: Harness): string[] =>
    h.world.logs
      .map((l) => JSON.parse(l) as { level: number; msg: string })
      .filter((l) => l.level === 40)
      .map((l) => l.msg);

  it("warns that the session cookie is not Secure when publicUrl is not https", async () => {
    h = harness({ publicUrl: "http://watch.example.org" });
    await h.server.start({ host: "127.0.0.1", port: 0 });
    expect(warnings(h).some((m) => /not marked Secure/.test(m))).toBe(true);
  });

  it("warns likewise without a publicUrl, and not with an https one", async () => {
    h = harness({ publicUrl: null });
    await h.server.start({ host: "127.0.0.1", port: 0 });
    expect(warnings(h).some((m) => /not marked Secure/.test(m))).toBe(true);
    const secure = harness({ publicUrl: "https://watch.example.org" });
    try {
      await secure.server.start({ host: "127.0.0.1", port: 0 });
      expect(warnings(secure).some((m) => /Secure/.test(m))).toBe(false);
    } finally {
      await secure.server.stop();
    }
  });
});
