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
  const admin = principal.grants.filter((g) => g.role === "admin");
  await deps.sessions.create({
    idHash: hashSessionId(id),
    keyName: principal.name,
    sites: [...new Set(admin.flatMap((g) => (g.site === null ? [] : [g.site])))],
    district: admin.some((g) => g.site === null),
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
 * that is no longer configured as admin of any site it was opened for (removing a key from
 * the config ends its sessions). The session returned names only the sites its key still
 * administers: a key is known by its name together with its site (names are unique only
 * within one site file), or as a district key.
 */
export async function sessionOf(deps: HttpDeps, request: FastifyRequest): Promise<DashboardSession | null> {
  const id = request.cookies[SESSION_COOKIE];
  if (id === undefined || id.length === 0 || id.length > 200) return null;
  const session = await deps.sessions.get(hashSessionId(id));
  if (session === null) return null;
  if (Date.parse(session.expiresAt) <= deps.now()) return null;
  // Sessions stored before they carried their sites open nothing.
  if (!Array.isArray(session.sites) || typeof session.district !== "boolean") return null;
  const admin = deps.apiKeys.filter((k) => k.name === session.keyName && k.role === "admin");
  const district = session.district && admin.some((k) => k.site === null);
  const sites = session.sites.filter((s) => admin.some((k) => k.site === s));
  if (!district && sites.length === 0) return null;
  return { ...session, district, sites };
}

/** Whether a session shows the site. */
export const sessionShows = (session: DashboardSession, siteId: string): boolean =>
  session.district || session.sites.includes(siteId);

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
