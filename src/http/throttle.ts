/**
 * Counts failed logins (a wrong key on POST /login or as a bearer key) per client address and
 * refuses a client that failed `maxFailures` times within `windowSeconds` until that window
 * ends. Only failures count, so a busy scraper or dashboard with a good key is never slowed.
 * In memory, per process, bounded: at most `maxClients` addresses are tracked (the oldest are
 * forgotten first), so a flood of addresses cannot grow it without end.
 */
export interface FailureThrottle {
  /** 0 when the client may try; else how many seconds until it may try again. */
  retryAfterSeconds(client: string): number;
  /** Records one failure of the client. */
  fail(client: string): void;
}

export interface ThrottleOptions {
  readonly maxFailures: number;
  readonly windowSeconds: number;
  readonly maxClients?: number;
  readonly now: () => number;
}

export function createFailureThrottle(opts: ThrottleOptions): FailureThrottle {
  const windowMs = opts.windowSeconds * 1000;
  const maxClients = opts.maxClients ?? 10_000;
  /** client → failures in the window that started at `since` (insertion order: oldest first). */
  const clients = new Map<string, { since: number; failures: number }>();

  const current = (client: string, now: number) => {
    const entry = clients.get(client);
    if (entry === undefined) return undefined;
    if (now - entry.since >= windowMs) {
      clients.delete(client);
      return undefined;
    }
    return entry;
  };

  return {
    retryAfterSeconds(client) {
      const now = opts.now();
      const entry = current(client, now);
      if (entry === undefined || entry.failures < opts.maxFailures) return 0;
      return Math.max(1, Math.ceil((entry.since + windowMs - now) / 1000));
    },
    fail(client) {
      const now = opts.now();
      const entry = current(client, now);
      if (entry !== undefined) {
        entry.failures++;
        return;
      }
      if (clients.size >= maxClients) {
        for (const [k, v] of clients) if (now - v.since >= windowMs) clients.delete(k);
        while (clients.size >= maxClients) {
          const oldest = clients.keys().next();
          if (oldest.done === true) break;
          clients.delete(oldest.value);
        }
      }
      clients.set(client, { since: now, failures: 1 });
    },
  };
}
