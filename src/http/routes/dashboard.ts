import { randomBytes } from "node:crypto";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import type { Locale } from "../../domain/site.ts";
import { authenticateKey, failedLogin, mayAnywhere, refuseThrottled } from "../auth.ts";
import { openViolationsOf, statusOf, type RouteContext } from "../context.ts";
import type { DashboardSession } from "../deps.ts";
import { dashboardPage, loginPage, pageCsp, unavailablePage, type LoginProblem } from "../dashboard/page.ts";
import { renderLive } from "../dashboard/view.ts";
import { parseLang } from "../dashboard/words.ts";
import { closeSession, cookieIsSecure, openSession, sessionOf, sessionShows } from "../session.ts";

/** Page headers: our CSP with this response's nonce, never cached, never framed. */
function pageHeaders(reply: FastifyReply, nonce: string): FastifyReply {
  return reply
    .type("text/html; charset=utf-8")
    .header("content-security-policy", pageCsp(nonce))
    .header("cache-control", "no-store")
    .header("referrer-policy", "no-referrer")
    .header("x-frame-options", "DENY");
}

/** "10:05:23" on the site's wall clock: when the page last got fresh data. */
function clockTime(now: number, timeZone: string): string {
  return new Intl.DateTimeFormat("en-GB", {
    timeZone,
    hour: "2-digit",
    minute: "2-digit",
    second: "2-digit",
    hourCycle: "h23",
  }).format(now);
}

const newNonce = (): string => randomBytes(16).toString("base64");
const hidden = { schema: { hide: true } } as const;

/**
 * The provider's dashboard: login with an admin key, a session cookie that carries the sites
 * that key administers, a page (of those sites only) that keeps itself fresh.
 */
export function dashboardRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { deps, options } = ctx;
  const cookie = { secure: cookieIsSecure(deps.publicUrl), ttlSeconds: options.sessionTtlSeconds };

  /** ?lang= when it names a language we have; else the sites' own language; else the default. */
  const localeOf = (request: FastifyRequest): Locale => {
    const asked = parseLang((request.query as Record<string, unknown> | undefined)?.lang);
    if (asked !== null) return asked;
    const locales = new Set(deps.sites().map((s) => s.locale));
    const [only] = locales;
    return locales.size === 1 && only !== undefined ? only : deps.locale;
  };

  const live = async (locale: Locale, session: DashboardSession) => {
    const shown = deps.sites().filter((s) => sessionShows(session, s.id));
    const [statuses, open] = await Promise.all([statusOf(deps, shown), openViolationsOf(deps, shown)]);
    const now = deps.now();
    const sites = shown.map((info) => ({ info, status: statuses.find((s) => s.siteId === info.id) ?? null }));
    const tz = shown[0]?.timezone ?? "UTC";
    return { html: renderLive({ sites, openViolations: open, now, locale }), updated: clockTime(now, tz) };
  };

  app.get("/", hidden, async (request, reply) => {
    const locale = localeOf(request);
    const nonce = newNonce();
    try {
      const session = await sessionOf(deps, request);
      if (session === null) return reply.redirect(`/login?lang=${locale}`, 303);
      const { html, updated } = await live(locale, session);
      return pageHeaders(reply, nonce).send(
        dashboardPage({
          locale,
          nonce,
          live: html,
          updated,
          refreshMs: options.dashboardRefreshSeconds * 1000,
        }),
      );
    } catch (err) {
      // The state lives in Redis: when it cannot be read, say so in the page's language and retry.
      request.log.error({ err }, "dashboard: could not read the monitor's state");
      return pageHeaders(reply.code(503), nonce).send(unavailablePage(locale, nonce));
    }
  });

  app.get("/dashboard/live.json", hidden, async (request, reply) => {
    const session = await sessionOf(deps, request);
    if (session === null)
      return reply
        .code(401)
        .header("cache-control", "no-store")
        .send({ statusCode: 401, error: "Unauthorized", message: "The session has ended; sign in again." });
    const { html, updated } = await live(localeOf(request), session);
    return reply.header("cache-control", "no-store").send({ html: html.text, updated });
  });

  app.get("/login", hidden, async (request, reply) => {
    const locale = localeOf(request);
    if ((await sessionOf(deps, request)) !== null) return reply.redirect(`/?lang=${locale}`, 303);
    const nonce = newNonce();
    return pageHeaders(reply, nonce).send(loginPage(locale, nonce, null));
  });

  app.post("/login", hidden, async (request, reply) => {
    const form = (request.body ?? {}) as Record<string, unknown>;
    const locale = parseLang(form.lang) ?? localeOf(request);
    const throttledPage = (r: FastifyReply): void => {
      const nonce = newNonce();
      void pageHeaders(r, nonce).send(loginPage(locale, nonce, "throttled"));
    };
    if (refuseThrottled(ctx.throttle, request, reply, throttledPage)) return reply;
    const key = typeof form.key === "string" ? form.key.trim() : "";
    const principal = key.length === 0 ? null : authenticateKey(key, deps.apiKeys);
    const problem: LoginProblem =
      principal === null ? "invalid" : !mayAnywhere(principal, "admin") ? "not_admin" : null;
    if (problem !== null || principal === null) {
      if (principal === null) failedLogin(ctx.throttle, request, options.loginWindowSeconds);
      request.log.info({ outcome: problem }, "dashboard login refused");
      const nonce = newNonce();
      return pageHeaders(reply.code(problem === "not_admin" ? 403 : 401), nonce).send(
        loginPage(locale, nonce, problem),
      );
    }
    await openSession(deps, reply, principal, cookie);
    request.log.info(
      { keyName: principal.name, sites: principal.grants.map((g) => g.site ?? "(district)") },
      "dashboard login",
    );
    return reply.redirect(`/?lang=${locale}`, 303);
  });

  const logout = async (request: FastifyRequest, reply: FastifyReply) => {
    await closeSession(deps, request, reply);
    return reply.redirect(`/login?lang=${localeOf(request)}`, 303);
  };
  app.post("/logout", hidden, logout);
  app.get("/logout", hidden, logout);
}
