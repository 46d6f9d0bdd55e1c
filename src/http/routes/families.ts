import { Type } from "@sinclair/typebox";
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import {
  AccessInputError,
  NoPublicUrlError,
  ParentsDisabledError,
  UnknownFamilyError,
} from "../../access/errors.ts";
import type { AccessService } from "../../access/service.ts";
import { parseLifetime } from "../../access/tokens.ts";
import { DATE_HINT, parseInstant } from "../../domain/zonedTime.ts";
import { NO_STORE, siteOr404, sitesFor, type RouteContext } from "../context.ts";
import type { SiteInfo } from "../deps.ts";
import type { Access } from "../auth.ts";
import type { TypeBoxProvider } from "../typebox.ts";
import { apiRoute } from "./common.ts";

const IdString = (description: string) =>
  Type.String({ pattern: "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", description });
const SiteParam = Type.Optional(
  Type.String({ minLength: 1, maxLength: 200, description: "Needed when the key acts on several sites." }),
);

const FamilySchema = Type.Object({
  siteId: Type.String(),
  id: Type.String(),
  name: Type.String(),
  zones: Type.Array(Type.String()),
  cameras: Type.Array(Type.String()),
  windows: Type.Array(Type.String(), { description: "Empty: the site's parents.windows." }),
  maxSessions: Type.Integer(),
  createdAt: Type.String(),
  createdBy: Type.String(),
});

const FamilyBody = Type.Object(
  {
    site: SiteParam,
    id: IdString("The family's id."),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    zones: Type.Optional(Type.Array(IdString("A zone id (never a private one)."), { maxItems: 100 })),
    cameras: Type.Optional(
      Type.Array(IdString("A camera id (never one that sees a private zone)."), { maxItems: 500 }),
    ),
    windows: Type.Optional(
      Type.Array(
        Type.String({ maxLength: 100, description: 'e.g. "Mon-Fri 08:00-17:30", inside parents.windows' }),
        {
          maxItems: 20,
        },
      ),
    ),
    maxSessions: Type.Optional(
      Type.Integer({ minimum: 1, description: "At most parents.maxSessionsPerFamily." }),
    ),
  },
  { additionalProperties: false },
);

const IssuedSchema = Type.Object({
  url: Type.String({
    description: "The parent link; the token is in its fragment and shown only this once.",
  }),
  tokenId: Type.String(),
  familyId: Type.String(),
  expiresAt: Type.String(),
});

const AuditRecordSchema = Type.Object(
  {
    id: Type.String(),
    siteId: Type.String(),
    at: Type.String(),
    by: Type.String(),
    type: Type.String(),
    familyId: Type.Union([Type.String(), Type.Null()]),
  },
  { additionalProperties: true },
);

function problem(reply: FastifyReply, status: 400 | 404 | 409, message: string): FastifyReply {
  const error = status === 400 ? "Bad Request" : status === 404 ? "Not Found" : "Conflict";
  return reply.code(status).send({ statusCode: status, error, message });
}

/** The site asked for, or the one the key acts on; else answers and returns null. */
function siteOf(
  ctx: RouteContext,
  request: FastifyRequest,
  reply: FastifyReply,
  siteId: string | undefined,
  access: Exclude<Access, "metrics">,
): SiteInfo | null {
  if (siteId !== undefined) return siteOr404(ctx.deps, request, siteId, access, reply);
  const sites = sitesFor(ctx.deps, request, access);
  if (sites.length === 1) return sites[0] ?? null;
  void problem(
    reply,
    400,
    `site is required: this key acts on ${sites.length} sites (${sites.map((s) => s.id).join(", ")}).`,
  );
  return null;
}

/** Access errors as answers: a refused grant 400, an unknown family or a site without parents 404. */
async function answer<T>(reply: FastifyReply, work: () => Promise<T>): Promise<T | FastifyReply> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof AccessInputError) return problem(reply, 400, err.message);
    if (err instanceof UnknownFamilyError || err instanceof ParentsDisabledError)
      return problem(reply, 404, err.message);
    if (err instanceof NoPublicUrlError) return problem(reply, 409, err.message);
    throw err;
  }
}

