import type { Command } from "commander";
import { auditExportCommand } from "./commands/audit.ts";
import { familyAddCommand, familyListCommand, familyRemoveCommand } from "./commands/family.ts";
import { tokenIssueCommand, tokenRevokeCommand } from "./commands/token.ts";

const repeat = (value: string, previous: string[]): string[] => [...previous, value];

/** `family`, `token` and `audit`: parents' access (DESIGN.md §6), kept apart from main.ts's other commands. */
export function registerAccessCommands(program: Command, setExit: (code: number) => void): void {
  const family = program
    .command("family")
    .description("families and what they may watch (refused where parents.enabled is false)");
  family
    .command("add")
    .description("create a family or replace its grant (recorded in the ledger)")
    .requiredOption("-c, --config <file>", "site configuration (YAML)")
    .requiredOption("--id <id>", "the family's id")
    .requiredOption("--name <name>", "the family's name")
    .option("--zones <a,b>", "zones it may watch (never a private one)")
    .option("--cameras <c,d>", "cameras it may watch (never one that sees a private zone)")
    .option(
      "--windows <window>",
      'viewing window in the site\'s time zone, e.g. "Mon-Fri 08:00-17:30"; repeat; inside parents.windows (default: those)',
      repeat,
      [],
    )
    .option("--max-sessions <n>", "concurrent sessions (default and most: parents.maxSessionsPerFamily)")
    .option("--by <name>", "who grants it", "cli")
    .action(async (opts: Parameters<typeof familyAddCommand>[0]) => {
      setExit(await familyAddCommand(opts));
    });
  family
    .command("list")
    .description("the site's families and their grants")
    .requiredOption("-c, --config <file>", "site configuration (YAML)")
    .option("--json", "as JSON")
    .action(async (opts: { config: string; json?: boolean }) => {
      setExit(await familyListCommand(opts));
    });
  family
    .command("remove")
    .description("remove a family: its links and sessions stop at once")
    .argument("<id>", "the family's id")
    .requiredOption("-c, --config <file>", "site configuration (YAML)")
    .option("--by <name>", "who removes it", "cli")
    .action(async (id: string, opts: { config: string; by: string }) => {
      setExit(await familyRemoveCommand({ id, ...opts }));
    });

  const token = program.command("token").description("parents' access tokens (links and QR codes)");
  token
    .command("issue")
    .description("issue a link for a family; printed once, only its hash is kept")
    .requiredOption("-c, --config <file>", "site configuration (YAML)")
    .requiredOption("--family <id>", "the family")
    .option("--expires <lifetime>", "lifetime: 30d, 12h, 2w (at most 400d)", "30d")
    .option("--json", "print {url, tokenId, familyId, expiresAt}")
    .option("--qr-png <file>", "also write the link as a QR code (PNG)")
    .option("--qr-svg <file>", "also write the link as a QR code (SVG)")
    .option("--by <name>", "who issues it", "cli")
    .action(async (opts: Parameters<typeof tokenIssueCommand>[0]) => {
      setExit(await tokenIssueCommand(opts));
    });
  token
    .command("revoke")
    .description("revoke one token (--token-id) or every token and session of a family (--family)")
    .requiredOption("-c, --config <file>", "site configuration (YAML)")
    .option("--token-id <id>", "the token's id (from issue)")
    .option("--family <id>", "the family")
    .option("--by <name>", "who revokes it", "cli")
    .action(async (opts: { config: string; tokenId?: string; family?: string; by: string }) => {
      setExit(await tokenRevokeCommand(opts));
    });

  const audit = program.command("audit").description("the audit log of parents' viewing and access changes");
  audit
    .command("export")
    .description("as JSON Lines, oldest first (never a token)")
    .requiredOption("-c, --config <file>", "site configuration (YAML)")
    .option("--from <time>", "ISO date or date-time, in the site's time zone unless it has an offset")
    .option("--to <time>", "end (exclusive; default now)")
    .option("-o, --out <file>", "write to a file instead of stdout")
    .action(async (opts: { config: string; from?: string; to?: string; out?: string }) => {
      setExit(await auditExportCommand(opts));
    });
}
