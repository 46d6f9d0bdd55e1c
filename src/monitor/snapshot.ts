import { historyProbes, type DeviceHistories } from "../domain/historyMerge.ts";
import type { LedgerState } from "../domain/ledger.ts";
import type { DeviceObservation } from "../domain/observation.ts";
import type { Site } from "../domain/site.ts";
import type { HistoryRepository } from "../store/histories.ts";
import type { LedgerStateRepository } from "../store/ledgerState.ts";
import type { ObservationRepository } from "../store/observations.ts";
import type { PictureRepository } from "../store/pictures.ts";
import type { PictureInput } from "../domain/picture.ts";

/** A picture older than this many probe intervals no longer says what the camera shows. */
export const FRESH_PICTURE_INTERVALS = 3;
/** A scanned recording history older than this many retention scan intervals no longer counts. */
export const FRESH_HISTORY_INTERVALS = 3;

/** The stores a site snapshot is read from. */
export interface SnapshotStores {
  readonly observations: ObservationRepository;
  readonly pictures: PictureRepository;
  /** Recording histories from the retention scans; absent when polls search history themselves. */
  readonly histories?: HistoryRepository;
  /** What the last signing of the ledger head found; absent where nothing signs. */
  readonly ledgerState?: LedgerStateRepository;
}

/** Everything a site evaluation reads, whichever worker stored it. */
export interface SiteSnapshot {
  /** The latest observation of every device, with its stored recording history grafted in. */
  readonly observations: ReadonlyMap<string, DeviceObservation>;
  readonly pictures: PictureInput;
  /** Devices with a stored retention scan (whatever its age); empty when polls search history. */
  readonly scanned: ReadonlySet<string>;
  /** Whether this deployment's retention scans search history (not the polls). */
  readonly scans: boolean;
  readonly ledger: LedgerState | null;
}

/**
 * Reads a site's snapshot: the latest observation of every device and picture of every camera,
 * the scanned histories put into the observations as if the polls had searched them, and the
 * ledger's state; with the freshness cut-offs above taken from `now`.
 */
export async function loadSnapshot(
  stores: SnapshotStores,
  site: Site,
  now: number,
  probing: boolean,
): Promise<SiteSnapshot> {
  const [observations, stored, byCamera, ledger] = await Promise.all([
    stores.observations.all(site.id),
    stores.histories?.all(site.id) ?? null,
    probing
      ? stores.pictures.fresh(
          site.id,
          now - FRESH_PICTURE_INTERVALS * site.policy.probeIntervalSeconds * 1000,
        )
      : null,
    stores.ledgerState?.get() ?? null,
  ]);
  const pictures: PictureInput =
    byCamera === null ? { probed: false } : { probed: true, byCamera, unprobed: "pending" };
  return {
    observations:
      stored === null
        ? observations
        : withHistories(
            observations,
            stored,
            now - FRESH_HISTORY_INTERVALS * site.policy.retentionIntervalSeconds * 1000,
          ),
    pictures,
    scanned: new Set(stored?.keys() ?? []),
    scans: stored !== null,
    ledger,
  };
}

/** Each device's stored recording history put into its observation; older than `freshSince` it does not count. */
export function withHistories(
  observations: ReadonlyMap<string, DeviceObservation>,
  stored: ReadonlyMap<string, DeviceHistories>,
  freshSince: number,
): Map<string, DeviceObservation> {
  const out = new Map<string, DeviceObservation>();
  for (const [deviceId, obs] of observations) {
    const tokens = obs.recordings.status === "ok" ? obs.recordings.value.map((r) => r.token) : [];
    const probes = historyProbes(stored.get(deviceId) ?? null, tokens, freshSince);
    out.set(deviceId, { ...obs, recordingHistory: { ...obs.recordingHistory, ...probes } });
  }
  return out;
}
