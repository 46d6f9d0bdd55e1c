import { Type } from "@sinclair/typebox";
import type { FastifyInstance, FastifyReply } from "fastify";
import type { Subject } from "../../domain/finding.ts";
import { DATE_HINT, parseInstant } from "../../domain/zonedTime.ts";
import { NO_STORE, siteOr404, sitesFor, type RouteContext } from "../context.ts";
import { may } from "../auth.ts";
import type { SiteInfo } from "../deps.ts";
import { MaintenanceListSchema, MaintenanceWindowSchema, SubjectSchema } from "../schemas.ts";
import type { TypeBoxProvider } from "../typebox.ts";
import { maintenanceWindowProblem } from "../../violations/maintenanceRules.ts";
import { apiRoute } from "./common.ts";

const DeclareBody = Type.Object(
  {
    site: Type.Optional(
      Type.String({ minLength: 1, maxLength: 200, description: "Needed when several sites are watched." }),
    ),
    subjects: Type.Optional(
      Type.Array(SubjectSchema, {
        maxItems: 500,
        description: "What it covers; empty or absent: the whole site.",
      }),
    ),
    from: Type.Optional(Type.String({ maxLength: 64, description: `Start (default now): ${DATE_HINT}.` })),
    to: Type.String({ maxLength: 64, description: `End: ${DATE_HINT}.` }),
    reason: Type.String({ minLength: 1, maxLength: 500 }),
  },
  { additionalProperties: false },
);

function badRequest(reply: FastifyReply, message: string): FastifyReply {
  return reply.code(400).send({ statusCode: 400, error: "Bad Request", message });
}

function unknownSubjects(site: SiteInfo, subjects: readonly Subject[]): string[] {
  const known = (s: Subject): boolean => {
    switch (s.type) {
      case "site":
        return s.id === site.id;
      case "zone":
        return site.zones.some((z) => z.id === s.id);
      case "camera":
        return site.cameras.some((c) => c.id === s.id);
      case "device":
        return site.devices.some((d) => d.id === s.id);
    }
  };
  return subjects.filter((s) => !known(s)).map((s) => `${s.type} ${s.id}`);
}

/** Maintenance windows: anyone with a key reads them; only an admin declares or ends one. */
export function maintenanceRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { deps, options } = ctx;
  const r = app.withTypeProvider<TypeBoxProvider>();

  const read = apiRoute(ctx, "read", "maintenance", "Maintenance windows, newest first.");
  r.get(
    "/api/v1/maintenance",
    {
      onRequest: read.onRequest,
      schema: {
        ...read.schema,
        querystring: Type.Object({
          site: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
          active: Type.Optional(Type.Boolean({ default: false, description: "Only windows covering now." })),
        }),
        response: { 200: MaintenanceListSchema, ...read.errors },
      },
    },
    async (request, reply) => {
      const { site, active } = request.query;
      if (site !== undefined && siteOr404(deps, request, site, "read", reply) === null) return reply;
      const visible = sitesFor(deps, request, "read");
      const items =
        site !== undefined || visible.length === deps.sites().length
          ? await deps.maintenance.list({
              active: active ?? false,
              ...(site === undefined ? {} : { siteId: site }),
            })
          : (
              await Promise.all(
                visible.map((s) => deps.maintenance.list({ active: active ?? false, siteId: s.id })),
              )
            )
              .flat()
              .sort((a, b) => b.declaredAt.localeCompare(a.declaredAt));
      void reply.header("cache-control", NO_STORE);
      return { items };
    },
  );

  const declare = apiRoute(
    ctx,
    "admin",
    "maintenance",
    "Declare a maintenance window: findings inside it are recorded and marked, not alerted.",
  );
  r.post(
    "/api/v1/maintenance",
    {
      onRequest: declare.onRequest,
      schema: {
        ...declare.schema,
        body: DeclareBody,
        response: { 201: MaintenanceWindowSchema, ...declare.errors },
      },
    },
    async (request, reply) => {
      const body = request.body;
      // Without a site: the one site the key administers.
      const sites = sitesFor(deps, request, "admin");
      let site: SiteInfo | null;
      if (body.site !== undefined) site = siteOr404(deps, request, body.site, "admin", reply);
      else if (sites.length === 1) site = sites[0] ?? null;
      else
        return badRequest(
          reply,
          `site is required: this key administers ${sites.length} sites (${sites.map((s) => s.id).join(", ")}).`,
        );
      if (site === null) return reply;

      const now = deps.now();
      const from =
        body.from === undefined
          ? { ok: true as const, ms: now }
          : parseInstant("from", body.from, site.timezone);
      if (!from.ok) return badRequest(reply, from.message);
      const to = parseInstant("to", body.to, site.timezone);
      if (!to.ok) return badRequest(reply, to.message);
      const problem = maintenanceWindowProblem({
        fromMs: from.ms,
        toMs: to.ms,
        nowMs: now,
        maxSeconds: options.maxMaintenanceSeconds,
      });
      if (problem !== null) return badRequest(reply, problem);
      const subjects = body.subjects ?? [];
      const unknown = unknownSubjects(site, subjects);
      if (unknown.length > 0)
        return badRequest(reply, `subjects: not in site ${site.id}: ${unknown.join(", ")}.`);

      const window = await deps.maintenance.declare({
        siteId: site.id,
        subjects,
        from: new Date(from.ms).toISOString(),
        to: new Date(to.ms).toISOString(),
        reason: body.reason,
        declaredBy: request.principal?.name ?? "unknown",
      });
      request.log.info(
        { maintenance: window.id, site: site.id, by: window.declaredBy },
        "maintenance window declared",
      );
      return reply.code(201).header("cache-control", NO_STORE).send(window);
    },
  );

  const end = apiRoute(ctx, "admin", "maintenance", "End a maintenance window now.");
  r.delete(
    "/api/v1/maintenance/:id",
    {
      onRequest: end.onRequest,
      schema: {
        ...end.schema,
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 200 }) }),
        response: { 200: MaintenanceWindowSchema, ...end.errors },
      },
    },
    async (request, reply) => {
      // A window of a site the key does not administer is not there for it.
      const window = await deps.maintenance.get(request.params.id);
      const principal = request.principal;
      const ended =
        window === null || principal === null || !may(principal, "admin", window.siteId)
          ? null
          : await deps.maintenance.end(request.params.id, {
              endedBy: principal.name,
              at: new Date(deps.now()).toISOString(),
            });
      if (ended === null)
        return reply.code(404).send({
          statusCode: 404,
          error: "Not Found",
          message: `No maintenance window "${request.params.id}".`,
        });
      request.log.info({ maintenance: ended.id, by: request.principal?.name }, "maintenance window ended");
      void reply.header("cache-control", NO_STORE);
      return ended;
    },
  );
}
