/**
 * Runs at most `max` tasks at once; the others wait their turn in arrival order. Used on every
 * SOAP request of a session: p-limit chains several promises per task even when nothing waits,
 * this costs none then. A finishing task hands its slot straight to the next waiting one, so a
 * task arriving in between cannot overtake it.
 */
export type Limit = <T>(task: () => Promise<T>) => Promise<T>;

export function createLimit(max: number): Limit {
  const slots = Math.max(1, Math.floor(max) || 1);
  let active = 0;
  const waiting: (() => void)[] = [];
  const release = (): void => {
    const next = waiting.shift();
    if (next) next();
    else active--;
  };
  return async <T>(task: () => Promise<T>): Promise<T> => {
    if (active < slots) active++;
    else await new Promise<void>((resolve) => waiting.push(resolve));
    try {
      return await task();
    } finally {
      release();
    }
  };
}

/**
 * One limit per device, shared by every session a process opens to it: the daemon's poll, probe
 * and retention jobs each open their own session, and a small NVR that allows a few connections
 * must not see three times its maxConcurrency because three jobs happened to overlap.
 */
export function createDeviceLimits(): { readonly for: (key: string, max: number) => Limit } {
  const limits = new Map<string, { max: number; limit: Limit }>();
  return {
    for(key, max) {
      const known = limits.get(key);
      if (known && known.max === max) return known.limit;
      const limit = createLimit(max);
      limits.set(key, { max, limit });
      return limit;
    },
  };
}
