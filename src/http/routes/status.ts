import { Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import { NO_STORE, siteOr404, sitesFor, statusOf, type RouteContext } from "../context.ts";
import { StatusResponseSchema } from "../schemas.ts";
import type { TypeBoxProvider } from "../typebox.ts";
import { apiRoute } from "./common.ts";

/** GET /api/v1/status: the latest evaluation of each site, with when each device was last polled. */
export function statusRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const base = apiRoute(
    ctx,
    "read",
    "status",
    "Latest evaluation per site (CheckReport) and last poll per device.",
  );
  app.withTypeProvider<TypeBoxProvider>().get(
    "/api/v1/status",
    {
      onRequest: base.onRequest,
      schema: {
        ...base.schema,
        querystring: Type.Object({ site: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) }),
        response: { 200: StatusResponseSchema, ...base.errors },
      },
    },
    async (request, reply) => {
      const { site } = request.query;
      if (site !== undefined && siteOr404(ctx.deps, request, site, "read", reply) === null) return reply;
      const sites =
        site !== undefined
          ? await ctx.deps.status(site)
          : await statusOf(ctx.deps, sitesFor(ctx.deps, request, "read"));
      void reply.header("cache-control", NO_STORE);
      return { generatedAt: new Date(ctx.deps.now()).toISOString(), sites };
    },
  );
}
