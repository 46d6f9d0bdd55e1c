import fastifyCookie from "@fastify/cookie";
import fastifySwagger from "@fastify/swagger";
import fastifySwaggerUi from "@fastify/swagger-ui";
import { STATUS_CODES } from "node:http";
import Fastify, { LogController, type FastifyError, type FastifyInstance } from "fastify";
import type { RouteContext } from "./context.ts";
import { InvalidCursorError } from "../domain/cursor.ts";
import { DEFAULT_HTTP_OPTIONS, type HttpDeps } from "./deps.ts";
import { dashboardRoutes } from "./routes/dashboard.ts";
import { familyRoutes } from "./routes/families.ts";
import { healthRoutes } from "./routes/health.ts";
import { ledgerRoutes } from "./routes/ledger.ts";
import { maintenanceRoutes } from "./routes/maintenance.ts";
import { metricsRoutes } from "./routes/metrics.ts";
import { parentRoutes } from "./routes/parents.ts";
import { reportRoutes } from "./routes/report.ts";
import { statusRoutes } from "./routes/status.ts";
import { violationRoutes } from "./routes/violations.ts";
import { cookieIsSecure } from "./session.ts";
import { createFailureThrottle } from "./throttle.ts";

export interface HttpServer {
  readonly app: FastifyInstance;
  /** Listens and resolves with the address, e.g. http://127.0.0.1:8080 (port 0 picks a free one). */
  start(listen: { readonly host: string; readonly port: number }): Promise<string>;
  /** Stops accepting, lets requests in flight finish, closes. */
  stop(): Promise<void>;
}

/**
 * Where a bearer key or session id could sit in a log line: censored, whatever logs it. The
 * parent logger's own paths are repeated because a child's redaction replaces its parent's.
 */
export const REDACTED_LOG_PATHS = [
  "password",
  "*.password",
  "auth",
  "authorization",
  "cookie",
  "headers.authorization",
  "headers.cookie",
  'headers["set-cookie"]',
  "req.headers.authorization",
  "req.headers.cookie",
  "request.headers.authorization",
  "request.headers.cookie",
  'res.headers["set-cookie"]',
  'reply.headers["set-cookie"]',
];

/** Form posts (the login page) are small; anything bigger is not ours. */
const FORM_LIMIT = 8 * 1024;

/** Plainer words than fastify's for the body errors a client can make. */
const BODY_PROBLEMS: Readonly<Record<string, string>> = {
  FST_ERR_CTP_INVALID_JSON_BODY:
    "The body is not valid JSON: send one JSON object with Content-Type: application/json.",
  FST_ERR_CTP_EMPTY_JSON_BODY:
    "The body is empty although Content-Type says application/json: send one JSON object, or no Content-Type.",
};

