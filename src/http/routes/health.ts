import { Type } from "@sinclair/typebox";
import type { FastifyInstance } from "fastify";
import type { RouteContext } from "../context.ts";
import type { Readiness } from "../deps.ts";
import { ReadinessSchema } from "../schemas.ts";
import type { TypeBoxProvider } from "../typebox.ts";

type Outcome = { readonly checks: Readiness; readonly failing: readonly string[] };

/** readiness(), bounded: a hung Redis must make /readyz say so, not hang the probe. */
async function probe(ctx: RouteContext): Promise<Outcome> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<"timeout">((resolve) => {
    timer = setTimeout(() => resolve("timeout"), ctx.options.readinessTimeoutMs);
  });
  try {
    const r = await Promise.race([ctx.deps.readiness(), timeout]);
    if (r === "timeout") return { checks: { redis: false, workers: false }, failing: ["readiness_check"] };
    const failing = (["redis", "workers", "schedules"] as const).filter((k) => r[k] === false);
    return { checks: r, failing };
  } catch (err) {
    ctx.deps.logger.warn({ err }, "readiness check failed");
    return { checks: { redis: false, workers: false }, failing: ["readiness_check"] };
  } finally {
    clearTimeout(timer);
  }
}

/** /healthz: the process answers. /readyz: it can do its job (503 naming what is down). */
export function healthRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const r = app.withTypeProvider<TypeBoxProvider>();
  r.get(
    "/healthz",
    {
      schema: {
        tags: ["health"],
        summary: "Liveness: the process is up and answering.",
        response: { 200: Type.Object({ status: Type.Literal("ok") }) },
      },
    },
    async (_req, reply) => {
      void reply.header("cache-control", "no-store");
      return { status: "ok" as const };
    },
  );
  r.get(
    "/readyz",
    {
      schema: {
        tags: ["health"],
        summary: "Readiness: Redis reachable, workers alive, every device scheduled; 503 says which is not.",
        response: { 200: ReadinessSchema, 503: ReadinessSchema },
      },
    },
    async (_req, reply) => {
      const { checks, failing } = await probe(ctx);
      void reply.header("cache-control", "no-store").code(failing.length === 0 ? 200 : 503);
      return { ready: failing.length === 0, checks, failing: [...failing] };
    },
  );
}