/**
 * Families, their tokens and the audit log (DESIGN.md §6). Changes need an admin key of the
 * site; the audit log is also open to regulator keys. Never a token in a log line: only ids.
 */
export function familyRoutes(app: FastifyInstance, ctx: RouteContext, access: AccessService): void {
  const r = app.withTypeProvider<TypeBoxProvider>();
  const by = (request: FastifyRequest): string => request.principal?.name ?? "unknown";

  const list = apiRoute(ctx, "admin", "families", "The site's families and what each may watch.");
  r.get(
    "/api/v1/families",
    {
      onRequest: list.onRequest,
      schema: {
        ...list.schema,
        querystring: Type.Object({ site: SiteParam }),
        response: { 200: Type.Object({ items: Type.Array(FamilySchema) }), ...list.errors },
      },
    },
    async (request, reply) => {
      const site = siteOf(ctx, request, reply, request.query.site, "admin");
      if (site === null) return reply;
      void reply.header("cache-control", NO_STORE);
      return answer(reply, async () => ({ items: await access.listFamilies(site.id) }));
    },
  );

  const put = apiRoute(ctx, "admin", "families", "Create a family or replace its grant (a ledger event).");
  r.post(
    "/api/v1/families",
    {
      onRequest: put.onRequest,
      schema: {
        ...put.schema,
        body: FamilyBody,
        response: { 201: FamilySchema, ...put.errors, 409: put.errors[404] },
      },
    },
    async (request, reply) => {
      const { site: siteId, id, name, zones, cameras, windows, maxSessions } = request.body;
      const site = siteOf(ctx, request, reply, siteId, "admin");
      if (site === null) return reply;
      return answer(reply, async () => {
        const family = await access.putFamily(
          site.id,
          {
            id,
            name,
            zones: zones ?? [],
            cameras: cameras ?? [],
            windows: windows ?? [],
            ...(maxSessions === undefined ? {} : { maxSessions }),
          },
          by(request),
        );
        request.log.info({ site: site.id, family: family.id, by: by(request) }, "family granted");
        return reply.code(201).header("cache-control", NO_STORE).send(family);
      });
    },
  );

  const FamilyParams = Type.Object({ id: IdString("The family's id.") });
  const remove = apiRoute(ctx, "admin", "families", "Remove a family: its links and sessions stop at once.");
  r.delete(
    "/api/v1/families/:id",
    {
      onRequest: remove.onRequest,
      schema: {
        ...remove.schema,
        params: FamilyParams,
        querystring: Type.Object({ site: SiteParam }),
        response: { 200: Type.Object({ removed: Type.String() }), ...remove.errors },
      },
    },
    async (request, reply) => {
      const site = siteOf(ctx, request, reply, request.query.site, "admin");
      if (site === null) return reply;
      return answer(reply, async () => {
        await access.removeFamily(site.id, request.params.id, by(request));
        request.log.info({ site: site.id, family: request.params.id, by: by(request) }, "family removed");
        return reply.header("cache-control", NO_STORE).send({ removed: request.params.id });
      });
    },
  );

  const issue = apiRoute(
    ctx,
    "admin",
    "families",
    "Issue a parent link (shown once; only its hash is kept).",
  );
  r.post(
    "/api/v1/families/:id/tokens",
    {
      onRequest: issue.onRequest,
      schema: {
        ...issue.schema,
        params: FamilyParams,
        body: Type.Object(
          {
            site: SiteParam,
            expires: Type.Optional(
              Type.String({ maxLength: 16, default: "30d", description: "30d, 12h, 2w (at most 400d)." }),
            ),
          },
          { additionalProperties: false },
        ),
        response: { 201: IssuedSchema, ...issue.errors, 409: issue.errors[404] },
      },
    },
    async (request, reply) => {
      const site = siteOf(ctx, request, reply, request.body.site, "admin");
      if (site === null) return reply;
      const lifetime = parseLifetime(request.body.expires ?? "30d");
      if (!lifetime.ok) return problem(reply, 400, `expires: ${lifetime.message}`);
      return answer(reply, async () => {
        const t = await access.issueToken(site.id, request.params.id, lifetime.ms, by(request));
        request.log.info(
          { site: site.id, family: t.familyId, tokenId: t.tokenId, by: by(request) },
          "token issued",
        );
        return reply
          .code(201)
          .header("cache-control", NO_STORE)
          .send({ url: t.url, tokenId: t.tokenId, familyId: t.familyId, expiresAt: t.expiresAt });
      });
    },
  );

  const revokeAll = apiRoute(ctx, "admin", "families", "Revoke every token and session of a family at once.");
  r.post(
    "/api/v1/families/:id/revoke",
    {
      onRequest: revokeAll.onRequest,
      schema: {
        ...revokeAll.schema,
        params: FamilyParams,
        querystring: Type.Object({ site: SiteParam }),
        response: {
          200: Type.Object({ familyId: Type.String(), generation: Type.Integer() }),
          ...revokeAll.errors,
        },
      },
    },
    async (request, reply) => {
      const site = siteOf(ctx, request, reply, request.query.site, "admin");
      if (site === null) return reply;
      return answer(reply, async () => {
        const generation = await access.revokeFamily(site.id, request.params.id, by(request));
        request.log.info({ site: site.id, family: request.params.id, by: by(request) }, "family revoked");
        return reply.header("cache-control", NO_STORE).send({ familyId: request.params.id, generation });
      });
    },
  );

  const revokeOne = apiRoute(ctx, "admin", "families", "Revoke one token by its id.");
  r.delete(
    "/api/v1/tokens/:tokenId",
    {
      onRequest: revokeOne.onRequest,
      schema: {
        ...revokeOne.schema,
        params: Type.Object({ tokenId: Type.String({ pattern: "^tok_[0-9a-f]{16}$" }) }),
        querystring: Type.Object({ site: SiteParam }),
        response: {
          200: Type.Object({ tokenId: Type.String(), familyId: Type.String() }),
          ...revokeOne.errors,
        },
      },
    },
    async (request, reply) => {
      const site = siteOf(ctx, request, reply, request.query.site, "admin");
      if (site === null) return reply;
      return answer(reply, async () => {
        const revoked = await access.revokeToken(site.id, request.params.tokenId, by(request));
        if (revoked === null) return problem(reply, 404, `No token "${request.params.tokenId}".`);
        request.log.info({ site: site.id, tokenId: revoked.tokenId, by: by(request) }, "token revoked");
        return reply
          .header("cache-control", NO_STORE)
          .send({ tokenId: revoked.tokenId, familyId: revoked.familyId });
      });
    },
  );

  const audit = apiRoute(
    ctx,
    "read",
    "families",
    "The access audit log (viewing, denials, grants, revocations).",
  );
  r.get(
    "/api/v1/audit",
    {
      onRequest: audit.onRequest,
      schema: {
        ...audit.schema,
        querystring: Type.Object({
          site: SiteParam,
          from: Type.Optional(
            Type.String({ maxLength: 64, description: `Start (default: everything kept): ${DATE_HINT}.` }),
          ),
          to: Type.Optional(
            Type.String({ maxLength: 64, description: `End, exclusive (default now): ${DATE_HINT}.` }),
          ),
        }),
        response: { 200: Type.Object({ items: Type.Array(AuditRecordSchema) }), ...audit.errors },
      },
    },
    async (request, reply) => {
      const site = siteOf(ctx, request, reply, request.query.site, "read");
      if (site === null) return reply;
      const { from, to } = request.query;
      const fromMs =
        from === undefined ? { ok: true as const, ms: 0 } : parseInstant("from", from, site.timezone);
      if (!fromMs.ok) return problem(reply, 400, fromMs.message);
      const toMs =
        to === undefined
          ? { ok: true as const, ms: ctx.deps.now() + 1 }
          : parseInstant("to", to, site.timezone);
      if (!toMs.ok) return problem(reply, 400, toMs.message);
      void reply.header("cache-control", NO_STORE);
      return { items: await access.auditRange(site.id, fromMs.ms, toMs.ms) };
    },
  );
}
