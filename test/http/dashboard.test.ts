import { createHash } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { newApiKey } from "../../src/auth/apiKey.ts";
import { escapeHtml, html } from "../../src/http/dashboard/html.ts";
import { duration, parseLang } from "../../src/http/dashboard/words.ts";
import type { SiteInfo } from "../../src/http/deps.ts";
import { SUNSHINE, T0, openViolation } from "./fakes.ts";
import { harness, json, type Harness } from "./helpers.ts";
import { sampleReport } from "./sampleReport.ts";

const iso = (ms: number): string => new Date(ms).toISOString();

let h: Harness;
afterEach(async () => {
  await h.server.stop();
});

/** Logs in with the key; returns the Set-Cookie header and the session id in it. */
async function login(
  key: string,
  lang?: string,
): Promise<{ status: number; cookie: string; id: string; body: string; location?: string }> {
  const r = await h.call({
    method: "POST",
    url: "/login",
    headers: { "content-type": "application/x-www-form-urlencoded" },
    payload: new URLSearchParams({ key, ...(lang ? { lang } : {}) }).toString(),
  });
  const cookie = String(r.headers["set-cookie"] ?? "");
  const id = /nw_session=([^;]*)/.exec(cookie)?.[1] ?? "";
  return {
    status: r.statusCode,
    cookie,
    id,
    body: r.body,
    ...(r.headers.location ? { location: String(r.headers.location) } : {}),
  };
}

const withSession = (id: string) => ({ cookie: `nw_session=${id}` });

