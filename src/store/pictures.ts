import type { Redis } from "ioredis";
import type { PictureObservation } from "../domain/picture.ts";
import type { Keys } from "./keys.ts";

/** The latest picture probe of each camera of a site (no addresses, no credentials: measurements only). */
export interface PictureRepository {
  put(siteId: string, pictures: ReadonlyMap<string, PictureObservation>): Promise<void>;
  /** Pictures taken at or after `since` (ms); older ones no longer describe the camera. */
  fresh(siteId: string, since: number): Promise<Map<string, PictureObservation>>;
}

export function createPictureRepository(redis: Redis, keys: Keys): PictureRepository {
  return {
    async put(siteId, pictures) {
      if (pictures.size === 0) return;
      const fields: string[] = [];
      for (const [cameraId, pic] of pictures) fields.push(cameraId, JSON.stringify(pic));
      await redis.hset(keys.site(siteId).pictures, ...fields);
    },
    async fresh(siteId, since) {
      const raw = await redis.hgetall(keys.site(siteId).pictures);
      const out = new Map<string, PictureObservation>();
      for (const [cameraId, json] of Object.entries(raw)) {
        try {
          const pic = JSON.parse(json) as PictureObservation;
          if (Date.parse(pic.startedAt) >= since) out.set(cameraId, pic);
        } catch {
          // Unreadable: as good as no picture.
        }
      }
      return out;
    },
  };
}
