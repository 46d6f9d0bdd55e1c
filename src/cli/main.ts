import { Command, CommanderError, Option } from "commander";
import { ConfigError } from "../config/errors.ts";
import { EXIT, UsageError } from "./exitCodes.ts";
import { checkCommand } from "./commands/check.ts";
import { demoCommand } from "./commands/demo.ts";
import { describeCommand } from "./commands/describe.ts";
import { discoverCommand } from "./commands/discover.ts";
import { keyNewCommand } from "./commands/key.ts";
import {
  maintenanceAddCommand,
  maintenanceEndCommand,
  maintenanceListCommand,
} from "./commands/maintenance.ts";
import {
  ledgerExportCommand,
  ledgerNewChainCommand,
  ledgerPublicKeyCommand,
  ledgerVerifyCommand,
} from "./commands/ledger.ts";
import { presetsCommand } from "./commands/presets.ts";
import { referenceCommand } from "./commands/reference.ts";
import { simulateCommand } from "./commands/simulate.ts";
import { startCommand, workerCommand } from "./commands/start.ts";

/** A fresh option per command: commander's Option is mutable, so one instance must not be shared. */
const logLevelOption = (level = "warn"): Option =>
  new Option("--log-level <level>", "log level on stderr")
    .choices(["fatal", "error", "warn", "info", "debug", "trace", "silent"])
    .default(level);

