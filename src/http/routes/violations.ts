import { Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import { NO_STORE, siteOr404, type RouteContext } from "../context.ts";
import { ViolationsResponseSchema } from "../schemas.ts";
import type { TypeBoxProvider } from "../typebox.ts";
import { apiRoute } from "./common.ts";

/** GET /api/v1/violations: open ones by default, ?state=all for the history; newest first, paged. */
export function violationRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const base = apiRoute(ctx, "any", "violations", "Violations: open by default, ?state=all for history.");
  app.withTypeProvider<TypeBoxProvider>().get(
    "/api/v1/violations",
    {
      onRequest: base.onRequest,
      schema: {
        ...base.schema,
        querystring: Type.Object({
          state: Type.Optional(
            Type.Union([Type.Literal("open"), Type.Literal("all")], {
              default: "open",
              description: "open (default): violations open now; all: pending, open and resolved.",
            }),
          ),
          site: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
          cursor: Type.Optional(Type.String({ minLength: 1, maxLength: 1000 })),
        }),
        response: { 200: ViolationsResponseSchema, ...base.errors },
      },
    },
    async (request, reply) => {
      const { state, site, limit, cursor } = request.query;
      if (site !== undefined && siteOr404(ctx.deps, site, reply) === null) return reply;
      const page = await ctx.deps.violations.list({
        state: state ?? "open",
        limit: limit ?? 100,
        ...(site === undefined ? {} : { siteId: site }),
        ...(cursor === undefined ? {} : { cursor }),
      });
      void reply.header("cache-control", NO_STORE);
      return page;
    },
  );
}
