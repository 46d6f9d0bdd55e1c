import type { Redis } from "ioredis";
import type { DeviceObservation, MediaProfile } from "../domain/observation.ts";
import type { Keys } from "./keys.ts";

/**
 * The latest observation of each device of a site: what the site's rules are evaluated from,
 * whichever worker polled which device. Stream and snapshot addresses are dropped before
 * storing (devices hand out addresses with credentials inside).
 */
export interface ObservationRepository {
  put(siteId: string, obs: DeviceObservation): Promise<void>;
  all(siteId: string): Promise<Map<string, DeviceObservation>>;
}

export function createObservationRepository(redis: Redis, keys: Keys): ObservationRepository {
  return {
    async put(siteId, obs) {
      await redis.hset(keys.site(siteId).observations, obs.deviceId, JSON.stringify(withoutAddresses(obs)));
    },
    async all(siteId) {
      const raw = await redis.hgetall(keys.site(siteId).observations);
      const out = new Map<string, DeviceObservation>();
      for (const [deviceId, json] of Object.entries(raw)) {
        try {
          out.set(deviceId, JSON.parse(json) as DeviceObservation);
        } catch {
          // A corrupt entry is as good as no observation: the rules then say "not observed".
        }
      }
      return out;
    },
  };
}

function withoutAddresses(obs: DeviceObservation): DeviceObservation {
  if (obs.profiles.status !== "ok") return obs;
  const profiles: MediaProfile[] = obs.profiles.value.map((p) => ({
    ...p,
    streamUri: null,
    snapshotUri: null,
  }));
  return { ...obs, profiles: { status: "ok", value: profiles } };
}
