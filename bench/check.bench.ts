/**
 * bench:check — what one `check` costs. The simulated devices run in a separate process;
 * this process runs the real check path (config loader, device HTTP client, ONVIF client,
 * rules) and measures its own CPU, wall time and peak RSS, plus the SOAP requests the
 * simulator answered. Two shapes: one NVR with 64 channels, and a fleet of 200 single-camera
 * devices. Target: at most 1 ms of CPU per camera check.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { runCheck } from "../src/check/runCheck.ts";
import { loadConfig } from "../src/config/load.ts";
import { createLogger } from "../src/logging/logger.ts";
import { createDeviceHttp } from "../src/net/deviceHttp.ts";
import { simulatorRequestCount, startSimulatorProcess } from "./simulatorProcess.ts";

const PASSWORD = "bench-password-1";
const TARGET_CPU_MS_PER_CAMERA = 1;

interface Shape {
  readonly name: string;
  readonly devices: number;
  readonly channelsPerDevice: number;
  readonly warmups: number;
  readonly runs: number;
}

const SHAPES: readonly Shape[] = [
  { name: "nvr-64ch", devices: 1, channelsPerDevice: 64, warmups: 3, runs: 20 },
  { name: "fleet-200", devices: 200, channelsPerDevice: 1, warmups: 2, runs: 5 },
];

interface Result {
  readonly shape: string;
  readonly cameras: number;
  readonly checks: number;
  readonly camerasPerSecond: number;
  readonly wallMsPerCheck: number;
  readonly cpuMsPerCamera: number;
  readonly soapRequestsPerCamera: number;
  readonly verdict: string;
  /** Findings of the last check that were not ok, by kind:status:reason (a healthy fleet has none). */
  readonly notOk: Readonly<Record<string, number>>;
}

async function benchShape(shape: Shape, dir: string): Promise<Result> {
  const ids = Array.from({ length: shape.devices }, (_, i) => (shape.devices === 1 ? "nvr1" : `cam${i + 1}`));
  const scenarioFile = join(dir, `${shape.name}.scenario.yaml`);
  writeFileSync(
    scenarioFile,
    stringify({
      name: shape.name,
      devices: ids.map((id) => ({
        id,
        username: "monitor",
        password: PASSWORD,
        streamsPerChannel: shape.channelsPerDevice > 1 ? 3 : 2,
        channels: { count: shape.channelsPerDevice, defaults: { scheduleToken: "Schedule_24x7" } },
      })),
    }),
  );
  const sim = await startSimulatorProcess(scenarioFile);
  try {
    writeFileSync(join(dir, "pw"), `${PASSWORD}\n`, { mode: 0o600 });
    const configFile = join(dir, `${shape.name}.site.yaml`);
    const cameras = ids.flatMap((id, d) =>
      Array.from({ length: shape.channelsPerDevice }, (_, c) => ({
        id: `${id}-ch${c + 1}`,
        device: id,
        profile: `ProfileToken_${c + 1}`,
        zones: [["gate", "room", "nap"][(d * shape.channelsPerDevice + c) % 3]],
      })),
    );
    writeFileSync(
      configFile,
      stringify({
        site: {
          id: shape.name,
          name: shape.name,
          timezone: "Asia/Shanghai",
          commissionedAt: "2024-01-01",
          locale: "en",
        },
        devices: sim.devices.map((d) => ({
          id: d.id,
          kind: shape.channelsPerDevice > 1 ? "nvr" : "camera",
          onvif: d.url,
          username: "monitor",
          passwordFile: "pw",
          timeoutSeconds: 10,
        })),
        zones: [
          { id: "gate", kind: "entrance" },
          { id: "room", kind: "activity" },
          { id: "nap", kind: "living" },
        ],
        cameras,
      }),
    );
    const config = await loadConfig(configFile, {});
    const http = createDeviceHttp();
    const deps = { http, now: Date.now, logger: createLogger({ level: "silent" }) };
    let verdict = "";
    let notOk: Record<string, number> = {};
    const record = (run: Awaited<ReturnType<typeof runCheck>>): void => {
      verdict = run.evaluation.verdict;
      notOk = {};
      for (const f of run.evaluation.findings) {
        if (f.status === "ok" || !f.required) continue;
        const key = `${f.kind}:${f.status}:${f.reason}`;
        notOk[key] = (notOk[key] ?? 0) + 1;
      }
    };
    for (let i = 0; i < shape.warmups; i++) record(await runCheck(config.site, deps));
    const requestsBefore = await simulatorRequestCount(sim.controlUrl);
    const cpuBefore = process.cpuUsage();
    const wallBefore = performance.now();
    for (let i = 0; i < shape.runs; i++) record(await runCheck(config.site, deps));
    const wallMs = performance.now() - wallBefore;
    const cpu = process.cpuUsage(cpuBefore);
    const requests = (await simulatorRequestCount(sim.controlUrl)) - requestsBefore;
    await http.close();
    const cameraChecks = cameras.length * shape.runs;
    return {
      shape: shape.name,
      cameras: cameras.length,
      checks: shape.runs,
      camerasPerSecond: round(cameraChecks / (wallMs / 1000), 0),
      wallMsPerCheck: round(wallMs / shape.runs, 1),
      cpuMsPerCamera: round((cpu.user + cpu.system) / 1000 / cameraChecks, 3),
      soapRequestsPerCamera: round(requests / cameraChecks, 2),
      verdict,
      notOk,
    };
  } finally {
    await sim.stop();
  }
}

const round = (n: number, digits: number): number => Math.round(n * 10 ** digits) / 10 ** digits;

const dir = mkdtempSync(join(tmpdir(), "nw-bench-"));
try {
  const results: Result[] = [];
  for (const shape of SHAPES) results.push(await benchShape(shape, dir));
  const peakRssMb = round(process.resourceUsage().maxRSS / 1024, 1);

  const header = [
    "shape",
    "cameras",
    "checks",
    "cameras/s",
    "wall ms/check",
    "CPU ms/camera",
    "SOAP req/camera",
    "verdict",
  ];
  const rows = results.map((r) => [
    r.shape,
    String(r.cameras),
    String(r.checks),
    String(r.camerasPerSecond),
    String(r.wallMsPerCheck),
    String(r.cpuMsPerCamera),
    String(r.soapRequestsPerCamera),
    r.verdict,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ");
  process.stdout.write(
    `${line(header)}\n${line(widths.map((w) => "-".repeat(w)))}\n${rows.map(line).join("\n")}\n`,
  );
  const worstCpu = Math.max(...results.map((r) => r.cpuMsPerCamera));
  process.stdout.write(
    `\npeak RSS of the checker: ${peakRssMb} MB; worst CPU per camera check ${worstCpu} ms (target <= ${TARGET_CPU_MS_PER_CAMERA} ms): ${worstCpu <= TARGET_CPU_MS_PER_CAMERA ? "met" : "NOT met"}\n`,
  );
  process.stdout.write(
    `${JSON.stringify({ bench: "check", results, peakRssMb, targetCpuMsPerCamera: TARGET_CPU_MS_PER_CAMERA, targetMet: worstCpu <= TARGET_CPU_MS_PER_CAMERA })}\n`,
  );
} finally {
  rmSync(dir, { recursive: true, force: true });
}
