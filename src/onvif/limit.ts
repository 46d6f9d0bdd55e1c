/**
 * Runs at most `max` tasks at once; the others wait their turn in arrival order. Used on every
 * SOAP request of a session: p-limit chains several promises per task even when nothing waits,
 * this costs none then. A finishing task hands its slot straight to the next waiting one, so a
 * task arriving in between cannot overtake it.
 */
export function createLimit(max: number): <T>(task: () => Promise<T>) => Promise<T> {
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
