import { Type } from "@sinclair/typebox";
import type { FastifyInstance, FastifyReply } from "fastify";
import type { AccessService } from "../../access/service.ts";
import type { ViewerService } from "../../access/viewers.ts";
import { authorize } from "../../access/authorize.ts";
import { grantedCameras } from "../../access/grants.ts";
import { failedLogin, refuseThrottled } from "../auth.ts";
import type { RouteContext } from "../context.ts";
import { cookieIsSecure } from "../session.ts";
import { createFailureThrottle } from "../throttle.ts";
import type { TypeBoxProvider } from "../typebox.ts";

export const VIEWER_COOKIE = "nw_view";

/** Nothing on a parent route loads anything, from anywhere, nor is framed, nor is kept. */
export const PARENT_CSP =
  "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'; connect-src 'self'";

/**
 * One answer for every refusal (unknown or revoked link, outside the hours, too many phones):
 * a guesser learns nothing; the audit log has the reason.
 */
const DENIED = {
  statusCode: 403,
  error: "Forbidden",
  message: "This link does not open a view now.",
} as const;

const deny = (reply: FastifyReply): FastifyReply => reply.code(403).send(DENIED);

/**
 * Parents' routes under /p/ (DESIGN.md §6). They exist only while some site lets parents view:
 * otherwise every one answers exactly like a route that does not exist. A token comes in a
 * body, never a URL, so it reaches no access log; the session cookie is HttpOnly,
 * SameSite=Strict, path /p/, Secure behind https.
 */
export function parentRoutes(
  app: FastifyInstance,
  ctx: RouteContext,
  access: AccessService,
  viewers: ViewerService,
): void {
  // Its own throttle: a parent's mistyped links must not lock the nursery's admins out.
  const throttle = createFailureThrottle({
    maxFailures: ctx.options.loginMaxFailures,
    windowSeconds: ctx.options.loginWindowSeconds,
    now: ctx.deps.now,
  });
  const secure = cookieIsSecure(ctx.deps.publicUrl);

  void app.register((scope, _opts, done) => {
    scope.addHook("onRequest", async (request, reply) => {
      if (access.parentsEnabled()) return undefined;
      reply.callNotFound();
      return reply;
    });
    scope.addHook("onSend", async (_request, reply, payload) => {
      void reply
        .header("cache-control", "no-store")
        .header("referrer-policy", "no-referrer")
        .header("content-security-policy", PARENT_CSP)
        .header("x-frame-options", "DENY");
      return payload;
    });
    const r = scope.withTypeProvider<TypeBoxProvider>();
    const hidden = { hide: true };

    r.post(
      "/p/session",
      {
        schema: {
          ...hidden,
          body: Type.Object(
            { token: Type.String({ minLength: 1, maxLength: 200 }) },
            { additionalProperties: false },
          ),
        },
      },
      async (request, reply) => {
        if (refuseThrottled(throttle, request, reply)) return reply;
        const result = await viewers.start(request.body.token);
        if (!result.ok) {
          // Only a token that matches nothing counts as guessing; a real family outside its
          // hours or over its cap is not locked out for it.
          if (result.reason === "unknown_token")
            failedLogin(throttle, request, ctx.options.loginWindowSeconds);
          request.log.info({ reason: result.reason }, "parent session refused");
          return deny(reply);
        }
        const { started } = result;
        request.log.info(
          { site: started.session.siteId, family: started.session.familyId },
          "parent session started",
        );
        const maxAge = Math.max(
          1,
          Math.floor((Date.parse(started.session.expiresAt) - ctx.deps.now()) / 1000),
        );
        void reply.setCookie(VIEWER_COOKIE, started.cookie, {
          path: "/p/",
          httpOnly: true,
          sameSite: "strict",
          secure,
          maxAge,
        });
        return reply.code(201).send({ cameras: started.cameras, expiresAt: started.session.expiresAt });
      },
    );

    // What the parent page shows: the family's cameras and, for each, whether it plays now
    // (outside_window is the one reason worth telling a family; anything else is the uniform 403).
    r.get("/p/session", { schema: hidden }, async (request, reply) => {
      const cookie = request.cookies[VIEWER_COOKIE];
      const view = cookie === undefined ? null : await viewers.view(cookie);
      const now = ctx.deps.now();
      if (view === null || view.family === null) return deny(reply);
      const granted = grantedCameras(view.site, view.family);
      const cameras = view.site.cameras
        .filter((c) => granted.has(c.id))
        .map((c) => ({ id: c.id, name: c.name, decision: authorize(view, c.id, now) }));
      const dead =
        cameras.length === 0 ||
        cameras.some((c) => !c.decision.allowed && c.decision.reason !== "outside_window");
      if (dead) return deny(reply);
      return {
        familyId: view.family.id,
        expiresAt: view.session.expiresAt,
        cameras: cameras.map((c) => ({ id: c.id, name: c.name, live: c.decision.allowed })),
      };
    });

    r.delete("/p/session", { schema: hidden }, async (request, reply) => {
      const cookie = request.cookies[VIEWER_COOKIE];
      if (cookie !== undefined) await viewers.stop(cookie);
      void reply.clearCookie(VIEWER_COOKIE, { path: "/p/", httpOnly: true, sameSite: "strict", secure });
      return reply.code(204).send();
    });
    done();
  });
}
