import type { Family } from "../../domain/family.ts";
import { EXIT, UsageError } from "../exitCodes.ts";
import { commaList, withAccess } from "./access.ts";

const describeFamily = (f: Family): string =>
  `${f.id}  "${f.name}"  zones: ${f.zones.join(",") || "-"}  cameras: ${f.cameras.join(",") || "-"}  windows: ${f.windows.join("; ") || "the site's"}  max sessions: ${f.maxSessions}`;

/** `nurserywatch family add`: creates a family or replaces its grant (a ledger event). */
export async function familyAddCommand(opts: {
  config: string;
  id: string;
  name: string;
  zones?: string;
  cameras?: string;
  windows: string[];
  maxSessions?: string;
  by: string;
}): Promise<number> {
  let maxSessions: number | undefined;
  if (opts.maxSessions !== undefined) {
    maxSessions = Number(opts.maxSessions);
    if (!Number.isInteger(maxSessions))
      throw new UsageError(`--max-sessions ${opts.maxSessions}: a whole number`);
  }
  const family = await withAccess(opts.config, true, (access, config) =>
    access.putFamily(
      config.site.id,
      {
        id: opts.id,
        name: opts.name,
        zones: commaList(opts.zones),
        cameras: commaList(opts.cameras),
        windows: opts.windows,
        ...(maxSessions === undefined ? {} : { maxSessions }),
      },
      opts.by,
    ),
  );
  process.stdout.write(`granted ${describeFamily(family)}\n`);
  return EXIT.compliant;
}

export async function familyListCommand(opts: { config: string; json?: boolean }): Promise<number> {
  const families = await withAccess(opts.config, true, (access, config) =>
    access.listFamilies(config.site.id),
  );
  if (opts.json === true) process.stdout.write(`${JSON.stringify(families, null, 2)}\n`);
  else
    process.stdout.write(
      families.length === 0 ? "no families\n" : `${families.map(describeFamily).join("\n")}\n`,
    );
  return EXIT.compliant;
}

/** `nurserywatch family remove ID`: the family, its tokens and its sessions go at once. */
export async function familyRemoveCommand(opts: { config: string; id: string; by: string }): Promise<number> {
  await withAccess(opts.config, true, (access, config) =>
    access.removeFamily(config.site.id, opts.id, opts.by),
  );
  process.stdout.write(`removed family ${opts.id} (its links no longer work)\n`);
  return EXIT.compliant;
}
