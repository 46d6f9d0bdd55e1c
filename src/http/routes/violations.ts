import { Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import { NO_STORE, siteOr404, sitesFor, type RouteContext } from "../context.ts";
import { ViolationsResponseSchema } from "../schemas.ts";
import type { TypeBoxProvider } from "../typebox.ts";
import { apiRoute } from "./common.ts";

/** GET /api/v1/violations: open ones by default, ?state=all for the history; newest first, paged. */
export function violationRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const base = apiRoute(ctx, "read", "violations", "Violations: open by default, ?state=all for history.");
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
      if (site !== undefined && siteOr404(ctx.deps, request, site, "read", reply) === null) return reply;
      // Without ?site=: every site for a key that reads them all, else the key's one site.
      const visible = sitesFor(ctx.deps, request, "read");
      let siteId = site;
      if (siteId === undefined && visible.length < ctx.deps.sites().length) {
        if (visible.length !== 1)
          return reply.code(400).send({
            statusCode: 400,
            error: "Bad Request",
            message: `site is required: this key reads ${visible.length} sites (${visible.map((s) => s.id).join(", ")}); ask for one with ?site=.`,
          });
        siteId = visible[0]?.id;
      }
      const page = await ctx.deps.violations.list({
        state: state ?? "open",
        limit: limit ?? 100,
        ...(siteId === undefined ? {} : { siteId }),
        ...(cursor === undefined ? {} : { cursor }),
      });
      void reply.header("cache-control", NO_STORE);
      return page;
    },
  );
}
