import type { FastifyReply, FastifyRequest } from "fastify";
import { matchesApiKey } from "../auth/apiKey.ts";
import type { ApiKeyEntry, ApiKeyRole } from "../config/types.ts";

/** Who made a request: the configured key's name and role (the key itself is never kept). */
export interface Principal {
  readonly name: string;
  readonly role: ApiKeyRole;
}

declare module "fastify" {
  interface FastifyRequest {
    /** Set by the auth hooks once a key or session checked out. */
    principal: Principal | null;
  }
}

/**
 * The entry whose hash the key matches. Every entry is compared, in constant time each, even
 * after a match, so timing does not tell how many keys there are or which one matched.
 */
export function authenticateKey(key: string, keys: readonly ApiKeyEntry[]): Principal | null {
  let found: Principal | null = null;
  for (const entry of keys) {
    if (matchesApiKey(key, entry.sha256) && found === null) found = { name: entry.name, role: entry.role };
  }
  return found;
}

/** The key of an `Authorization: Bearer <key>` header; null when absent or another scheme. */
export function bearerKey(header: string | undefined): string | null {
  if (header === undefined) return null;
  const m = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(header);
  return m?.[1] ?? null;
}

export type Access = "any" | "admin";

/**
 * An onRequest hook that lets a request through with a valid bearer key (and, for "admin",
 * only an admin key): 401 without one or with a wrong one, 403 for a regulator on admin routes.
 */
export function requireKey(keys: () => readonly ApiKeyEntry[], access: Access) {
  return async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> => {
    const key = bearerKey(request.headers.authorization);
    const principal = key === null ? null : authenticateKey(key, keys());
    if (principal === null) {
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
    if (access === "admin" && principal.role !== "admin") {
      void reply.code(403).send({
        statusCode: 403,
        error: "Forbidden",
        message: `This needs an admin key; the key "${principal.name}" has the role ${principal.role}.`,
      });
      return reply;
    }
    return undefined;
  };
}
