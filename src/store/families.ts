import type { Redis } from "ioredis";
import type { Family } from "../domain/family.ts";
import { parseJson } from "./bound.ts";
import type { Keys } from "./keys.ts";

/** Families of each site with their grant, and each family's generation (see bumpGeneration). */
export interface FamilyRepository {
  put(family: Family): Promise<void>;
  get(siteId: string, familyId: string): Promise<Family | null>;
  /** Every family of the site, by id. */
  all(siteId: string): Promise<Family[]>;
  /** Removes the family; false when there was none. */
  remove(siteId: string, familyId: string): Promise<boolean>;
  /** 0 until the first revocation. */
  generation(siteId: string, familyId: string): Promise<number>;
  /**
   * Adds one and returns the new generation: every token and session made under an older one
   * stops working at once, without finding and deleting each.
   */
  bumpGeneration(siteId: string, familyId: string): Promise<number>;
}

export function createFamilyRepository(redis: Redis, keys: Keys): FamilyRepository {
  return {
    async put(f) {
      await redis.hset(keys.site(f.siteId).families, f.id, JSON.stringify(f));
    },
    async get(siteId, familyId) {
      return parseJson<Family>(await redis.hget(keys.site(siteId).families, familyId));
    },
    async all(siteId) {
      const raw = await redis.hvals(keys.site(siteId).families);
      return raw
        .map((r) => parseJson<Family>(r))
        .filter((f): f is Family => f !== null)
        .sort((a, b) => a.id.localeCompare(b.id));
    },
    async remove(siteId, familyId) {
      return (await redis.hdel(keys.site(siteId).families, familyId)) > 0;
    },
    async generation(siteId, familyId) {
      return Number((await redis.hget(keys.site(siteId).familyGenerations, familyId)) ?? "0");
    },
    async bumpGeneration(siteId, familyId) {
      return redis.hincrby(keys.site(siteId).familyGenerations, familyId, 1);
    },
  };
}
