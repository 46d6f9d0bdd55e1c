import { spawn, type ChildProcess } from "node:child_process";
import { accessSync, constants } from "node:fs";
import { Readable, Writable } from "node:stream";
import ffmpeg from "fluent-ffmpeg";
import { redactText } from "../net/redact.ts";

/**
 * The one place that starts ffmpeg/ffprobe processes. fluent-ffmpeg is archived upstream, so it
 * lives only in this file, behind MediaRunner: another implementation (plain spawn, a worker pool)
 * can replace it without touching the probes.
 *
 * What every run guarantees, whatever the implementation:
 * - at most `limit` processes at once (the limiter is the caller's, not a global);
 * - the process is SIGKILLed at its deadline and the promise settles only after it has exited and
 *   been reaped (no zombies, no process outliving the call); a caller abort does the same;
 * - nothing touches the disk: input comes from a URL or stdin, output goes to stdout;
 * - stderr is redacted line by line before anyone sees it (ffmpeg repeats RTSP URLs with their
 *   passwords), and the library's own error messages, which quote raw stderr, are never surfaced.
 */

/** Runs a task when a slot is free (p-limit's `limit` fits). */
export type Limiter = <T>(task: () => Promise<T>) => Promise<T>;

export interface MediaLogger {
  debug(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
}

interface CommonJob {
  /** Whole lifetime of the process, from spawn to exit, ms. Waiting for a slot is not counted. */
  readonly deadlineMs: number;
  /** Values hidden wherever they appear in stderr (passwords, also URL-encoded). */
  readonly secrets?: readonly string[];
  /** Receives stdout as it arrives; then `stdout` in the result stays empty. */
  readonly onStdout?: (chunk: Buffer) => void;
  /** Without onStdout, stdout is collected up to this many bytes, then the process is killed. Default 16 MiB. */
  readonly maxStdoutBytes?: number;
  /** Each stderr line, already redacted. */
  readonly onStderrLine?: (line: string) => void;
  /** Kills the process (or skips it if still queued). */
  readonly signal?: AbortSignal;
}

/** One ffmpeg run: one input, one output written to stdout. */
export interface FfmpegJob extends CommonJob {
  /** Options placed before `-i` (global options may go here too). */
  readonly inputOptions: readonly string[];
  /** A URL (may carry credentials; never logged unredacted) or bytes fed on stdin. */
  readonly input: { readonly url: string } | { readonly stdin: Uint8Array };
  /** Options for the output, which is always stdout (`pipe:1`); must name a format (`-f ...`). */
  readonly outputOptions: readonly string[];
}

/** A run with a plain argument list (ffprobe, `ffmpeg -version`, ...). */
export interface ArgsJob extends CommonJob {
  readonly args: readonly string[];
}

export type RunEnd =
  | "exit" // the process ended on its own (see exitCode/signal)
  | "deadline" // killed at the deadline
  | "aborted" // killed (or never started) because the caller aborted
  | "stdout_overflow" // killed: more stdout than maxStdoutBytes
  | "spawn_error"; // the binary could not be started

export interface MediaRunResult {
  readonly end: RunEnd;
  readonly exitCode: number | null;
  readonly exitSignal: NodeJS.Signals | null;
  /** Collected stdout (empty when onStdout was given). */
  readonly stdout: Buffer;
  /** The last lines of stderr, redacted. */
  readonly stderrTail: string;
  readonly pid: number | null;
  readonly wallMs: number;
}

export interface MediaRunner {
  runFfmpeg(job: FfmpegJob): Promise<MediaRunResult>;
  runFfprobe(job: ArgsJob): Promise<MediaRunResult>;
}

export interface MediaRunnerOptions {
  readonly ffmpegPath: string;
  readonly ffprobePath: string;
  readonly limit: Limiter;
  readonly logger?: MediaLogger;
  /** Told when a process starts and when it is gone (tests and metrics count processes with it). */
  readonly onProcess?: (event: { readonly pid: number; readonly state: "started" | "exited" }) => void;
}

const STDERR_TAIL_LINES = 30;
const DEFAULT_MAX_STDOUT = 16 * 1024 * 1024;
const SILENT: MediaLogger = { debug: () => undefined, warn: () => undefined };

/** What fluent-ffmpeg keeps on a command but does not declare in its types. */
interface FluentInternals {
  ffmpegProc?: ChildProcess;
  _getFfmpegPath: (cb: (err: Error | null, path: string) => void) => void;
  _checkCapabilities: (cb: (err: Error | null) => void) => void;
  availableEncoders: (cb: (err: Error | null, encoders: Record<string, never>) => void) => void;
}

export function createMediaRunner(opts: MediaRunnerOptions): MediaRunner {
  const logger = opts.logger ?? SILENT;
  const onProcess = opts.onProcess ?? (() => undefined);
  return {
    runFfmpeg: (job) =>
      opts.limit(() =>
        supervise(job, logger, onProcess, "ffmpeg", (sink) => startFluent(opts.ffmpegPath, job, sink)),
      ),
    runFfprobe: (job) =>
      opts.limit(() =>
        supervise(job, logger, onProcess, "ffprobe", (sink) => startPlain(opts.ffprobePath, job.args, sink)),
      ),
  };
}

/**
 * Runs a binary with plain arguments outside any limiter: for the short capability queries at
 * startup (`-version`, `-filters`), before a runner exists. Same deadline and redaction rules.
 */
export function runTool(path: string, job: ArgsJob): Promise<MediaRunResult> {
  return supervise(
    job,
    SILENT,
    () => undefined,
    "tool",
    (sink) => startPlain(path, job.args, sink),
  );
}

/** Where a started process delivers its output; the supervisor owns what happens to it. */
interface Sink {
  stdout(chunk: Buffer): void;
  stderrLine(line: string): void;
  /** The process exists, or could not be started (null, or no pid). Called once. */
  started(child: ChildProcess | null): void;
  /** The process has exited, its pipes are closed and any buffered output was delivered. */
  finished(): void;
}

type Starter = (sink: Sink) => void;

function supervise(
  job: CommonJob,
  logger: MediaLogger,
  onProcess: NonNullable<MediaRunnerOptions["onProcess"]>,
  label: string,
  start: Starter,
): Promise<MediaRunResult> {
  if (!(job.deadlineMs > 0) || !Number.isFinite(job.deadlineMs))
    return Promise.reject(new TypeError("deadlineMs must be a positive number"));
  const secrets = job.secrets ?? [];
  const maxStdout = job.maxStdoutBytes ?? DEFAULT_MAX_STDOUT;
  const t0 = performance.now();

  if (job.signal?.aborted)
    return Promise.resolve({
      end: "aborted",
      exitCode: null,
      exitSignal: null,
      stdout: Buffer.alloc(0),
      stderrTail: "",
      pid: null,
      wallMs: 0,
    });

  return new Promise((resolve) => {
    const tail: string[] = [];
    const chunks: Buffer[] = [];
    let stdoutBytes = 0;
    let child: ChildProcess | null = null;
    let killReason: Exclude<RunEnd, "exit" | "spawn_error"> | null = null;
    let spawnFailed = false;
    let settled = false;

    const settle = (): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      job.signal?.removeEventListener("abort", onAbort);
      const pid = child?.pid ?? null;
      const result: MediaRunResult = {
        end: spawnFailed ? "spawn_error" : (killReason ?? "exit"),
        exitCode: child?.exitCode ?? null,
        exitSignal: child?.signalCode ?? null,
        stdout: Buffer.concat(chunks),
        stderrTail: tail.join("\n"),
        pid,
        wallMs: Math.round(performance.now() - t0),
      };
      const log = { label, pid, end: result.end, exitCode: result.exitCode, wallMs: result.wallMs };
      if (result.end === "exit" && result.exitCode === 0) logger.debug(log, "media process finished");
      else logger.warn({ ...log, stderrTail: result.stderrTail }, "media process failed");
      resolve(result);
    };

    const kill = (reason: NonNullable<typeof killReason>): void => {
      if (killReason) return;
      killReason = reason;
      if (child) {
        if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
        return;
      }
      // Not spawned yet (the library may still be preparing): nothing to wait for, so settle
      // now; started() kills the process should it appear after all.
      settle();
    };
    const timer = setTimeout(() => kill("deadline"), job.deadlineMs);
    const onAbort = (): void => kill("aborted");
    job.signal?.addEventListener("abort", onAbort, { once: true });

    start({
      stdout(chunk) {
        if (killReason) return;
        if (job.onStdout) {
          job.onStdout(chunk);
          return;
        }
        stdoutBytes += chunk.length;
        if (stdoutBytes > maxStdout) {
          kill("stdout_overflow");
          return;
        }
        chunks.push(chunk);
      },
      stderrLine(raw) {
        if (settled) return;
        const line = redactText(raw, secrets);
        tail.push(line);
        if (tail.length > STDERR_TAIL_LINES) tail.shift();
        job.onStderrLine?.(line);
      },
      started(proc) {
        child = proc;
        if (proc?.pid === undefined) {
          spawnFailed = true;
          return;
        }
        onProcess({ pid: proc.pid, state: "started" });
        if (killReason) proc.kill("SIGKILL");
      },
      finished() {
        const pid = child?.pid ?? null;
        if (pid !== null) onProcess({ pid, state: "exited" });
        settle();
      },
    });
  });
}

