import { afterEach, describe, expect, it } from "vitest";
import { newApiKey } from "../../src/auth/apiKey.ts";
import { harness, type Harness } from "./helpers.ts";

let h: Harness;
afterEach(async () => {
  await h.server.stop();
});

describe("the HTTP log", () => {
  it("never holds a key or a session id, whatever the request and however it ends", async () => {
    h = harness();
    const stranger = newApiKey().key;
    // A route that logs what a careless handler might: the whole header set.
    h.app.get("/test/echo-headers", (request, reply) => {
      request.log.info({ headers: request.headers }, "headers seen");
      request.log.info({ req: { headers: request.headers } }, "request seen");
      void reply.send({ ok: true });
    });

    const login = await h.call({
      method: "POST",
      url: "/login",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: `key=${encodeURIComponent(h.world.keys.admin)}`,
    });
    const session = /nw_session=([^;]+)/.exec(String(login.headers["set-cookie"]))?.[1] ?? "";
    expect(session).not.toBe("");

    await h.call({ url: "/api/v1/status", key: h.world.keys.admin });
    await h.call({ url: "/api/v1/status", key: stranger });
    await h.call({ method: "POST", url: "/api/v1/maintenance", key: h.world.keys.regulator, payload: {} });
    await h.call({ url: "/", headers: { cookie: `nw_session=${session}` } });
    await h.call({
      url: "/test/echo-headers",
      key: h.world.keys.admin,
      headers: { cookie: `nw_session=${session}` },
    });
    h.world.failStatus = true;
    await h.call({
      url: "/api/v1/status",
      key: h.world.keys.admin,
      headers: { cookie: `nw_session=${session}` },
    });
    await h.call({
      method: "POST",
      url: "/login",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      payload: `key=${stranger}`,
    });

    const log = h.world.logs.join("");
    expect(log.length).toBeGreaterThan(0);
    for (const secret of [h.world.keys.admin, h.world.keys.regulator, stranger, session])
      expect(log, "a secret reached the log").not.toContain(secret);
    const seen = h.world.logs.map((l) => JSON.parse(l) as Record<string, unknown>);
    const headersLine = seen.find((l) => l.msg === "headers seen") as { headers: Record<string, string> };
    expect(headersLine.headers.authorization).toBe("[redacted]");
    expect(headersLine.headers.cookie).toBe("[redacted]");
    // fastify's req serializer drops headers before redaction is even needed.
    const reqLine = seen.find((l) => l.msg === "request seen") as { req: Record<string, unknown> };
    expect(reqLine.req.headers).toBeUndefined();
    // What is logged is who, not with what.
    expect(seen.some((l) => l.msg === "dashboard login" && l.keyName === "ops")).toBe(true);
    expect(seen.some((l) => l.msg === "request" && l.by === "ops" && l.status === 200)).toBe(true);
  });
});
