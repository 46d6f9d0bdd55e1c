import { Type } from "@sinclair/typebox";
import type { FastifyInstance, FastifyReply } from "fastify";
import { DATE_HINT, parseInstant } from "../../domain/zonedTime.ts";
import { NO_STORE, siteOr404, sitesFor, type RouteContext } from "../context.ts";
import type { SiteInfo, SiteReport } from "../deps.ts";
import { ReportResponseSchema } from "../schemas.ts";
import type { TypeBoxProvider } from "../typebox.ts";
import { apiRoute } from "./common.ts";
import { DAY } from "../../domain/time.ts";

/** Longest period one report covers: a year, leap day included. */
export const MAX_REPORT_DAYS = 366;

type Period = { readonly from: number; readonly to: number } | { readonly message: string };

/** from/to of the query in the site's time zone; `to` defaults to now and never passes it. */
export function reportPeriod(
  site: SiteInfo,
  fromText: string,
  toText: string | undefined,
  now: number,
): Period {
  const from = parseInstant("from", fromText, site.timezone);
  if (!from.ok) return { message: from.message };
  const to =
    toText === undefined ? { ok: true as const, ms: now } : parseInstant("to", toText, site.timezone);
  if (!to.ok) return { message: to.message };
  if (from.ms >= now)
    return { message: `from: ${fromText} is in the future; a report covers time that has passed.` };
  if (from.ms >= to.ms) return { message: `from (${fromText}) must be before to (${toText ?? "now"}).` };
  const end = Math.min(to.ms, now);
  if (end - from.ms > MAX_REPORT_DAYS * DAY)
    return {
      message: `The period is longer than ${MAX_REPORT_DAYS} days; ask for at most ${MAX_REPORT_DAYS} days at a time.`,
    };
  return { from: from.ms, to: end };
}

/** GET /api/v1/report?from=&to=: compliant time, lapses and retention depth per zone and camera. */
export function reportRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const base = apiRoute(ctx, "read", "report", "Compliance over a period per zone and camera.");
  app.withTypeProvider<TypeBoxProvider>().get(
    "/api/v1/report",
    {
      onRequest: base.onRequest,
      schema: {
        ...base.schema,
        querystring: Type.Object({
          from: Type.String({
            maxLength: 64,
            description: `Start: ${DATE_HINT}; without an offset, the site's time zone.`,
          }),
          to: Type.Optional(
            Type.String({ maxLength: 64, description: "End (same forms); default and at most now." }),
          ),
          site: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
        }),
        response: { 200: ReportResponseSchema, ...base.errors },
      },
    },
    async (request, reply) => {
      const { from, to, site } = request.query;
      let sites = sitesFor(ctx.deps, request, "read");
      if (site !== undefined) {
        const one = siteOr404(ctx.deps, request, site, "read", reply);
        if (one === null) return reply;
        sites = [one];
      }
      const now = ctx.deps.now();
      const periods: { site: SiteInfo; from: number; to: number }[] = [];
      for (const s of sites) {
        const p = reportPeriod(s, from, to, now);
        if ("message" in p) return badRequest(reply, p.message);
        periods.push({ site: s, from: p.from, to: p.to });
      }
      const reports: SiteReport[] = await Promise.all(
        periods.map((p) =>
          ctx.deps.report({
            siteId: p.site.id,
            from: new Date(p.from).toISOString(),
            to: new Date(p.to).toISOString(),
          }),
        ),
      );
      void reply.header("cache-control", NO_STORE);
      return { sites: reports };
    },
  );
}

function badRequest(reply: FastifyReply, message: string): FastifyReply {
  return reply.code(400).send({ statusCode: 400, error: "Bad Request", message });
}
