import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { parseInstant } from "../../domain/zonedTime.ts";
import { EXIT, UsageError } from "../exitCodes.ts";
import { withAccess } from "./access.ts";

/**
 * `nurserywatch audit export`: the site's access audit log (viewing, denials, grants,
 * revocations; never a token) as JSON Lines, oldest first. Also where parents.enabled is false:
 * what was audited stays exportable.
 */
export async function auditExportCommand(opts: {
  config: string;
  from?: string;
  to?: string;
  out?: string;
}): Promise<number> {
  const records = await withAccess(opts.config, false, (access, config) => {
    const tz = config.site.timezone;
    const from =
      opts.from === undefined ? { ok: true as const, ms: 0 } : parseInstant("--from", opts.from, tz);
    if (!from.ok) throw new UsageError(from.message);
    const to =
      opts.to === undefined ? { ok: true as const, ms: Date.now() + 1 } : parseInstant("--to", opts.to, tz);
    if (!to.ok) throw new UsageError(to.message);
    if (!(from.ms < to.ms)) throw new UsageError("--from must be before --to");
    return access.auditRange(config.site.id, from.ms, to.ms);
  });
  const text = records.map((r) => `${JSON.stringify(r)}\n`).join("");
  if (opts.out === undefined) process.stdout.write(text);
  else {
    const out = createWriteStream(opts.out, { mode: 0o600 });
    out.end(text);
    await once(out, "finish");
  }
  return EXIT.compliant;
}
