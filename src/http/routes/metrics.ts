import type { FastifyInstance } from "fastify";
import { requireKey } from "../auth.ts";
import { allOpenViolations, type RouteContext } from "../context.ts";
import { refreshQueueGauges, refreshStatusGauges } from "../metrics.ts";

/**
 * /metrics in the Prometheus text format. With refreshMetricsOnScrape the state gauges are
 * reloaded from the stores first, so any API node exposes the same picture; when that read
 * fails the previous values stay and the failure is logged (a scrape still gets the rest).
 */
export function metricsRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const { deps, options } = ctx;
  app.get(
    "/metrics",
    {
      ...(options.openMetrics ? {} : { onRequest: requireKey(() => deps.apiKeys, "any") }),
      schema: {
        tags: ["health"],
        summary: "Prometheus metrics (nurserywatch_*).",
        ...(options.openMetrics ? {} : { security: [{ bearer: [] }] }),
        produces: ["text/plain"],
      },
    },
    async (request, reply) => {
      if (options.refreshMetricsOnScrape) {
        try {
          const [sites, openViolations] = await Promise.all([deps.status(), allOpenViolations(deps)]);
          refreshStatusGauges(deps.metrics, { sites, openViolations });
        } catch (err) {
          request.log.warn({ err }, "metrics: could not refresh status gauges; serving the previous values");
        }
        if (deps.queueDepths) {
          try {
            refreshQueueGauges(deps.metrics, await deps.queueDepths());
          } catch (err) {
            request.log.warn({ err }, "metrics: could not read the queues; serving the previous depths");
          }
        }
      }
      const body = await deps.metrics.registry.metrics();
      return reply.header("cache-control", "no-store").type(deps.metrics.registry.contentType).send(body);
    },
  );
}
