import type { FastifyReply } from "fastify";
import type { Violation } from "../domain/violation.ts";
import type { HttpDeps, HttpOptions, SiteInfo } from "./deps.ts";

/** What every route module gets: the ports and the resolved options. */
export interface RouteContext {
  readonly deps: HttpDeps;
  readonly options: HttpOptions;
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

/** The site asked for; sends 404 (and returns null) when no such site is configured. */
export function siteOr404(deps: HttpDeps, siteId: string, reply: FastifyReply): SiteInfo | null {
  const site = deps.sites().find((s) => s.id === siteId);
  if (site === undefined) {
    void reply
      .code(404)
      .send({ statusCode: 404, error: "Not Found", message: `No site "${siteId}" is configured.` });
    return null;
  }
  return site;
}

export const NO_STORE = "no-store";