export function createHttpServer(deps: HttpDeps): HttpServer {
  const options = { ...DEFAULT_HTTP_OPTIONS, ...deps.options };
  const throttle = createFailureThrottle({
    maxFailures: options.loginMaxFailures,
    windowSeconds: options.loginWindowSeconds,
    now: deps.now,
  });
  const ctx: RouteContext = { deps, options, throttle };
  const logger = deps.logger.child(
    { component: "http" },
    { redact: { paths: REDACTED_LOG_PATHS, censor: "[redacted]" } },
  );

  const app = Fastify({
    loggerInstance: logger,
    // One debug line per request from the hook below instead of two info lines: scrapes and
    // the dashboard's refresh would otherwise fill the log.
    logController: new LogController({ disableRequestLogging: true }),
    bodyLimit: 64 * 1024,
    return503OnClosing: true,
    ajv: {
      customOptions: { coerceTypes: true, useDefaults: true, removeAdditional: true, allErrors: false },
    },
  }) as unknown as FastifyInstance;

  app.decorateRequest("principal", null);

  app.addContentTypeParser(
    "application/x-www-form-urlencoded",
    { parseAs: "string", bodyLimit: FORM_LIMIT },
    (_req, body, done) => {
      done(null, Object.fromEntries(new URLSearchParams(String(body))));
    },
  );

  app.addHook("onSend", async (_request, reply, payload) => {
    void reply.header("x-content-type-options", "nosniff");
    return payload;
  });
  app.addHook("onResponse", async (request, reply) => {
    request.log.debug(
      {
        method: request.method,
        route: request.routeOptions.url ?? null,
        status: reply.statusCode,
        ms: Math.round(reply.elapsedTime),
        by: request.principal?.name,
      },
      "request",
    );
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error.validation !== undefined)
      return reply.code(400).send({ statusCode: 400, error: "Bad Request", message: error.message });
    if (error instanceof InvalidCursorError)
      return reply.code(400).send({
        statusCode: 400,
        error: "Bad Request",
        message: "cursor: not a cursor from a previous page.",
      });
    const status = error.statusCode ?? 500;
    // The status's own words ("Bad Request"), never a class name such as "FastifyError".
    if (status >= 400 && status < 500)
      return reply.code(status).send({
        statusCode: status,
        error: STATUS_CODES[status] ?? "Bad Request",
        message: BODY_PROBLEMS[error.code] ?? error.message,
      });
    request.log.error({ err: error }, "request failed");
    return reply.code(500).send({
      statusCode: 500,
      error: "Internal Server Error",
      message: "The monitor could not answer this request; its log says why.",
    });
  });
  app.setNotFoundHandler((request, reply) =>
    reply.code(404).send({
      statusCode: 404,
      error: "Not Found",
      message: `No route ${request.method} ${request.url.split("?")[0]}.`,
    }),
  );

  void app.register(fastifyCookie);
  void app.register(fastifySwagger, {
    openapi: {
      openapi: "3.0.3",
      info: {
        title: "nurserywatch",
        description:
          "Compliance monitor for nursery video surveillance. API calls need `Authorization: Bearer <key>` " +
          "(role admin, or regulator read-only) of the site asked about: a site key acts on its own site, a " +
          "district key on every site. /metrics needs a key that acts on every site (role metrics, regulator " +
          "or admin) unless http.openMetrics opens it; /healthz and /readyz are open. Too many wrong keys " +
          "from one address are answered 429 for a while.",
        version: "1",
      },
      components: { securitySchemes: { bearer: { type: "http", scheme: "bearer" } } },
      tags: [
        { name: "status", description: "The latest evaluation of each site." },
        { name: "violations", description: "Violations and their lifecycle." },
        { name: "ledger", description: "The hash-chained, signed ledger." },
        { name: "report", description: "Compliance over a period." },
        { name: "maintenance", description: "Maintenance windows (declare and end: admin only)." },
        { name: "health", description: "Liveness, readiness and metrics." },
        {
          name: "families",
          description: "Parents' access: families, tokens, the audit log (changes: admin only).",
        },
      ],
    },
  });
  void app.register(fastifySwaggerUi, { routePrefix: "/docs", staticCSP: true });

  // Registered after swagger so that its onRoute hook documents every route.
  void app.register((instance, _opts, done) => {
    healthRoutes(instance, ctx);
    metricsRoutes(instance, ctx);
    statusRoutes(instance, ctx);
    violationRoutes(instance, ctx);
    ledgerRoutes(instance, ctx);
    reportRoutes(instance, ctx);
    maintenanceRoutes(instance, ctx);
    if (deps.access !== undefined) familyRoutes(instance, ctx, deps.access);
    if (deps.access !== undefined && deps.viewers !== undefined)
      parentRoutes(instance, ctx, deps.access, deps.viewers);
    dashboardRoutes(instance, ctx);
    done();
  });

  return {
    app,
    async start(listen) {
      // "" in the config means every address.
      const address = await app.listen({
        host: listen.host === "" ? "0.0.0.0" : listen.host,
        port: listen.port,
      });
      logger.info({ address }, "http: listening");
      if (!cookieIsSecure(deps.publicUrl))
        logger.warn(
          { publicUrl: deps.publicUrl },
          "http: publicUrl is not an https address, so the dashboard's session cookie is not marked Secure and " +
            "a browser sends it over plain http; set http.publicUrl to the https address the dashboard is published at",
        );
      if (options.openMetrics)
        logger.warn(
          { address },
          "http: /metrics answers without a key (http.openMetrics): make sure only the scraper can reach this address",
        );
      return address;
    },
    async stop() {
      await app.close();
    },
  };
}
