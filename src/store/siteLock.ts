import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { luaScript, runScript } from "./script.ts";

/**
 * One writer of a site's state at a time, across processes: a short lock (SET NX PX) and a
 * commit script that applies the writes only while the lock is still ours (a fencing check,
 * so a writer that stalled past the lock's expiry cannot overwrite a newer writer's state).
 * Every key of one commit must be a key of the same site (one Cluster slot).
 */

/** Another writer holds the site's lock for longer than we waited. Retryable. */
export class SiteBusyError extends Error {
  override readonly name = "SiteBusyError";
  readonly retryable = true;
}

/** The lock expired before the commit (a stall); nothing was written. Retryable. */
export class LockLostError extends Error {
  override readonly name = "LockLostError";
  readonly retryable = true;
}

export interface SiteLock {
  readonly key: string;
  readonly token: string;
  release(): Promise<void>;
}

export interface LockOptions {
  /** Lock lifetime; a crashed holder blocks the site at most this long. Default 15 s. */
  readonly ttlMs?: number;
  /** How long to wait for a busy lock. Default 10 s. */
  readonly waitMs?: number;
}

const RETRY_MS = 40;

const RELEASE = luaScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0`);

export async function acquireSiteLock(
  redis: Redis,
  key: string,
  options: LockOptions = {},
): Promise<SiteLock> {
  const ttlMs = options.ttlMs ?? 15_000;
  const attempts = Math.max(1, Math.ceil((options.waitMs ?? 10_000) / RETRY_MS));
  const token = randomBytes(16).toString("hex");
  for (let i = 0; i < attempts; i++) {
    if ((await redis.set(key, token, "PX", ttlMs, "NX")) === "OK") {
      return {
        key,
        token,
        release: async () => {
          await runScript(redis, RELEASE, [key], [token]);
        },
      };
    }
    // Jitter so that waiting writers do not retry in lockstep.
    await new Promise((res) => setTimeout(res, RETRY_MS / 2 + Math.random() * RETRY_MS));
  }
  throw new SiteBusyError(`site state is locked by another writer (${key})`);
}

/**
 * A write of the commit: a Redis command with its key(s) and arguments, or `trim`: drop the
 * oldest members of a sorted-set index (older than `before`, or beyond `keep`) and the same
 * members from the hashes/sorted sets listed in `also`.
 */
export type WriteOp =
  | {
      readonly op: "cmd";
      readonly command: string;
      readonly key: string;
      readonly args: readonly (string | number)[];
    }
  | {
      readonly op: "trim";
      readonly index: string;
      readonly before: number;
      readonly keep: number;
      readonly also: readonly string[];
    };

export const cmd = (command: string, key: string, ...args: (string | number)[]): WriteOp => ({
  op: "cmd",
  command,
  key,
  args,
});

const COMMIT = luaScript(`
if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
local ops = cjson.decode(ARGV[2])
for _, op in ipairs(ops) do
  local name = op[1]
  local nk = tonumber(op[2])
  local ks = {}
  for i = 1, nk do ks[i] = KEYS[tonumber(op[2 + i])] end
  if name == '_trim' then
    local before, keep = op[3 + nk], tonumber(op[4 + nk])
    local total = redis.call('ZCARD', ks[1])
    local old = redis.call('ZCOUNT', ks[1], '-inf', '(' .. before)
    local k = math.max(old, total - keep)
    if k > 0 then
      local ids = redis.call('ZRANGE', ks[1], 0, k - 1)
      for i = 1, #ids, 500 do
        local chunk = {}
        for j = i, math.min(i + 499, #ids) do chunk[#chunk + 1] = ids[j] end
        redis.call('ZREM', ks[1], unpack(chunk))
        for x = 2, #ks do
          if redis.call('TYPE', ks[x]).ok == 'hash' then
            redis.call('HDEL', ks[x], unpack(chunk))
          else
            redis.call('ZREM', ks[x], unpack(chunk))
          end
        end
      end
    end
  else
    local all = {}
    for i = 1, nk do all[#all + 1] = ks[i] end
    for i = 3 + nk, #op do all[#all + 1] = op[i] end
    redis.call(name, unpack(all))
  end
end
return 1`);

/** Applies every op atomically if `token` still holds `lockKey`; throws LockLostError if not. */
export async function commitUnderLock(redis: Redis, lock: SiteLock, ops: readonly WriteOp[]): Promise<void> {
  const keys: string[] = [lock.key];
  const index = (key: string): number => {
    const at = keys.indexOf(key);
    if (at >= 0) return at + 1;
    keys.push(key);
    return keys.length;
  };
  const encoded = ops.map((o) =>
    o.op === "cmd"
      ? [o.command, 1, index(o.key), ...o.args.map(String)]
      : ["_trim", 1 + o.also.length, index(o.index), ...o.also.map(index), String(o.before), String(o.keep)],
  );
  if (encoded.length === 0) return;
  const done = await runScript(redis, COMMIT, keys, [lock.token, JSON.stringify(encoded)]);
  if (Number(done) !== 1) throw new LockLostError(`lost the site lock ${lock.key} before committing`);
}
