import { loadConfig, processEnv } from "../../config/load.ts";
import { createPictureProber } from "../../check/pictureProbes.ts";
import { missingProbeFilters } from "../../media/index.ts";
import { runCheck } from "../../check/runCheck.ts";
import { buildCheckReport } from "../../report/checkReport.ts";
import { renderCheckText } from "../../report/renderText.ts";
import { createLogger } from "../../logging/logger.ts";
import { createDeviceHttp } from "../../net/deviceHttp.ts";
import { exitCodeFor } from "../exitCodes.ts";

export interface CheckCommandOptions {
  readonly configFile: string;
  readonly json: boolean;
  readonly logLevel: string;
  /** Look at pictures (ffmpeg); false for `--no-probes`. */
  readonly probes?: boolean;
}

/** `nurserywatch check`: wires config, the device client and the rules for one pass. */
export async function checkCommand(opts: CheckCommandOptions): Promise<number> {
  const config = await loadConfig(opts.configFile, processEnv());
  const logger = createLogger({ level: opts.logLevel });
  // Config warnings are for the person at the terminal: plain lines, not log records.
  for (const warning of config.warnings) process.stderr.write(`nurserywatch: warning: ${warning}\n`);
  const http = createDeviceHttp();
  try {
    const pictures =
      opts.probes === false ? undefined : await createPictureProber({ http, now: Date.now, logger });
    if (pictures) {
      const t = pictures.tools;
      const missing = missingProbeFilters(t);
      const line =
        `pictures: ffmpeg ${t.ffmpeg.version} (${t.ffmpeg.source}: ${t.ffmpeg.path}), ` +
        `ffprobe ${t.ffprobe.version} (${t.ffprobe.source}: ${t.ffprobe.path}), ` +
        (missing.length === 0 ? "filters ok" : `MISSING filters: ${missing.join(", ")}`);
      // Which binaries look at the pictures matters to whoever reads the report: say it up front
      // (stderr, so --json output stays clean), and loudly when the fallback or a gap is in use.
      if (missing.length > 0 || t.ffmpeg.source !== "system") logger.warn({ tools: t }, line);
      if (!opts.json) process.stderr.write(`nurserywatch: ${line}\n`);
    }
    const run = await runCheck(config.site, {
      http,
      now: Date.now,
      logger,
      ...(pictures ? { pictures } : {}),
    });
    const report = buildCheckReport(config.site, run);
    process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : renderCheckText(report));
    return exitCodeFor(report.verdict);
  } finally {
    await http.close();
  }
}