describe("dashboard login", () => {
  beforeEach(() => {
    h = harness();
  });

  it("sends / to the login page without a session", async () => {
    const r = await h.call({ url: "/" });
    expect(r.statusCode).toBe(303);
    expect(r.headers.location).toBe("/login?lang=en");
    const page = await h.call({ url: "/login" });
    expect(page.statusCode).toBe(200);
    expect(page.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(page.body).toContain('<form class="login" method="post" action="/login">');
    expect(page.body).toMatch(/<input\s+id="key"\s+name="key"\s+type="password"/);
  });

  it("opens a session for an admin key: HttpOnly, SameSite=Strict cookie; only its hash is stored", async () => {
    const res = await login(h.world.keys.admin);
    expect(res.status).toBe(303);
    expect(res.location).toBe("/?lang=en");
    expect(res.cookie).toMatch(/HttpOnly/);
    expect(res.cookie).toMatch(/SameSite=Strict/);
    expect(res.cookie).toMatch(/Path=\//);
    expect(res.cookie).toMatch(/Max-Age=43200/);
    expect(res.cookie).not.toMatch(/Secure/);
    expect(res.id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const stored = [...h.world.sessions.values()];
    expect(stored).toHaveLength(1);
    expect(stored[0]).toEqual({
      idHash: createHash("sha256").update(res.id).digest("hex"),
      keyName: "ops",
      sites: [],
      district: true,
      createdAt: iso(T0),
      expiresAt: iso(T0 + 12 * 3600_000),
    });
    expect(JSON.stringify(stored)).not.toContain(res.id);
    const page = await h.call({ url: "/", headers: withSession(res.id) });
    expect(page.statusCode).toBe(200);
    expect(page.body).toContain("Sunshine Nursery");
  });

  it("sets Secure on the cookie when the dashboard is published over https", async () => {
    await h.server.stop();
    h = harness({ publicUrl: "https://watch.example.org" });
    expect((await login(h.world.keys.admin)).cookie).toMatch(/; Secure/);
  });

  it("refuses a wrong key (401) and a regulator key (403) with the reason on the page", async () => {
    const wrong = await login(newApiKey().key);
    expect(wrong.status).toBe(401);
    expect(wrong.cookie).toBe("");
    expect(wrong.body).toContain("That key is not valid.");
    const regulator = await login(h.world.keys.regulator);
    expect(regulator.status).toBe(403);
    expect(regulator.cookie).toBe("");
    expect(regulator.body).toContain("not an admin key");
    const empty = await login("");
    expect(empty.status).toBe(401);
    expect(h.world.sessions.size).toBe(0);
  });

  it("never lets a session cookie stand in for an API key", async () => {
    const { id } = await login(h.world.keys.admin);
    const r = await h.call({ url: "/api/v1/status", headers: withSession(id) });
    expect(r.statusCode).toBe(401);
  });

  it("ends the session on logout, in the store too", async () => {
    const { id } = await login(h.world.keys.admin);
    const out = await h.call({ method: "POST", url: "/logout?lang=en", headers: withSession(id) });
    expect(out.statusCode).toBe(303);
    expect(out.headers.location).toBe("/login?lang=en");
    expect(String(out.headers["set-cookie"])).toMatch(/nw_session=;.*Expires=Thu, 01 Jan 1970/);
    expect(h.world.sessions.size).toBe(0);
    expect((await h.call({ url: "/", headers: withSession(id) })).statusCode).toBe(303);
  });

  it("ends sessions that expired, or whose key left the configuration", async () => {
    const { id } = await login(h.world.keys.admin);
    h.world.clock.now = T0 + 12 * 3600_000;
    expect((await h.call({ url: "/", headers: withSession(id) })).statusCode).toBe(303);
    h.world.clock.now = T0;
    expect((await h.call({ url: "/", headers: withSession(id) })).statusCode).toBe(200);
    h.world.apiKeys.splice(0, 1);
    expect((await h.call({ url: "/", headers: withSession(id) })).statusCode).toBe(303);
    expect((await h.call({ url: "/", headers: withSession("made-up") })).statusCode).toBe(303);
  });

  it("answers the live feed only with a session", async () => {
    const none = await h.call({ url: "/dashboard/live.json" });
    expect(none.statusCode).toBe(401);
    const { id } = await login(h.world.keys.admin);
    const r = await h.call({ url: "/dashboard/live.json", headers: withSession(id) });
    expect(r.statusCode).toBe(200);
    expect(r.headers["cache-control"]).toBe("no-store");
    const body = json<{ html: string; updated: string }>(r);
    expect(body.html).toContain('data-site="sunshine-01"');
    expect(body.updated).toBe("10:00:00");
  });
});

describe("the dashboard page", () => {
  let session: string;
  beforeEach(async () => {
    h = harness();
    session = (await login(h.world.keys.admin)).id;
  });
  const page = async (query = ""): Promise<string> => {
    const r = await h.call({ url: `/${query}`, headers: withSession(session) });
    expect(r.statusCode).toBe(200);
    return r.body;
  };

  it("shows every zone and camera with its state and the reason in plain words", async () => {
    h.world.reports.set(SUNSHINE.id, sampleReport(SUNSHINE, iso(T0 - 90_000), { offline: ["cam-room"] }));
    h.world.lastPollAt.set(SUNSHINE.id, { nvr1: iso(T0 - 90_000) });
    const body = await page();
    expect(body).toContain('data-verdict="violation"');
    expect(body).toContain("Not compliant");
    expect(body).toMatch(/data-zone="room-a" data-status="violation"/);
    expect(body).toContain("Only 0 of 1 camera is healthy (online and recording); at least 1 required.");
    expect(body).toMatch(/data-camera="cam-room" data-health="unhealthy"/);
    expect(body).toContain(
      "The recorder no longer lists profile ProfileToken_2: the camera is disconnected or was removed.",
    );
    expect(body).toMatch(/data-camera="cam-gate" data-health="healthy"/);
    expect(body).toContain("Online and recording.");
    expect(body).toContain("Recordings go back 93 days");
    expect(body).toContain("Checked 2026-03-02 09:58 UTC+8 (1 min 30 s ago)");
    expect(body).toContain("last poll: 2026-03-02 09:58 UTC+8 (1 min 30 s ago)");
  });

  it("marks a healthy camera whose retention is short as a problem, with the reason", async () => {
    h.world.reports.set(SUNSHINE.id, sampleReport(SUNSHINE, iso(T0), { retentionDays: { "cam-nap": 41 } }));
    const body = await page();
    const card = /<article[^>]*data-camera="cam-nap"[\s\S]*?<\/article>/.exec(body)?.[0] ?? "";
    expect(card).toMatch(/^<article class="card bad" data-camera="cam-nap" data-health="healthy"/);
    expect(card).toContain(
      "Video goes back only 41 days (earliest 2026-01-20 10:00 UTC+8); 90 days are required",
    );
    expect(card).toContain("Recordings go back 41 days");
  });

  it("explains a dead recorder once per camera, not once per rule", async () => {
    h.world.reports.set(SUNSHINE.id, sampleReport(SUNSHINE, iso(T0), { unreachable: ["nvr1"] }));
    const body = await page();
    const card = /<article[^>]*data-camera="cam-gate"[\s\S]*?<\/article>/.exec(body)?.[0] ?? "";
    expect(card).toContain('data-health="unknown"');
    expect(card.match(/<li /g)).toHaveLength(1);
    expect(card).toContain("Device nvr1 cannot be reached over the network: connect ECONNREFUSED.");
    expect(card).toContain("Retention depth unknown");
    expect(body).toContain("Unreachable");
  });

  it("lists open violations with how long they have been open", async () => {
    h.world.reports.set(SUNSHINE.id, sampleReport(SUNSHINE, iso(T0), { offline: ["cam-room"] }));
    h.world.violations.push(
      openViolation({
        id: "v-1",
        kind: "camera_offline",
        subject: { type: "camera", id: "cam-room" },
        openedAt: iso(T0 - (3 * 3600 + 5 * 60) * 1000),
      }),
      openViolation({
        id: "v-2",
        kind: "clock_drift",
        subject: { type: "device", id: "nvr1" },
        state: "resolved",
      }),
      openViolation({
        id: "v-3",
        kind: "retention_short",
        subject: { type: "camera", id: "cam-nap" },
        maintenance: true,
      }),
    );
    const body = await page();
    expect(body).toContain('data-open-count="2"');
    const item = /<li class="card bad" data-violation="v-1"[\s\S]*?<\/li>/.exec(body)?.[0] ?? "";
    expect(item).toContain("Camera offline");
    expect(item).toContain("Room A camera");
    expect(item).toContain("open for 3 h 5 min (since 2026-03-02 06:55 UTC+8)");
    expect(item).toContain("The recorder no longer lists profile ProfileToken_2");
    expect(body).not.toContain('data-violation="v-2"');
    expect(/data-violation="v-3"[\s\S]*?<\/li>/.exec(body)?.[0]).toContain("maintenance");
  });

  it("says in the page's language when the monitor's state cannot be read, and retries", async () => {
    h.world.failStatus = true;
    const r = await h.call({ url: "/", headers: withSession(session) });
    expect(r.statusCode).toBe(503);
    expect(r.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(r.body).toContain("The monitor cannot read its state right now");
    expect(r.body).toContain('<meta http-equiv="refresh" content="10"');
    const feed = await h.call({ url: "/dashboard/live.json", headers: withSession(session) });
    expect(feed.statusCode).toBe(500);
  });

  it("says when a site has not been polled yet", async () => {
    expect(await page()).toContain("Not polled yet: the first check of this site has not finished.");
    expect(await page()).toContain("data-none-open");
  });

  it("speaks the site's language by default and switches with ?lang=", async () => {
    await h.server.stop();
    const zh: SiteInfo = { ...SUNSHINE, locale: "zh-CN", name: "阳光托育中心" };
    h = harness({ sites: [zh] });
    session = (await login(h.world.keys.admin)).id;
    h.world.reports.set(zh.id, sampleReport(zh, iso(T0), { offline: ["cam-room"] }));
    const chinese = await page();
    expect(chinese).toContain('<html lang="zh-CN">');
    expect(chinese).toContain("监控合规状态");
    expect(chinese).toContain("录像机已不再列出通道 ProfileToken_2");
    expect(chinese).toContain("录像可追溯 93 天");
    const english = await page("?lang=en");
    expect(english).toContain('<html lang="en">');
    expect(english).toContain("Recordings go back 93 days");
    expect(english).toContain('data-feed="/dashboard/live.json?lang=en"');
    // The findings' sentences switch too, re-rendered from their reason codes and params.
    expect(english).toContain("The recorder no longer lists profile ProfileToken_2");
    expect(english).not.toContain("录像机已不再列出通道");
    expect((await h.call({ url: "/?lang=fr", headers: withSession(session) })).body).toContain(
      '<html lang="zh-CN">',
    );
  });

  it("escapes every name and message from the configuration or devices", async () => {
    await h.server.stop();
    const evil: SiteInfo = {
      ...SUNSHINE,
      name: `<script>alert("site")</script>`,
      zones: [{ id: "gate", name: `<img src=x onerror=alert(1)>`, kind: "entrance" }],
      cameras: [{ id: "cam-gate", name: `"><svg onload=alert(2)>`, zones: ["gate"] }],
    };
    h = harness({ sites: [evil] });
    session = (await login(h.world.keys.admin)).id;
    const report = sampleReport(evil, iso(T0), { offline: ["cam-gate"] });
    h.world.reports.set(evil.id, {
      ...report,
      findings: report.findings.map((f) => ({ ...f, message: `${f.message} <b onmouseover=x>` })),
    });
    const body = await page();
    expect(body).toContain("&lt;script&gt;alert(&quot;site&quot;)&lt;/script&gt;");
    expect(body).toContain("&lt;img src=x onerror=alert(1)&gt;");
    expect(body).toContain("&quot;&gt;&lt;svg onload=alert(2)&gt;");
    expect(body).toContain("&lt;b onmouseover=x&gt;");
    expect(body).not.toMatch(/<script>alert|<img src=x|<svg|<b onmouseover/);
    expect(body.match(/<script/g)).toHaveLength(1);
  });

  it("is readable on a phone and locked down by a nonce CSP", async () => {
    const r = await h.call({ url: "/", headers: withSession(session) });
    expect(r.body).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    expect(r.body).toContain("@media (max-width: 600px)");
    const csp = String(r.headers["content-security-policy"]);
    const nonce = /script-src 'nonce-([^']+)'/.exec(csp)?.[1];
    expect(nonce).toBeDefined();
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain("unsafe-inline");
    expect(r.body).toContain(`<script nonce="${nonce}">`);
    expect(r.body).toContain(`<style nonce="${nonce}">`);
    expect(r.headers["x-frame-options"]).toBe("DENY");
    expect(r.headers["cache-control"]).toBe("no-store");
    const again = await h.call({ url: "/", headers: withSession(session) });
    expect(again.headers["content-security-policy"]).not.toBe(csp);
    // No CDN: nothing is loaded from anywhere but here.
    expect(r.body).not.toMatch(/(src|href)="https?:/);
  });
});

describe("html", () => {
  it("escapes interpolations and keeps nested html as it is", () => {
    const name = `a&b<"c">'d'`;
    expect(html`<p title="${name}">${name}</p>`.text).toBe(
      '<p title="a&amp;b&lt;&quot;c&quot;&gt;&#39;d&#39;">a&amp;b&lt;&quot;c&quot;&gt;&#39;d&#39;</p>',
    );
    // (Called through another name so that prettier leaves the template's text alone.)
    const tag = html;
    expect(tag`<ul>${["<1>", tag`<li>2</li>`, null, false, 3]}</ul>`.text).toBe(
      "<ul>&lt;1&gt;<li>2</li>3</ul>",
    );
    expect(escapeHtml("`")).toBe("&#96;");
  });
});

describe("words", () => {
  it("formats how long something has lasted in the largest two units", () => {
    expect(duration("en", 0)).toBe("0 s");
    expect(duration("en", 59)).toBe("59 s");
    expect(duration("en", 90)).toBe("1 min 30 s");
    expect(duration("en", 3 * 3600 + 5 * 60 + 9)).toBe("3 h 5 min");
    expect(duration("en", 2 * 86400 + 60)).toBe("2 d");
    expect(duration("zh-CN", 3 * 3600 + 5 * 60)).toBe("3小时5分钟");
    expect(duration("en", -5)).toBe("0 s");
  });
  it("understands the language names people type", () => {
    expect(parseLang("zh")).toBe("zh-CN");
    expect(parseLang("ZH-cn")).toBe("zh-CN");
    expect(parseLang("zh-Hans")).toBe("zh-CN");
    expect(parseLang("en-GB")).toBe("en");
    expect(parseLang("fr")).toBeNull();
    expect(parseLang(["en"])).toBeNull();
  });
});
