import { createHash, randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import type { ViewerSession } from "../domain/family.ts";
import { createAccessTokenRepository } from "../store/accessTokens.ts";
import { createFamilyRepository } from "../store/families.ts";
import type { Keys } from "../store/keys.ts";
import { createViewerSessionRepository } from "../store/viewerSessions.ts";
import { authorize, type Decision, type SessionView } from "./authorize.ts";
import { grantedCameras, inViewingHours } from "./grants.ts";
import type { AccessService } from "./service.ts";

/** Default lifetime of a viewer session: short, so a lost phone or a closed tab frees its place soon. */
export const DEFAULT_VIEWER_TTL_MS = 15 * 60_000;

/** A session just opened: the cookie value is shown to the browser once and never stored. */
export interface StartedSession {
  readonly cookie: string;
  readonly session: ViewerSession;
  readonly cameras: readonly string[];
}

export type StartResult =
  | { readonly ok: true; readonly started: StartedSession }
  | {
      readonly ok: false;
      readonly reason: "unknown_token" | "expired" | "revoked" | "outside_window" | "cap_reached";
    };

/** Parents' viewer sessions: a token traded for a session, every view decided by authorize(). */
export interface ViewerService {
  /** Trades a token for a session under the family's cap, inside its hours; audited either way. */
  start(token: string): Promise<StartResult>;
  /** The session behind a cookie and the state authorize() needs, read now; null when unknown. */
  view(cookie: string): Promise<SessionView | null>;
  /** The decision for one camera now; a denial is audited with its reason. */
  check(cookie: string, cameraId: string): Promise<Decision | { allowed: false; reason: "unknown_session" }>;
  /** Ends the session (its place under the cap is free again); false when there was none. */
  stop(cookie: string): Promise<boolean>;
}

export interface ViewerServiceOptions {
  readonly redis: Redis;
  readonly keys: Keys;
  readonly access: AccessService;
  readonly now: () => number;
  readonly ttlMs?: number;
}

const SITE_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/**
 * The cookie is "<site>~<id>": the id is 256 random bits whose SHA-256 is the only thing stored;
 * the site (not secret: the family's own nursery) finds the session's keys, which live in the
 * site's Redis slot with the family's cap.
 */
function parseCookie(cookie: string): { siteId: string; idHash: string } | null {
  const [siteId = "", id = "", extra] = cookie.split("~");
  if (extra !== undefined || !SITE_ID.test(siteId) || !/^[A-Za-z0-9_-]{43}$/.test(id)) return null;
  return { siteId, idHash: createHash("sha256").update(id).digest("hex") };
}

export function createViewerService(o: ViewerServiceOptions): ViewerService {
  const sessions = createViewerSessionRepository(o.redis, o.keys);
  const families = createFamilyRepository(o.redis, o.keys);
  const tokens = createAccessTokenRepository(o.redis, o.keys);
  const ttl = o.ttlMs ?? DEFAULT_VIEWER_TTL_MS;

  const view = async (cookie: string): Promise<SessionView | null> => {
    const parsed = parseCookie(cookie);
    if (parsed === null) return null;
    const session = await sessions.get(parsed.siteId, parsed.idHash);
    const site = o.access.site(parsed.siteId);
    if (session === null || site === null) return null;
    const [family, generation, token] = await Promise.all([
      families.get(session.siteId, session.familyId),
      families.generation(session.siteId, session.familyId),
      tokens.get(session.siteId, session.tokenId),
    ]);
    return {
      session,
      family,
      generation,
      tokenAlive: token !== null && Date.parse(token.expiresAt) > o.now(),
      site: site.site,
      parents: site.parents,
    };
  };

  return {
    async start(token) {
      const resolved = await o.access.resolveToken(token);
      // An unknown token names no site or family: there is nothing to audit it against (the
      // HTTP layer counts it against the client's address).
      if (!resolved.ok && resolved.reason === "unknown_token") return { ok: false, reason: "unknown_token" };
      if (!resolved.ok) {
        await o.access.audit(
          resolved.siteId,
          { type: "access.denied", familyId: resolved.familyId, cameraId: null, reason: resolved.reason },
          "parent",
        );
        return { ok: false, reason: resolved.reason };
      }
      const { record, family, site } = resolved;
      const now = o.now();
      const deny = async (reason: "outside_window" | "cap_reached"): Promise<StartResult> => {
        await o.access.audit(
          record.siteId,
          { type: "access.denied", familyId: family.id, cameraId: null, reason },
          "parent",
        );
        return { ok: false, reason };
      };
      if (!inViewingHours(family.windows, site.parents.windows, now, site.site.timezone))
        return deny("outside_window");
      const id = randomBytes(32).toString("base64url");
      const session: ViewerSession = {
        siteId: record.siteId,
        familyId: family.id,
        idHash: createHash("sha256").update(id).digest("hex"),
        generation: record.generation,
        tokenId: record.tokenId,
        startedAt: new Date(now).toISOString(),
        // Never outliving the token it came from.
        expiresAt: new Date(Math.min(now + ttl, Date.parse(record.expiresAt))).toISOString(),
      };
      if (!(await sessions.start(session, family.maxSessions, now))) return deny("cap_reached");
      await o.access.audit(
        record.siteId,
        {
          type: "session.started",
          familyId: family.id,
          sessionId: session.idHash.slice(0, 16),
          cameraId: null,
        },
        "parent",
      );
      return {
        ok: true,
        started: {
          cookie: `${record.siteId}~${id}`,
          session,
          cameras: [...grantedCameras(site.site, family)],
        },
      };
    },

    view,

    async check(cookie, cameraId) {
      const v = await view(cookie);
      if (v === null) return { allowed: false, reason: "unknown_session" };
      const decision = authorize(v, cameraId, o.now());
      if (!decision.allowed)
        await o.access.audit(
          v.session.siteId,
          { type: "access.denied", familyId: v.session.familyId, cameraId, reason: decision.reason },
          "parent",
        );
      return decision;
    },

    async stop(cookie) {
      const parsed = parseCookie(cookie);
      if (parsed === null) return false;
      const session = await sessions.get(parsed.siteId, parsed.idHash);
      if (session === null) return false;
      await sessions.stop(session);
      await o.access.audit(
        session.siteId,
        {
          type: "session.stopped",
          familyId: session.familyId,
          sessionId: session.idHash.slice(0, 16),
          cameraId: null,
          startedAt: session.startedAt,
        },
        "parent",
      );
      return true;
    },
  };
}
