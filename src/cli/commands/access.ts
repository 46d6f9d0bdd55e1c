import { randomUUID } from "node:crypto";
import { CLI_CONNECTION, openRedis } from "../../app/redis.ts";
import {
  AccessInputError,
  NoPublicUrlError,
  ParentsDisabledError,
  UnknownFamilyError,
} from "../../access/errors.ts";
import { createAccessService, type AccessService } from "../../access/service.ts";
import { loadConfig, processEnv } from "../../config/load.ts";
import type { LoadedConfig } from "../../config/types.ts";
import { createLedger } from "../../ledger/ledger.ts";
import { createSigner, loadMonitorKey, MonitorKeyError } from "../../ledger/keys.ts";
import { createKeys } from "../../store/keys.ts";
import { closeRedis } from "../../store/redis.ts";
import { UsageError } from "../exitCodes.ts";

/**
 * Loads the site file and runs `work` with the access service on the deployment's Redis and
 * ledger, the way the daemon sees them. `needsParents`: refused where the site's rules forbid
 * online viewing (families and tokens); the audit log is readable either way. Access errors
 * become usage errors (exit 2) with their message.
 */
export async function withAccess<T>(
  file: string,
  needsParents: boolean,
  work: (access: AccessService, config: LoadedConfig) => Promise<T>,
): Promise<T> {
  const config = await loadConfig(file, processEnv());
  if (needsParents && !config.parents.enabled)
    throw new UsageError(new ParentsDisabledError(config.site.id).message);
  let key;
  try {
    key = await loadMonitorKey(config.ledger.keyFile);
  } catch (err) {
    if (err instanceof MonitorKeyError)
      throw new UsageError(
        `${err.message}: start the monitor once (nurserywatch start) so it creates its key`,
      );
    throw err;
  }
  const handle = await openRedis(config.redis.url, { connection: CLI_CONNECTION });
  const redis = handle.factory("access");
  try {
    const keys = createKeys();
    const ledger = createLedger({ redis, keys, now: Date.now, signer: createSigner(key) });
    const access = createAccessService({
      redis,
      keys,
      ledger,
      now: Date.now,
      newId: randomUUID,
      site: (id) =>
        id === config.site.id
          ? { site: config.site, parents: config.parents, publicUrl: config.http.publicUrl }
          : null,
      siteIds: () => [config.site.id],
    });
    return await work(access, config);
  } catch (err) {
    if (
      err instanceof AccessInputError ||
      err instanceof ParentsDisabledError ||
      err instanceof UnknownFamilyError ||
      err instanceof NoPublicUrlError
    )
      throw new UsageError(err.message);
    throw err;
  } finally {
    await closeRedis(redis);
    await handle.close();
  }
}

/** "a,b" -> ["a", "b"]; absent -> []. */
export const commaList = (text: string | undefined): string[] =>
  (text ?? "")
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
