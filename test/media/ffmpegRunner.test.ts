import { afterAll, describe, expect, it } from "vitest";
import pLimit from "p-limit";
import { createMediaRunner, type FfmpegJob } from "../../src/media/ffmpegRunner.ts";
import { closedPort } from "../net/servers.ts";
import { childProcesses, ffmpegCli, processExists, recordingRunner, systemTools } from "./helpers/media.ts";

/** A live-paced endless source: ffmpeg runs until something stops it. */
const endless = (extra: readonly string[] = []): Omit<FfmpegJob, "deadlineMs"> => ({
  input: { url: "testsrc2=s=64x36:r=10" },
  inputOptions: ["-loglevel", "error", "-re", "-f", "lavfi", ...extra],
  outputOptions: ["-f", "rawvideo", "-pix_fmt", "gray"],
});

afterAll(() => {
  expect(childProcesses("ffmpeg")).toEqual([]);
});

describe("runFfmpeg", () => {
  it("streams stdout to the consumer and reports a clean exit", async () => {
    const { runner } = await recordingRunner();
    let bytes = 0;
    const run = await runner.runFfmpeg({
      input: { url: "color=c=gray:s=32x18:r=5:d=1" },
      inputOptions: ["-loglevel", "error", "-f", "lavfi"],
      outputOptions: ["-pix_fmt", "gray", "-f", "rawvideo"],
      deadlineMs: 10_000,
      onStdout: (c) => (bytes += c.length),
    });
    expect(run).toMatchObject({ end: "exit", exitCode: 0, exitSignal: null });
    expect(bytes).toBe(5 * 32 * 18);
    expect(run.stdout.length).toBe(0);
  });

  it("feeds stdin and collects stdout when no consumer is given", async () => {
    const { runner } = await recordingRunner();
    const png = await ffmpegCli([
      "-f",
      "lavfi",
      "-i",
      "color=c=white:s=16x16",
      "-frames:v",
      "1",
      "-f",
      "image2pipe",
      "-c:v",
      "png",
      "pipe:1",
    ]);
    const run = await runner.runFfmpeg({
      input: { stdin: png },
      inputOptions: ["-loglevel", "error"],
      outputOptions: ["-pix_fmt", "gray", "-f", "rawvideo"],
      deadlineMs: 10_000,
    });
    expect(run.end).toBe("exit");
    expect(run.stdout.length).toBe(256);
    expect(run.stdout.every((v) => v === 255)).toBe(true);
  });

  it("kills the process at its deadline and settles only once it is gone", async () => {
    const { runner, pids } = await recordingRunner();
    const t0 = performance.now();
    const run = await runner.runFfmpeg({ ...endless(), deadlineMs: 700 });
    const took = performance.now() - t0;
    expect(run.end).toBe("deadline");
    expect(run.exitSignal).toBe("SIGKILL");
    expect(took).toBeGreaterThanOrEqual(650);
    expect(took).toBeLessThan(3000);
    expect(pids).toHaveLength(1);
    expect(processExists(pids[0]!)).toBe(false); // reaped, not a zombie
  });

  it("kills the process when the caller aborts, and never starts one for an aborted signal", async () => {
    const { runner, pids } = await recordingRunner();
    const ctl = new AbortController();
    const pending = runner.runFfmpeg({
      ...endless(),
      deadlineMs: 30_000,
      signal: ctl.signal,
      onStdout: () => ctl.abort(),
    });
    const run = await pending;
    expect(run.end).toBe("aborted");
    expect(processExists(pids[0]!)).toBe(false);
    const again = await runner.runFfmpeg({ ...endless(), deadlineMs: 30_000, signal: ctl.signal });
    expect(again).toMatchObject({ end: "aborted", pid: null });
    expect(pids).toHaveLength(1);
  });

  it("kills a process that writes more than it may", async () => {
    const { runner } = await recordingRunner();
    const run = await runner.runFfmpeg({
      ...endless(["-t", "30"]),
      inputOptions: ["-loglevel", "error", "-f", "lavfi"],
      deadlineMs: 10_000,
      maxStdoutBytes: 10_000,
    });
    expect(run.end).toBe("stdout_overflow");
    expect(run.stdout.length).toBeLessThanOrEqual(10_000);
  });

  it("runs at most `limit` processes at once, queueing the rest", async () => {
    const tools = await systemTools();
    let live = 0;
    let peak = 0;
    const runner = createMediaRunner({
      ffmpegPath: tools.ffmpeg.path,
      ffprobePath: tools.ffprobe.path,
      limit: pLimit(2),
      onProcess: (e) => {
        live += e.state === "started" ? 1 : -1;
        peak = Math.max(peak, live);
      },
    });
    const job: FfmpegJob = {
      input: { url: "color=c=gray:s=16x16:r=10:d=0.5" },
      inputOptions: ["-loglevel", "error", "-re", "-f", "lavfi"],
      outputOptions: ["-f", "rawvideo"],
      deadlineMs: 10_000,
    };
    const runs = await Promise.all(Array.from({ length: 5 }, () => runner.runFfmpeg(job)));
    expect(runs.map((r) => r.end)).toEqual(["exit", "exit", "exit", "exit", "exit"]);
    expect(peak).toBe(2);
    expect(live).toBe(0);
  });

  it("reports a binary that cannot be started", async () => {
    const tools = await systemTools();
    const runner = createMediaRunner({
      ffmpegPath: "/nonexistent/ffmpeg",
      ffprobePath: tools.ffprobe.path,
      limit: pLimit(1),
    });
    const run = await runner.runFfmpeg({ ...endless(), deadlineMs: 5000 });
    expect(run.end).toBe("spawn_error");
  });

  it("never lets a password from the input URL out: stderr, lines, logs", async () => {
    const { runner, logs } = await recordingRunner();
    const password = "Sup3r:S3cret@/x";
    const port = await closedPort();
    const lines: string[] = [];
    const url = `rtsp://admin:${encodeURIComponent(password)}@127.0.0.1:${port}/Streaming/101`;
    const run = await runner.runFfmpeg({
      input: { url },
      inputOptions: ["-loglevel", "debug", "-rtsp_transport", "tcp"],
      outputOptions: ["-f", "null"],
      deadlineMs: 10_000,
      secrets: [password, encodeURIComponent(password)],
      onStderrLine: (l) => lines.push(l),
    });
    expect(run.end).toBe("exit");
    expect(run.exitCode).not.toBe(0);
    // ffmpeg did repeat the URL: the redacted form is there, the password is not.
    expect(run.stderrTail).toContain("rtsp://admin:***@127.0.0.1");
    const everything = [run.stderrTail, ...lines, ...logs].join("\n");
    expect(everything).not.toContain(password);
    expect(everything).not.toContain(encodeURIComponent(password));
    expect(everything).not.toContain("S3cret");
  });
});

describe("runFfprobe", () => {
  it("runs ffprobe with plain arguments under the same rules", async () => {
    const { runner } = await recordingRunner();
    const run = await runner.runFfprobe({
      args: [
        "-v",
        "error",
        "-f",
        "lavfi",
        "-show_entries",
        "stream=width,height",
        "-of",
        "csv=p=0",
        "color=s=32x18:d=1",
      ],
      deadlineMs: 10_000,
    });
    expect(run.end).toBe("exit");
    expect(run.stdout.toString().trim()).toBe("32,18");
  });
});
