import { pino, type Logger } from "pino";

export type { Logger };

/**
 * The one logger of a process, made where the app is wired and passed down. Logs go to stderr
 * so that `check --json` keeps stdout for its report. Redaction is a second net: secrets are
 * Secret objects that print as "[redacted]" already.
 */
export function createLogger(opts: { level: string; name?: string }): Logger {
  return pino(
    {
      name: opts.name ?? "nurserywatch",
      level: opts.level,
      redact: { paths: ["password", "*.password", "headers.authorization", "auth"], censor: "[redacted]" },
    },
    pino.destination({ fd: 2, sync: true }),
  );
}