function buildProgram(setExit: (code: number) => void): Command {
  const program = new Command("nurserywatch")
    .description("Proves a nursery's video surveillance meets the rules, over ONVIF.")
    .exitOverride()
    .showHelpAfterError();

  program
    .command("check")
    .description(
      "poll every device once, evaluate every rule, print a report (exit 0 compliant, 1 violation, 3 indeterminate, 2 usage/config error)",
    )
    .requiredOption("-c, --config <file>", "site configuration (YAML)")
    .option("--json", "print the report as JSON")
    .option(
      "--no-probes",
      "skip the picture probes (ffmpeg): black, frozen, turned away, stream side of offline",
    )
    .addOption(logLevelOption())
    .action(async (opts: { config: string; json?: boolean; logLevel: string; probes: boolean }) => {
      setExit(
        await checkCommand({
          configFile: opts.config,
          json: opts.json === true,
          logLevel: opts.logLevel,
          probes: opts.probes,
        }),
      );
    });

  const collect = (value: string, previous: string[]): string[] => [...previous, value];
  program
    .command("start")
    .description(
      "run the monitor: scheduler, workers, API and dashboard (one site file, several, or a folder of them)",
    )
    .requiredOption(
      "-c, --config <file-or-folder>",
      "site configuration; repeat for a district deployment",
      collect,
      [],
    )
    .option(
      "--no-probes",
      "do not look at pictures (no ffmpeg): picture findings are left out of the verdict",
    )
    .addOption(logLevelOption("info"))
    .action(async (opts: { config: string[]; logLevel: string; probes: boolean }) => {
      setExit(await startCommand(opts));
    });

  program
    .command("worker")
    .description("run only the poll workers against the same Redis, to add capacity on another host")
    .requiredOption("-c, --config <file-or-folder>", "the same site configuration(s) as `start`", collect, [])
    .option("--no-probes", "run no picture probes in this process (no ffmpeg)")
    .addOption(logLevelOption("info"))
    .action(async (opts: { config: string[]; logLevel: string; probes: boolean }) => {
      setExit(await workerCommand(opts));
    });

  program
    .command("describe")
    .description(
      "print a device's services, profiles, stream URIs, recordings and jobs, to help fill in the config",
    )
    .requiredOption("--onvif <url>", "device service URL, e.g. http://10.0.0.5/onvif/device_service")
    .requiredOption("--username <user>", "ONVIF user")
    .option("--password-env <var>", "environment variable holding the password")
    .option("--password-file <file>", "file holding the password")
    .option("--timeout <seconds>", "deadline for each request", "10")
    .option("--json", "print JSON")
    .addOption(logLevelOption())
    .action(
      async (opts: {
        onvif: string;
        username: string;
        passwordEnv?: string;
        passwordFile?: string;
        timeout: string;
        json?: boolean;
        logLevel: string;
      }) => {
        setExit(await describeCommand(opts));
      },
    );

  program
    .command("reference")
    .description("capture a camera's current view as its approved reference (for view_changed)")
    .requiredOption("-c, --config <file>", "site configuration (YAML)")
    .requiredOption("--camera <id>", "the camera")
    .option("-o, --out <file>", "where to write it (default: the camera's referenceImage)")
    .addOption(logLevelOption())
    .action(async (opts: { config: string; camera: string; out?: string; logLevel: string }) => {
      setExit(await referenceCommand(opts));
    });

  program
    .command("discover")
    .description("list ONVIF devices on the local network (WS-Discovery multicast)")
    .option("--wait <ms>", "how long to listen for answers", "3000")
    .option("--json", "print JSON")
    .action(async (opts: { wait: string; json?: boolean }) => {
      setExit(await discoverCommand({ waitMs: Number(opts.wait), json: opts.json === true }));
    });

  program
    .command("simulate")
    .description("run the simulated NVR(s) of a scenario until stopped")
    .option("--scenario <file>", "scenario YAML (default: the built-in demo nursery on port 18000)")
    .option("--json", "print one JSON line with the device URLs once listening")
    .addOption(logLevelOption())
    .action(async (opts: { scenario?: string; logLevel: string; json?: boolean }) => {
      setExit(await simulateCommand(opts));
    });

  program
    .command("demo")
    .description("start the built-in simulated nursery and the monitor on it (dashboard on 127.0.0.1:8080)")
    .option("--check", "check the simulated nursery once instead, print the report and exit")
    .option("--json", "with --check: print the report as JSON")
    .action(async (opts: { json?: boolean; check?: boolean }) => {
      setExit(await demoCommand({ json: opts.json === true, check: opts.check === true }));
    });

  const ledger = program.command("ledger").description("the monitor's signed, hash-chained event ledger");
  ledger
    .command("export")
    .description("write the ledger as JSON Lines with the signed chain heads")
    .requiredOption("-c, --config <file>", "site configuration (YAML)")
    .option("-o, --out <file>", "write to a file instead of stdout")
    .action(async (opts: { config: string; out?: string }) => {
      setExit(await ledgerExportCommand({ configFile: opts.config, ...(opts.out ? { out: opts.out } : {}) }));
    });
  ledger
    .command("verify")
    .description("check an exported ledger: edited, removed, reordered or truncated history fails (exit 1)")
    .argument("<file>", "an export made by `ledger export`")
    .option("--public-key <file>", "the monitor's public key (PEM) to require")
    .option(
      "--head <file>",
      "signed heads the history must contain (the monitor's kept head file, heads from heartbeats); repeatable",
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option("--json", "print the result as JSON")
    .action(async (file: string, opts: { publicKey?: string; head?: string[]; json?: boolean }) => {
      setExit(
        await ledgerVerifyCommand({
          file,
          ...(opts.publicKey ? { publicKey: opts.publicKey } : {}),
          heads: opts.head ?? [],
          json: opts.json === true,
        }),
      );
    });
  ledger
    .command("new-chain")
    .description(
      "knowingly start a new chain when the ledger no longer extends the last signed head (archives the kept head, records why)",
    )
    .requiredOption("-c, --config <file>", "site configuration (YAML)")
    .requiredOption(
      "--reason <text>",
      'why, recorded in the ledger (e.g. "Redis lost its data on 2026-12-07")',
    )
    .action(async (opts: { config: string; reason: string }) => {
      setExit(await ledgerNewChainCommand({ configFile: opts.config, reason: opts.reason }));
    });
  ledger
    .command("public-key")
    .description("print the monitor's public key, for regulators")
    .requiredOption("-c, --config <file>", "site configuration (YAML)")
    .action(async (opts: { config: string }) => {
      setExit(await ledgerPublicKeyCommand({ configFile: opts.config }));
    });

  const maintenance = program
    .command("maintenance")
    .description("maintenance windows: findings inside one are recorded and marked, not alerted");
  maintenance
    .command("add")
    .description("declare a window (recorded in the ledger)")
    .requiredOption("-c, --config <file>", "site configuration (YAML)")
    .option(
      "--from <time>",
      "start (default now); ISO date or date-time, in the site's time zone unless it has an offset",
    )
    .requiredOption("--to <time>", "end")
    .requiredOption("--reason <text>", "why (regulators read it)")
    .option(
      "--subject <type:id>",
      "what it covers, e.g. camera:cam-gate; repeat; none = the whole site",
      collect,
      [],
    )
    .option("--by <name>", "who declares it", "cli")
    .action(
      async (opts: {
        config: string;
        from?: string;
        to: string;
        reason: string;
        subject: string[];
        by: string;
      }) => {
        setExit(await maintenanceAddCommand(opts));
      },
    );
  maintenance
    .command("list")
    .description("the site's active windows (--all: every one)")
    .requiredOption("-c, --config <file>", "site configuration (YAML)")
    .option("--all", "include ended windows")
    .action(async (opts: { config: string; all?: boolean }) => {
      setExit(await maintenanceListCommand(opts));
    });
  maintenance
    .command("end")
    .description("end a window now")
    .argument("<id>", "the window's id (from list)")
    .requiredOption("-c, --config <file>", "site configuration (YAML)")
    .option("--by <name>", "who ends it", "cli")
    .action(async (id: string, opts: { config: string; by: string }) => {
      setExit(await maintenanceEndCommand({ id, ...opts }));
    });

  program
    .command("presets")
    .description("list the policy presets (policy.preset): each one's cited source and the values it sets")
    .option("--json", "print them as JSON")
    .action((opts: { json?: boolean }) => {
      setExit(presetsCommand({ json: opts.json === true }));
    });

  const key = program.command("key").description("API keys");
  key
    .command("new")
    .description("print a new strong API key and the SHA-256 hash to put in http.apiKeys")
    .action(() => {
      setExit(keyNewCommand());
    });

  return program;
}

async function main(argv: readonly string[]): Promise<number> {
  let code: number = EXIT.compliant;
  const program = buildProgram((c) => {
    code = c;
  });
  try {
    await program.parseAsync(argv);
    return code;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version end here too, with exit code 0.
      return err.exitCode === 0 ? 0 : EXIT.usage;
    }
    if (err instanceof ConfigError || err instanceof UsageError) {
      process.stderr.write(`nurserywatch: ${err.message}\n`);
      return EXIT.usage;
    }
    throw err;
  }
}

process.exitCode = await main(process.argv);
