import type { FastifyReply, FastifyRequest } from "fastify";
import { matchesApiKey } from "../auth/apiKey.ts";
import type { ApiKeyRole, DeploymentApiKey } from "../config/types.ts";
import type { FailureThrottle } from "./throttle.ts";

/** Where a key acts and as what: one site, or (site null) every site of the deployment. */
export interface Grant {
  readonly site: string | null;
  readonly role: ApiKeyRole;
}

/**
 * Who made a request: the configured key's name and what it may do where (the key itself is
 * never kept). One key listed in several site files holds a grant from each.
 */
export interface Principal {
  readonly name: string;
  readonly grants: readonly Grant[];
}

declare module "fastify" {
  interface FastifyRequest {
    /** Set by the auth hooks once a key or session checked out. */
    principal: Principal | null;
  }
}

/** What a request needs: read a site, administer it, or scrape /metrics. */
export type Access = "read" | "admin" | "metrics";

const ALLOWS: Readonly<Record<Access, readonly ApiKeyRole[]>> = {
  read: ["admin", "regulator"],
  admin: ["admin"],
  metrics: ["admin", "regulator", "metrics"],
};

/** Whether the principal may do `access` on the site. */
export function may(principal: Principal, access: Access, siteId: string): boolean {
  return principal.grants.some(
    (g) => (g.site === null || g.site === siteId) && ALLOWS[access].includes(g.role),
  );
}

/** Whether the principal may do `access` on at least one site (the check before the site is known). */
export function mayAnywhere(principal: Principal, access: Access): boolean {
  return principal.grants.some((g) => ALLOWS[access].includes(g.role));
}

/** The roles of a principal, for messages ("admin", "regulator at sunshine-01"). */
export function describeGrants(principal: Principal): string {
  return principal.grants
    .map((g) => (g.site === null ? `${g.role} (district)` : `${g.role} at ${g.site}`))
    .join(", ");
}

/**
 * The principal of the entries whose hash the key matches. Every entry is compared, in constant
 * time each, even after a match, so timing does not tell how many keys there are or which one
 * matched.
 */
export function authenticateKey(key: string, keys: readonly DeploymentApiKey[]): Principal | null {
  let name: string | null = null;
  const grants: Grant[] = [];
  for (const entry of keys) {
    if (!matchesApiKey(key, entry.sha256)) continue;
    name ??= entry.name;
    grants.push({ site: entry.site, role: entry.role });
  }
  return name === null ? null : { name, grants };
}

/** The key of an `Authorization: Bearer <key>` header; null when absent or another scheme. */
export function bearerKey(header: string | undefined): string | null {
  if (header === undefined) return null;
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return m?.[1] ?? null;
}

/** Records a wrong key from the request's client; logs once when that gets the client refused. */
export function failedLogin(throttle: FailureThrottle, request: FastifyRequest, windowSeconds: number): void {
  if (throttle.fail(request.ip))
    request.log.warn(
      { client: request.ip, windowSeconds },
      "http: too many wrong keys from one address; refusing it until its window ends",
    );
}

/**
 * Sends 429 with Retry-After when the client failed too often (the JSON error, or what `send`
 * sends, e.g. the login page); true when it did.
 */
export function refuseThrottled(
  throttle: FailureThrottle,
  request: FastifyRequest,
  reply: FastifyReply,
  send?: (reply: FastifyReply) => void,
): boolean {
  const wait = throttle.retryAfterSeconds(request.ip);
  if (wait === 0) return false;
  request.log.debug({ client: request.ip, retryAfterSeconds: wait }, "http: too many wrong keys; refused");
  void reply.code(429).header("retry-after", String(wait));
  if (send !== undefined) send(reply);
  else
    void reply.send({
      statusCode: 429,
      error: "Too Many Requests",
      message: `Too many wrong keys from this address; try again in ${wait} s.`,
    });
  return true;
}

/**
 * An onRequest hook that lets a request through with a valid bearer key that grants `access`
 * on at least one site (which site is the route's to check): 401 without one or with a wrong
 * one, 403 for a key of another role, 429 while the client has failed too often.
 */
export function requireKey(
  keys: () => readonly DeploymentApiKey[],
  access: Access,
  throttle: FailureThrottle,
  windowSeconds: number,
) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    if (refuseThrottled(throttle, request, reply)) return reply;
    const key = bearerKey(request.headers.authorization);
    const principal = key === null ? null : authenticateKey(key, keys());
    if (principal === null) {
      if (key !== null) failedLogin(throttle, request, windowSeconds);
      const problem = key === null ? "" : ', error="invalid_token"';
      void reply
        .code(401)
        .header("www-authenticate", `Bearer realm="nurserywatch"${problem}`)
        .send({
          statusCode: 401,
          error: "Unauthorized",
          message:
            key === null
              ? "An API key is required: send it as Authorization: Bearer <key>."
              : "The API key is not valid.",
        });
      return reply;
    }
    request.principal = principal;
    if (!mayAnywhere(principal, access)) {
      const needs =
        access === "admin" ? "an admin key" : access === "read" ? "an admin or regulator key" : "a key";
      void reply.code(403).send({
        statusCode: 403,
        error: "Forbidden",
        message: `This needs ${needs}; the key "${principal.name}" is ${describeGrants(principal)}.`,
      });
      return reply;
    }
    return undefined;
  };
}
