/**
 * bench:probe — what one camera's picture probe costs inside `check`, against decoding the
 * frames it needs.
 *
 * Cameras are served by GStreamer's RTSP server (gst-rtsp-server, test/fixtures/gst/rtspServer.py,
 * one x264 encode per client, a moving picture). A camera's cost is measured as issue 13 did:
 * a fresh process runs the check's probe path (bench/probeWorker.ts) on 9 cameras of one stream,
 * another on 1, and the difference over 8 is the marginal CPU of one camera, ffmpeg children
 * included (start-up cancels out). The reference is plain decoding of the same span of the same
 * stream, `ffmpeg -rtsp_transport tcp -i URL -t <span> -f null -`, 8 runs at once, per run.
 *
 * CPU is read from this process's cutime + cstime (/proc/self/stat): CPU of descendants that have
 * exited and been reaped, which holds the worker and, through it, its ffmpeg children. The
 * GStreamer server is reaped only at the end, so it is not counted.
 *
 * Target: a camera's probe costs at most 1.2x decoding the frames it needs. Capacity: cameras one
 * 2-core machine can probe every 5 minutes with half its CPU kept free.
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { loadavg } from "node:os";
import { fileURLToPath } from "node:url";
import { startGstRtspServer } from "../scripts/gstRtspServer.ts";

const TARGET_RATIO = 1.2;
const CORES = 2;
const PERIOD_S = 300;
const HEADROOM = 0.5;
const CLK_TCK = 100; // getconf CLK_TCK on Linux
const CAMERAS = 9;
const ROUNDS = 5;
/** Stream time a probe samples: two 2 s windows and half a sample interval (probeStream's trim). */
const SPAN_S = 4.125;
const WORKER = fileURLToPath(new URL("./probeWorker.ts", import.meta.url));

interface Shape {
  readonly name: string;
  readonly width: number;
  readonly height: number;
  readonly fps: number;
}

const SHAPES: readonly Shape[] = [
  { name: "640x360 15 fps", width: 640, height: 360, fps: 15 },
  { name: "1280x720 25 fps", width: 1280, height: 720, fps: 25 },
];

/** CPU seconds of reaped descendants (cutime + cstime). */
function reapedCpuSeconds(): number {
  const stat = readFileSync("/proc/self/stat", "utf8");
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  // After "pid (comm) ": state is field 3; cutime and cstime are fields 16 and 17.
  return (Number(fields[16 - 3]) + Number(fields[17 - 3])) / CLK_TCK;
}

/** Runs a command to its end and returns its stdout and the CPU it and its descendants used. */
async function cpuOf(cmd: string, args: readonly string[]): Promise<{ cpu: number; stdout: string }> {
  const before = reapedCpuSeconds();
  const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "inherit"] });
  let stdout = "";
  child.stdout.on("data", (c: Buffer) => (stdout += c.toString()));
  const code = await new Promise<number | null>((resolve) => child.once("close", resolve));
  if (code !== 0) throw new Error(`${cmd} ${args.join(" ")} exited with ${code}`);
  return { cpu: reapedCpuSeconds() - before, stdout };
}

interface WorkerReport {
  readonly cameras: number;
  readonly ok: number;
  readonly failures: readonly string[];
  readonly nodeCpuS: number;
}

async function checkProbes(url: string, cameras: number): Promise<{ cpu: number; report: WorkerReport }> {
  const { cpu, stdout } = await cpuOf(process.execPath, ["--import", "tsx", WORKER, url, String(cameras)]);
  return { cpu, report: JSON.parse(stdout.trim().split("\n").pop()!) as WorkerReport };
}

/** Plain decoding of the probe's span, `runs` at once (as the extra cameras run): CPU per run. */
async function plainDecode(url: string, runs: number): Promise<number> {
  const args = ["-hide_banner", "-nostdin", "-loglevel", "error", "-rtsp_transport", "tcp"];
  const before = reapedCpuSeconds();
  await Promise.all(
    Array.from({ length: runs }, () =>
      cpuOf("/usr/bin/ffmpeg", [...args, "-i", url, "-t", String(SPAN_S), "-f", "null", "-"]),
    ),
  );
  return (reapedCpuSeconds() - before) / runs;
}

