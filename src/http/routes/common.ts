import { requireKey, type Access } from "../auth.ts";
import type { RouteContext } from "../context.ts";
import { ErrorSchema } from "../schemas.ts";

/** The options every /api/v1 route shares: bearer auth, its OpenAPI note, the error replies. */
export function apiRoute(
  ctx: RouteContext,
  access: Exclude<Access, "metrics">,
  tag: string,
  summary: string,
) {
  return {
    onRequest: requireKey(() => ctx.deps.apiKeys, access, ctx.throttle, ctx.options.loginWindowSeconds),
    schema: {
      tags: [tag],
      summary,
      description:
        (access === "admin" ? "Needs an admin key" : "Needs an admin or regulator key") +
        " of the site (a site key acts on its own site only; a district key on every site).",
      security: [{ bearer: [] }],
    },
    errors: { 400: ErrorSchema, 401: ErrorSchema, 403: ErrorSchema, 404: ErrorSchema, 429: ErrorSchema },
  };
}
