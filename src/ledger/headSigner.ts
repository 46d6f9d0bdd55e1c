import type { SignedHead } from "../domain/ledger.ts";
import { LedgerBrokenError, type Ledger } from "./ledger.ts";

export interface HeadSigner {
  /** Signs once now, then every interval. */
  start(): void;
  /** Stops the interval and waits for a signing under way. */
  stop(): Promise<void>;
  signNow(): Promise<SignedHead>;
}

export interface HeadSignerOptions {
  readonly ledger: Ledger;
  readonly intervalMs: number;
  /** Awaited before the next signing (and by stop()). */
  readonly onSigned?: (head: SignedHead) => void | Promise<void>;
  /**
   * A refused signing (the chain does not extend the kept head) is reported here, and checked
   * again at the next interval; without onBroken it goes to onError.
   */
  readonly onBroken?: (error: LedgerBrokenError) => void | Promise<void>;
  /** A failed signing (Redis away) is reported here and tried again at the next interval. */
  readonly onError?: (error: Error) => void;
}

/** Signs the ledger's head at intervals (config ledger.signIntervalSeconds). */
export function createHeadSigner(options: HeadSignerOptions): HeadSigner {
  let timer: NodeJS.Timeout | null = null;
  let running: Promise<void> = Promise.resolve();

  const tick = () => {
    running = running.then(async () => {
      try {
        // Signed first, told after: `onSigned?.(await ...)` would skip the signing itself
        // whenever no onSigned is given (an optional call does not evaluate its arguments).
        const head = await options.ledger.signHead();
        await options.onSigned?.(head);
      } catch (err) {
        try {
          if (err instanceof LedgerBrokenError && options.onBroken) await options.onBroken(err);
          else options.onError?.(err as Error);
        } catch (reportErr) {
          options.onError?.(reportErr as Error);
        }
      }
    });
  };

  return {
    start() {
      if (timer !== null) return;
      tick();
      timer = setInterval(tick, options.intervalMs);
      // The signer alone never keeps the process alive.
      timer.unref();
    },
    async stop() {
      if (timer !== null) clearInterval(timer);
      timer = null;
      await running;
    },
    signNow: () => options.ledger.signHead(),
  };
}
