/**
 * CPU of each phase of ONE cold check, as `nurserywatch check` runs it (config loading, ONVIF
 * polling, rules, report, text): run it on a site of many devices and on one of few, in fresh
 * processes, and the difference says where the per-device cost of the CLI goes (issue 13 §3).
 * OBSERVE=0 checks no device (config loading only). Usage: tsx bench/checkPhases.ts SITE.yaml (prints one JSON line).
 */
import { loadConfig, processEnv } from "../src/config/load.ts";
import { runCheck } from "../src/check/runCheck.ts";
import { buildCheckReport } from "../src/report/checkReport.ts";
import { renderCheckText } from "../src/report/renderText.ts";
import { createLogger } from "../src/logging/logger.ts";
import { createDeviceHttp } from "../src/net/deviceHttp.ts";
const cpu = (): number => {
  const c = process.cpuUsage();
  return (c.user + c.system) / 1000;
};
const t: Record<string, number> = {};
let c = cpu();
const mark = (k: string): void => {
  const n = cpu();
  t[k] = +(n - c).toFixed(1);
  c = n;
};
const config = await loadConfig(process.argv[2]!, processEnv());
mark("loadConfig");
const http = createDeviceHttp();
const logger = createLogger({ level: "info" });
const site = process.env.OBSERVE === "0" ? { ...config.site, devices: [], cameras: [] } : config.site;
// runCheck as the CLI calls it: polling (64 devices at a time) and the rules.
const run = await runCheck(site, { http, now: Date.now, logger });
mark("runCheck");
const report = buildCheckReport(site, run);
mark("report");
const text = renderCheckText(report);
mark("render");
await http.close();
process.stderr.write(`${text.length}\n`);
console.log(JSON.stringify(t));
