import type { Redis } from "ioredis";
import type { ParentsConfig } from "../config/types.ts";
import type { AccessTokenRecord, AuditEvent, AuditRecord, Family } from "../domain/family.ts";
import type { Site } from "../domain/site.ts";
import type { Ledger } from "../ledger/ledger.ts";
import { createAccessAuditRepository } from "../store/accessAudit.ts";
import { createAccessTokenRepository } from "../store/accessTokens.ts";
import { createFamilyRepository } from "../store/families.ts";
import { createViewerSessionRepository } from "../store/viewerSessions.ts";
import type { Keys } from "../store/keys.ts";
import { AccessInputError, NoPublicUrlError, ParentsDisabledError, UnknownFamilyError } from "./errors.ts";
import { checkGrant, type GrantRequest } from "./grants.ts";
import { hashToken, isTokenShaped, newAccessToken, parentLink } from "./tokens.ts";
import { DAY } from "../domain/time.ts";

/** What access/ needs to know of a site: its cameras and zones, its parents section, its public address. */
export interface AccessSite {
  readonly site: Site;
  readonly parents: ParentsConfig;
  readonly publicUrl: string | null;
}

export interface FamilyInput extends GrantRequest {
  readonly id: string;
  readonly name: string;
}

/** A token just issued: the only time the token itself exists outside the family's hands. */
export interface IssuedToken {
  readonly familyId: string;
  readonly tokenId: string;
  readonly expiresAt: string;
  /** The parent link, token in its fragment. */
  readonly url: string;
  readonly token: string;
}

/** A token checked: its record and family as they are now, or why it opens nothing. */
export type TokenCheck =
  | {
      readonly ok: true;
      readonly record: AccessTokenRecord;
      readonly family: Family;
      readonly site: AccessSite;
    }
  /** Matches no token (or one of a site where parents cannot view): nothing to audit it against. */
  | { readonly ok: false; readonly reason: "unknown_token" }
  /** A real token of a known family that no longer opens anything: audited with the reason. */
  | {
      readonly ok: false;
      readonly reason: "expired" | "revoked";
      readonly siteId: string;
      readonly familyId: string;
    };

/** Families, tokens and the audit log (DESIGN.md §6); every change also goes into the ledger. */
export interface AccessService {
  /** Creates the family or replaces its grant. Throws AccessInputError, ParentsDisabledError. */
  putFamily(siteId: string, input: FamilyInput, by: string): Promise<Family>;
  listFamilies(siteId: string): Promise<Family[]>;
  /** Removes the family, its tokens and sessions (its generation moves on). UnknownFamilyError when absent. */
  removeFamily(siteId: string, familyId: string, by: string): Promise<void>;
  issueToken(siteId: string, familyId: string, lifetimeMs: number, by: string): Promise<IssuedToken>;
  /** Revokes one token; false when the site has no token with this id. */
  revokeToken(siteId: string, tokenId: string, by: string): Promise<AccessTokenRecord | null>;
  /** Revokes every token and session of the family at once; returns its new generation. */
  revokeFamily(siteId: string, familyId: string, by: string): Promise<number>;
  /** The token's record and family when it is known, unexpired and of the family's current generation. */
  resolveToken(token: string): Promise<TokenCheck>;
  /** Writes one audit record (kept parents.auditDays). */
  audit(siteId: string, event: AuditEvent, by: string): Promise<AuditRecord>;
  /** The site as configured now (null when not configured). */
  site(siteId: string): AccessSite | null;
  /** Whether any configured site lets parents view (else no parent route exists). */
  parentsEnabled(): boolean;
  /** Audit records of the site with fromMs <= at < toMs, oldest first. */
  auditRange(siteId: string, fromMs: number, toMs: number): Promise<AuditRecord[]>;
}

export interface AccessServiceOptions {
  readonly redis: Redis;
  readonly keys: Keys;
  readonly ledger: Pick<Ledger, "append">;
  readonly now: () => number;
  readonly newId: () => string;
  /** The site as configured now (a reload changes it), or null when not configured. */
  readonly site: (siteId: string) => AccessSite | null;
  /** Every configured site id (a reload changes them). */
  readonly siteIds: () => readonly string[];
}

