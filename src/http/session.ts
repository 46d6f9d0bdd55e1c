import { createHash, randomBytes } from "node:crypto";
import type { FastifyReply, FastifyRequest } from "fastify";
import type { DashboardSession, HttpDeps } from "./deps.ts";
import type { Principal } from "./auth.ts";

export const SESSION_COOKIE = "nw_session";

/** SHA-256 hex of a session id: what the store keeps, so a read of Redis opens no session. */
export const hashSessionId = (id: string): string => createHash("sha256").update(id, "utf8").digest("hex");

export interface SessionCookieOptions {
  readonly secure: boolean;
  readonly ttlSeconds: number;
}

/** Secure when the dashboard is published over https (a plain-http LAN install cannot use it). */
export const cookieIsSecure = (publicUrl: string | null): boolean =>
  publicUrl !== null && publicUrl.toLowerCase().startsWith("https:");

/** Opens a session for an admin who logged in and sets its cookie on the reply. */
export async function openSession(
  deps: HttpDeps,
  reply: FastifyReply,
  principal: Principal,
  cookie: SessionCookieOptions,
): Promise<void> {
  const id = randomBytes(32).toString("base64url");
  const now = deps.now();
  await deps.sessions.create({
    idHash: hashSessionId(id),
    keyName: principal.name,
    role: principal.role,
    createdAt: new Date(now).toISOString(),
    expiresAt: new Date(now + cookie.ttlSeconds * 1000).toISOString(),
  });
  reply.setCookie(SESSION_COOKIE, id, {
    path: "/",
    httpOnly: true,
    sameSite: "strict",
    secure: cookie.secure,
    maxAge: cookie.ttlSeconds,
  });
}

/**
 * The live session of a request, or null: no cookie, unknown, expired, or opened with a key
 * that is no longer configured as admin (removing a key from the config ends its sessions).
 */
export async function sessionOf(deps: HttpDeps, request: FastifyRequest): Promise<DashboardSession | null> {
  const id = request.cookies[SESSION_COOKIE];
  if (id === undefined || id.length === 0 || id.length > 200) return null;
  const session = await deps.sessions.get(hashSessionId(id));
  if (session === null) return null;
  if (Date.parse(session.expiresAt) <= deps.now()) return null;
  const key = deps.apiKeys.find((k) => k.name === session.keyName);
  if (key?.role !== "admin") return null;
  return session;
}

/** Ends the request's session (if any) and clears the cookie. */
export async function closeSession(
  deps: HttpDeps,
  request: FastifyRequest,
  reply: FastifyReply,
): Promise<void> {
  const id = request.cookies[SESSION_COOKIE];
  if (id !== undefined && id.length > 0 && id.length <= 200) await deps.sessions.delete(hashSessionId(id));
  reply.clearCookie(SESSION_COOKIE, { path: "/", httpOnly: true, sameSite: "strict" });
}
