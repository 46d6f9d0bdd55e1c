import type { FastifyBaseLogger, FastifyInstance } from "fastify";
import { may, requireKey } from "../auth.ts";
import { allOpenViolations, type RouteContext } from "../context.ts";
import { refreshQueueGauges, refreshStatusGauges } from "../../metrics/metrics.ts";

/**
 * /metrics in the Prometheus text format. A scrape shows every site, so it needs a key that
 * acts on every site (role metrics, regulator or admin), unless http.openMetrics opened it.
 *
 * With refreshMetricsOnScrape the state gauges are reloaded from the stores, so any API node
 * exposes the same picture — but at most once per metricsMaxAgeSeconds and one reload at a
 * time: scrapes in between are served from the last reload, so scraping fast does not load
 * Redis. When a reload fails the previous values stay and the failure is logged.
 */
export function metricsRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { deps, options } = ctx;
  let reloadedAt = Number.NEGATIVE_INFINITY;
  let reloading: Promise<void> | null = null;

  const reload = async (log: FastifyBaseLogger): Promise<void> => {
    try {
      const [sites, openViolations] = await Promise.all([deps.status(), allOpenViolations(deps)]);
      refreshStatusGauges(deps.metrics, { sites, openViolations });
    } catch (err) {
      log.warn({ err }, "metrics: could not refresh status gauges; serving the previous values");
    }
    if (deps.queueDepths) {
      try {
        refreshQueueGauges(deps.metrics, await deps.queueDepths());
      } catch (err) {
        log.warn({ err }, "metrics: could not read the queues; serving the previous depths");
      }
    }
  };

  const fresh = async (log: FastifyBaseLogger): Promise<void> => {
    if (deps.now() - reloadedAt < options.metricsMaxAgeSeconds * 1000) return;
    reloading ??= reload(log).finally(() => {
      reloadedAt = deps.now();
      reloading = null;
    });
    await reloading;
  };

  const guard = requireKey(() => deps.apiKeys, "metrics", ctx.throttle, ctx.options.loginWindowSeconds);
  app.get(
    "/metrics",
    {
      ...(options.openMetrics
        ? {}
        : {
            onRequest: async (request, reply) => {
              if ((await guard(request, reply)) !== undefined) return reply;
              const principal = request.principal;
              if (principal !== null && deps.sites().every((s) => may(principal, "metrics", s.id)))
                return undefined;
              return reply.code(403).send({
                statusCode: 403,
                error: "Forbidden",
                message:
                  "A scrape shows every site: it needs a key that acts on every site (scope: district, or the key of the only site).",
              });
            },
          }),
      schema: {
        tags: ["health"],
        summary: "Prometheus metrics (nurserywatch_*).",
        description: options.openMetrics
          ? "Open (http.openMetrics)."
          : "Needs a key that acts on every site: role metrics, regulator or admin.",
        ...(options.openMetrics ? {} : { security: [{ bearer: [] }] }),
        produces: ["text/plain"],
      },
    },
    async (request, reply) => {
      if (options.refreshMetricsOnScrape) await fresh(request.log);
      const body = await deps.metrics.registry.metrics();
      return reply.header("cache-control", "no-store").type(deps.metrics.registry.contentType).send(body);
    },
  );
}
