import type { Redis } from "ioredis";
import type { LedgerState } from "../domain/ledger.ts";
import type { Keys } from "./keys.ts";

/** What the last signing of the ledger head found; one for the whole monitor (one chain). */
export interface LedgerStateRepository {
  get(): Promise<LedgerState | null>;
  put(state: LedgerState): Promise<void>;
}

export function createLedgerStateRepository(redis: Redis, keys: Keys): LedgerStateRepository {
  return {
    async get() {
      const json = await redis.get(keys.ledger.state);
      if (json === null) return null;
      try {
        return JSON.parse(json) as LedgerState;
      } catch {
        return null;
      }
    },
    async put(state) {
      await redis.set(keys.ledger.state, JSON.stringify(state));
    },
  };
}
