/** Exit codes other tools rely on (DESIGN.md §8). */
export const EXIT = {
  compliant: 0,
  violation: 1,
  usage: 2,
  indeterminate: 3,
} as const;

export type Verdict = "compliant" | "violation" | "indeterminate";

export function exitCodeFor(verdict: Verdict): number {
  switch (verdict) {
    case "compliant":
      return EXIT.compliant;
    case "violation":
      return EXIT.violation;
    case "indeterminate":
      return EXIT.indeterminate;
  }
}

/** A usage problem the CLI reports on stderr and exits 2 for. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}
