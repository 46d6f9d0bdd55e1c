import { Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import { may } from "../auth.ts";
import { NO_STORE, type RouteContext } from "../context.ts";
import { LedgerResponseSchema } from "../schemas.ts";
import type { TypeBoxProvider } from "../typebox.ts";
import { apiRoute } from "./common.ts";

/** GET /api/v1/ledger: the hash-chained entries in order, and the signed heads to check them against. */
export function ledgerRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const base = apiRoute(
    ctx,
    "read",
    "ledger",
    "Ledger entries (ascending from ?from=) and the signed chain heads.",
  );
  app.withTypeProvider<TypeBoxProvider>().get(
    "/api/v1/ledger",
    {
      onRequest: base.onRequest,
      schema: {
        ...base.schema,
        querystring: Type.Object({
          from: Type.Optional(Type.Integer({ minimum: 0, description: "First seq to return." })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
        }),
        response: { 200: LedgerResponseSchema, ...base.errors },
      },
    },
    async (request, reply) => {
      const limit = request.query.limit ?? 100;
      const from = request.query.from;
      const [entries, heads] = await Promise.all([
        ctx.deps.ledger.page({ limit, ...(from === undefined ? {} : { from }) }),
        ctx.deps.ledger.heads(),
      ]);
      const last = entries.at(-1);
      const principal = request.principal;
      const shown = entries.map((e) =>
        principal !== null && may(principal, "read", e.siteId)
          ? e
          : { seq: e.seq, prev: e.prev, hash: e.hash, withheld: true as const },
      );
      void reply.header("cache-control", NO_STORE);
      return {
        entries: shown,
        nextFrom: entries.length === limit && last !== undefined ? last.seq + 1 : null,
        heads,
      };
    },
  );
}
