import { createHash } from "node:crypto";
import type { Redis } from "ioredis";

/** A Lua script run by its SHA (EVALSHA), loaded on first use or after a Redis restart. */
export interface LuaScript {
  readonly lua: string;
  readonly sha: string;
}

export const luaScript = (lua: string): LuaScript => ({
  lua,
  sha: createHash("sha1").update(lua).digest("hex"),
});

export async function runScript(
  redis: Redis,
  script: LuaScript,
  keys: readonly string[],
  args: readonly (string | number)[],
): Promise<unknown> {
  try {
    return await redis.evalsha(script.sha, keys.length, ...keys, ...args);
  } catch (err) {
    if (!String((err as Error).message).includes("NOSCRIPT")) throw err;
    return redis.eval(script.lua, keys.length, ...keys, ...args);
  }
}