const median = (xs: readonly number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
};
const round = (n: number, digits = 3): number => Math.round(n * 10 ** digits) / 10 ** digits;

interface Result {
  readonly shape: string;
  readonly rounds: number;
  readonly marginalCpuS: readonly number[];
  readonly decodeCpuS: readonly number[];
  readonly cpuSPerCamera: number;
  /** Of which in the node process (frames, measurements, spawning); the rest is ffmpeg. */
  readonly nodeCpuSPerCamera: number;
  readonly decodeCpuSPerCamera: number;
  readonly ratio: number;
  readonly probesOk: string;
  readonly failures: readonly string[];
  readonly camerasPer5MinAt50: number;
}

async function benchShape(shape: Shape): Promise<Result> {
  const server = await startGstRtspServer({ width: shape.width, height: shape.height, fps: shape.fps });
  try {
    const url = server.url("moving");
    const marginal: number[] = [];
    const nodeMarginal: number[] = [];
    const decode: number[] = [];
    let ok = 0;
    let total = 0;
    const failures: string[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      const one = await checkProbes(url, 1);
      const many = await checkProbes(url, CAMERAS);
      marginal.push((many.cpu - one.cpu) / (CAMERAS - 1));
      nodeMarginal.push((many.report.nodeCpuS - one.report.nodeCpuS) / (CAMERAS - 1));
      decode.push(await plainDecode(url, CAMERAS - 1));
      for (const run of [one, many]) {
        ok += run.report.ok;
        total += run.report.cameras;
        failures.push(...run.report.failures);
      }
    }
    const perCamera = median(marginal);
    const perDecode = median(decode);
    return {
      shape: shape.name,
      rounds: ROUNDS,
      marginalCpuS: marginal.map((x) => round(x)),
      decodeCpuS: decode.map((x) => round(x)),
      cpuSPerCamera: round(perCamera),
      nodeCpuSPerCamera: round(median(nodeMarginal)),
      decodeCpuSPerCamera: round(perDecode),
      ratio: round(perCamera / perDecode, 2),
      probesOk: `${ok}/${total}`,
      failures,
      camerasPer5MinAt50: Math.floor((CORES * PERIOD_S * HEADROOM) / perCamera),
    };
  } finally {
    await server.stop();
  }
}

const loadBefore = loadavg()[0]!;
const results: Result[] = [];
for (const shape of SHAPES) results.push(await benchShape(shape));
const loadAfter = loadavg()[0]!;

const header = [
  "stream",
  "probes ok",
  "CPU s/camera in check",
  "rounds",
  "of which node",
  "plain decode s",
  "ratio",
  `<= ${TARGET_RATIO}`,
  "cameras/5 min @50% of 2 cores",
];
const rows = results.map((r) => [
  r.shape,
  r.probesOk,
  String(r.cpuSPerCamera),
  r.marginalCpuS.join(" "),
  String(r.nodeCpuSPerCamera),
  String(r.decodeCpuSPerCamera),
  String(r.ratio),
  r.ratio <= TARGET_RATIO ? "yes" : "no",
  String(r.camerasPer5MinAt50),
]);
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
const line = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join("  ");
process.stdout.write(
  `${line(header)}\n${line(widths.map((w) => "-".repeat(w)))}\n${rows.map(line).join("\n")}\n`,
);
for (const r of results) for (const f of r.failures) process.stdout.write(`${r.shape}: ${f}\n`);
const worst = Math.max(...results.map((r) => r.ratio));
const met = worst <= TARGET_RATIO;
process.stdout.write(
  `\nCPU per camera = (check probes of ${CAMERAS} cameras - of 1) / ${CAMERAS - 1}, median of ${ROUNDS}; plain decode = ffmpeg -t ${SPAN_S} -f null, per run.\n` +
    `load average ${loadBefore.toFixed(2)} before, ${loadAfter.toFixed(2)} after. Worst ratio ${worst} (target <= ${TARGET_RATIO}): ${met ? "met" : "NOT met"}\n`,
);
process.stdout.write(
  `${JSON.stringify({ bench: "probe", cameras: CAMERAS, rounds: ROUNDS, spanSeconds: SPAN_S, loadAverage: [round(loadBefore, 2), round(loadAfter, 2)], results, targetRatio: TARGET_RATIO, targetMet: met })}\n`,
);
