/**
 * Counts failed logins (a wrong key on POST /login or as a bearer key) per client address and
 * refuses a client that failed `maxFailures` times within `windowSeconds` until that window
 * ends. Only failures count, so a busy scraper or dashboard with a good key is never slowed.
 * In memory, per process, bounded: at most `maxClients` addresses are tracked (the oldest are
 * forgotten first), so a flood of addresses cannot grow it without end.
 */
export interface FailureThrottle {
  /** 0 when the client (its address) may try; else how many seconds until it may try again. */
  retryAfterSeconds(ip: string): number;
  /** Records one failure of the client; true when this one got it refused (once per window). */
  fail(ip: string): boolean;
}

/**
 * Who a failure is counted against: an IPv4 address as it is (also when IPv4-mapped), an IPv6
 * address by its /64 — one host usually holds a whole /64 and could otherwise try from each
 * address of it.
 */
export function clientOf(ip: string): string {
  const mapped = /^::ffff:(\d{1,3}(?:\.\d{1,3}){3})$/i.exec(ip);
  if (mapped?.[1] !== undefined) return mapped[1];
  if (!ip.includes(":")) return ip;
  const bare = ip.replace(/%.*$/, "").toLowerCase();
  const [head = "", tail] = bare.split("::", 2);
  const left = head === "" ? [] : head.split(":");
  const right = tail === undefined || tail === "" ? [] : tail.split(":");
  const groups =
    tail === undefined
      ? left
      : [
          ...left,
          ...Array.from({ length: Math.max(0, 8 - left.length - right.length) }, () => "0"),
          ...right,
        ];
  const prefix = groups.slice(0, 4).map((g) => (Number.parseInt(g, 16) || 0).toString(16));
  return `${prefix.join(":")}::/64`;
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
    retryAfterSeconds(ip) {
      const client = clientOf(ip);
      const now = opts.now();
      const entry = current(client, now);
      if (entry === undefined || entry.failures < opts.maxFailures) return 0;
      return Math.max(1, Math.ceil((entry.since + windowMs - now) / 1000));
    },
    fail(ip) {
      const client = clientOf(ip);
      const now = opts.now();
      const entry = current(client, now);
      if (entry !== undefined) {
        entry.failures++;
        return entry.failures === opts.maxFailures;
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
      return opts.maxFailures <= 1;
    },
  };
}