/** Splits a byte stream into lines the way ffmpeg writes them (\n, and \r for progress lines). */
function lineSplitter(emit: (line: string) => void): { push(chunk: Buffer | string): void; end(): void } {
  let rest = "";
  return {
    push(chunk) {
      const parts = (rest + chunk.toString()).split(/\r\n|\r|\n/);
      rest = parts.pop() ?? "";
      for (const p of parts) emit(p);
    },
    end() {
      if (rest) emit(rest);
      rest = "";
    },
  };
}

function startPlain(path: string, args: readonly string[], sink: Sink): void {
  const proc = spawn(path, [...args], { stdio: ["ignore", "pipe", "pipe"], windowsHide: true });
  const lines = lineSplitter((l) => sink.stderrLine(l));
  proc.stdout?.on("data", (c: Buffer) => sink.stdout(c));
  proc.stderr?.on("data", (c: Buffer) => lines.push(c));
  proc.on("error", () => undefined); // spawn failures surface as pid undefined + close
  proc.on("close", () => {
    lines.end();
    sink.finished();
  });
  sink.started(proc);
}

/**
 * Starts ffmpeg through fluent-ffmpeg. Library behaviours to know:
 * - before a run it checks the output format and codecs against ffmpeg's lists of formats and
 *   encoders, which it gets by running `ffmpeg -formats` and `ffmpeg -encoders` (~40 ms of CPU
 *   each) once per process, but again for every run started before the first listing returned:
 *   nine cameras probed at once in a fresh `check` cost 18 extra processes, more than a third of
 *   each probe's CPU. We skip that check: our jobs name the format as an option ffmpeg checks
 *   itself (failing with a clear message), and no -vcodec/-acodec for its "-strict experimental" pass;
 * - its binary path is process-wide (setFfmpegPath) with a fallback to FFMPEG_PATH; we pin the
 *   path on each command, so runners with different binaries never race and no environment is read;
 * - it kills ffmpeg 20 ms after the output stream closes; we pipe stdout with `end: false`, so our
 *   sink never closes and ffmpeg always ends on its own (or at our deadline).
 * Completion is taken from the child process itself ('close': exited, reaped, pipes drained) and
 * the library's end/error event (which follows its own stderr flush), never from the library alone.
 */