export function createAccessService(o: AccessServiceOptions): AccessService {
  const families = createFamilyRepository(o.redis, o.keys);
  const tokens = createAccessTokenRepository(o.redis, o.keys);
  const auditLog = createAccessAuditRepository(o.redis, o.keys);
  const viewers = createViewerSessionRepository(o.redis, o.keys);
  const iso = (ms: number): string => new Date(ms).toISOString();

  const enabledSite = (siteId: string): AccessSite => {
    const s = o.site(siteId);
    if (s === null) throw new AccessInputError([`site ${siteId} is not configured`]);
    if (!s.parents.enabled) throw new ParentsDisabledError(siteId);
    return s;
  };
  const familyOf = async (siteId: string, familyId: string): Promise<Family> => {
    const f = await families.get(siteId, familyId);
    if (f === null) throw new UnknownFamilyError(siteId, familyId);
    return f;
  };
  const audit = async (siteId: string, event: AuditEvent, by: string): Promise<AuditRecord> => {
    const days = o.site(siteId)?.parents.auditDays ?? 400;
    const at = o.now();
    const record: AuditRecord = { ...event, id: o.newId(), siteId, at: iso(at), by };
    await auditLog.append(record, at - days * DAY);
    return record;
  };

  return {
    async putFamily(siteId, input, by) {
      const s = enabledSite(siteId);
      const checked = checkGrant(s.site, s.parents, input);
      if (!checked.ok) throw new AccessInputError(checked.problems);
      if (input.name.trim() === "") throw new AccessInputError(["a family needs a name"]);
      const family: Family = {
        siteId,
        id: input.id,
        name: input.name.trim(),
        zones: checked.zones,
        cameras: checked.cameras,
        windows: checked.windows,
        maxSessions: checked.maxSessions,
        createdAt: iso(o.now()),
        createdBy: by,
      };
      const grant = {
        familyId: family.id,
        zones: family.zones,
        cameras: family.cameras,
        windows: family.windows,
        maxSessions: family.maxSessions,
      };
      // Ledger first: a grant in force is always on the record.
      // The family's name stays out of the ledger: it can never be erased from there.
      await o.ledger.append("family.granted", siteId, { ...grant, by });
      await families.put(family);
      await audit(siteId, { type: "family.granted", ...grant }, by);
      return family;
    },

    async listFamilies(siteId) {
      enabledSite(siteId);
      return families.all(siteId);
    },

    async removeFamily(siteId, familyId, by) {
      enabledSite(siteId);
      await familyOf(siteId, familyId);
      await o.ledger.append("family.removed", siteId, { familyId, by });
      // Generation first: whatever else fails, nothing issued before works any more.
      await families.bumpGeneration(siteId, familyId);
      await families.remove(siteId, familyId);
      await tokens.remove(await tokens.ofFamily(siteId, familyId));
      await viewers.clearFamily(siteId, familyId);
      await audit(siteId, { type: "family.removed", familyId }, by);
    },

    async issueToken(siteId, familyId, lifetimeMs, by) {
      const s = enabledSite(siteId);
      if (s.publicUrl === null) throw new NoPublicUrlError(siteId);
      await familyOf(siteId, familyId);
      const generation = await families.generation(siteId, familyId);
      const t = newAccessToken();
      const now = o.now();
      const record: AccessTokenRecord = {
        siteId,
        familyId,
        tokenId: t.tokenId,
        sha256: t.sha256,
        generation,
        issuedAt: iso(now),
        issuedBy: by,
        expiresAt: iso(now + lifetimeMs),
      };
      await o.ledger.append("token.issued", siteId, {
        familyId,
        tokenId: t.tokenId,
        expiresAt: record.expiresAt,
        by,
      });
      await tokens.trimExpired(siteId, now);
      await tokens.put(record);
      await audit(
        siteId,
        { type: "token.issued", familyId, tokenId: t.tokenId, expiresAt: record.expiresAt },
        by,
      );
      return {
        familyId,
        tokenId: t.tokenId,
        expiresAt: record.expiresAt,
        url: parentLink(s.publicUrl, t.token),
        token: t.token,
      };
    },

    async revokeToken(siteId, tokenId, by) {
      enabledSite(siteId);
      const record = await tokens.get(siteId, tokenId);
      if (record === null) return null;
      await o.ledger.append("token.revoked", siteId, { familyId: record.familyId, tokenId, by });
      await tokens.remove([record]);
      await audit(siteId, { type: "token.revoked", familyId: record.familyId, tokenId }, by);
      return record;
    },

    async revokeFamily(siteId, familyId, by) {
      enabledSite(siteId);
      await familyOf(siteId, familyId);
      const generation = await families.bumpGeneration(siteId, familyId);
      await o.ledger.append("family.revoked", siteId, { familyId, generation, by });
      // Its tokens stay until they expire, dead by their generation: a parent who tries one is
      // audited as revoked, not as a stranger.
      await viewers.clearFamily(siteId, familyId);
      await audit(siteId, { type: "family.revoked", familyId, generation }, by);
      return generation;
    },

    async resolveToken(token) {
      const unknown = { ok: false, reason: "unknown_token" } as const;
      if (!isTokenShaped(token)) return unknown;
      const record = await tokens.byHash(hashToken(token));
      if (record === null) return unknown;
      const site = o.site(record.siteId);
      if (site === null || !site.parents.enabled) return unknown;
      const refused = (reason: "expired" | "revoked") =>
        ({ ok: false, reason, siteId: record.siteId, familyId: record.familyId }) as const;
      if (Date.parse(record.expiresAt) <= o.now()) return refused("expired");
      const [family, generation] = await Promise.all([
        families.get(record.siteId, record.familyId),
        families.generation(record.siteId, record.familyId),
      ]);
      if (family === null || generation !== record.generation) return refused("revoked");
      return { ok: true, record, family, site };
    },

    audit,

    site: (siteId) => o.site(siteId),

    parentsEnabled: () => o.siteIds().some((id) => o.site(id)?.parents.enabled === true),

    async auditRange(siteId, fromMs, toMs) {
      return auditLog.range(siteId, fromMs, toMs);
    },
  };
}
