/**
 * The process environment, for the CLI to hand to loadConfig. Only config/ may touch
 * process.env; everything else receives the environment as an argument, so tests pass a
 * plain object and nothing reads variables behind the caller's back.
 */
export function processEnv(): Readonly<Record<string, string | undefined>> {
  return process.env;
}