function startFluent(path: string, job: FfmpegJob, sink: Sink): void {
  // The library throws from inside a child-process callback (uncatchable) when the binary cannot
  // be spawned, so a missing or non-executable binary is caught here first.
  try {
    accessSync(path, constants.X_OK);
  } catch {
    sink.started(null);
    sink.finished();
    return;
  }
  const command = ffmpeg({ stdoutLines: STDERR_TAIL_LINES });
  const internals = command as unknown as FluentInternals;
  internals._getFfmpegPath = (cb) => cb(null, path);
  internals._checkCapabilities = (cb) => cb(null);
  internals.availableEncoders = (cb) => cb(null, {});

  if ("url" in job.input) command.input(job.input.url);
  else command.input(Readable.from([Buffer.from(job.input.stdin)]));
  // Passed as separate arguments: given one array, the library splits "a b" items at the space.
  command.inputOptions("-hide_banner", "-nostdin", ...job.inputOptions);

  const out = new Writable({
    write(chunk: Buffer, _enc, done) {
      sink.stdout(chunk);
      done();
    },
  });
  command.output(out, { end: false });
  // "-y" (harmless for a pipe) keeps the list at two or more items, for the same reason.
  if (job.outputOptions.length > 0) command.outputOptions("-y", ...job.outputOptions);

  // Finished = the child closed (exited, reaped, pipes drained) and the library emitted end/error
  // (which follows its own stderr flush). Its messages quote raw stderr (URLs with passwords),
  // so only the fact that it ended is used.
  let proc: ChildProcess | null = null;
  let childClosed = false;
  let libraryDone = false;
  const maybeFinish = (): void => {
    if (childClosed && libraryDone) sink.finished();
  };
  command.on("start", () => {
    proc = (command as unknown as FluentInternals).ffmpegProc ?? null;
    if (!proc) return;
    proc.once("close", () => {
      childClosed = true;
      maybeFinish();
    });
    sink.started(proc);
  });
  command.on("stderr", (line: string) => sink.stderrLine(line));
  const done = (): void => {
    libraryDone = true;
    // A failure before spawn (no 'start') leaves no process to wait for.
    if (!proc) {
      sink.started(null);
      childClosed = true;
    }
    maybeFinish();
  };
  command.on("end", done);
  command.on("error", done);
  command.run();
}
