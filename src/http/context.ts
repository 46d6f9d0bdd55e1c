import type { FastifyReply, FastifyRequest } from "fastify";
import type { Violation } from "../domain/violation.ts";
import { may, type Access } from "./auth.ts";
import type { HttpDeps, HttpOptions, SiteInfo } from "./deps.ts";
import type { FailureThrottle } from "./throttle.ts";
import type { SiteStatus } from "../domain/checkReport.ts";

/** What every route module gets: the ports, the resolved options, the failed-login throttle. */
export interface RouteContext {
  readonly deps: HttpDeps;
  readonly options: HttpOptions;
  readonly throttle: FailureThrottle;
}

/** Most open violations one read gathers (the dashboard and the scrape show them all). */
const OPEN_PAGE = 500;
const OPEN_MAX_PAGES = 20;

/** Every open violation (of one site, or all), paging through the store. */
export async function allOpenViolations(deps: HttpDeps, siteId?: string): Promise<Violation[]> {
  const out: Violation[] = [];
  let cursor: string | undefined;
  for (let page = 0; page < OPEN_MAX_PAGES; page++) {
    const res = await deps.violations.list({
      state: "open",
      limit: OPEN_PAGE,
      ...(siteId === undefined ? {} : { siteId }),
      ...(cursor === undefined ? {} : { cursor }),
    });
    out.push(...res.items);
    if (res.nextCursor === null) break;
    cursor = res.nextCursor;
  }
  return out;
}

/** Every open violation of the given sites (of all sites when they are all of them). */
export async function openViolationsOf(deps: HttpDeps, sites: readonly SiteInfo[]): Promise<Violation[]> {
  if (sites.length === deps.sites().length) return allOpenViolations(deps);
  const each = await Promise.all(sites.map((s) => allOpenViolations(deps, s.id)));
  return each.flat();
}

/** The sites the request's key may act on as `access` asks, in configuration order. */
export function sitesFor(deps: HttpDeps, request: FastifyRequest, access: Access): SiteInfo[] {
  const principal = request.principal;
  if (principal === null) return [];
  return deps.sites().filter((s) => may(principal, access, s.id));
}

/** The latest evaluation of the given sites (one read for all when they are all of them). */
export async function statusOf(deps: HttpDeps, sites: readonly SiteInfo[]): Promise<SiteStatus[]> {
  if (sites.length === deps.sites().length) return [...(await deps.status())];
  const each = await Promise.all(sites.map((s) => deps.status(s.id)));
  return each.flat();
}

/**
 * The site asked for when the request's key may act on it; else sends 404 and returns null. A
 * site of another key's scope answers like one that is not configured: a key learns nothing
 * about the sites it does not act on. Only a key that may read the site but not administer it
 * is told so (403).
 */
export function siteOr404(
  deps: HttpDeps,
  request: FastifyRequest,
  siteId: string,
  access: Access,
  reply: FastifyReply,
): SiteInfo | null {
  const site = sitesFor(deps, request, access).find((s) => s.id === siteId);
  if (
    site === undefined &&
    access === "admin" &&
    sitesFor(deps, request, "read").some((s) => s.id === siteId)
  ) {
    void reply.code(403).send({
      statusCode: 403,
      error: "Forbidden",
      message: `This needs an admin key of site "${siteId}"; this key may only read it.`,
    });
    return null;
  }
  if (site === undefined) {
    void reply.code(404).send({
      statusCode: 404,
      error: "Not Found",
      message: `No site "${siteId}" is configured for this key.`,
    });
    return null;
  }
  return site;
}

export const NO_STORE = "no-store";
