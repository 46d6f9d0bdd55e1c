import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import pLimit from "p-limit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createMediaRunner } from "../../src/media/ffmpegRunner.ts";

/**
 * Which processes a run starts, seen from the binary's side: ffmpeg is a wrapper script that
 * logs each invocation's arguments, then runs the real one. In its own file, so these are the
 * first runs of the process (libraries that cache per process start cold, as in a fresh `check`).
 */

let dir: string;
let wrapper: string;
let log: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), "nw-ffmpeg-runs-"));
  wrapper = join(dir, "ffmpeg");
  log = join(dir, "runs.log");
  writeFileSync(log, "");
  writeFileSync(wrapper, `#!/bin/sh\necho "$*" >> '${log}'\nexec /usr/bin/ffmpeg "$@"\n`);
  chmodSync(wrapper, 0o755);
});

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("runFfmpeg processes", () => {
  it("starts exactly one ffmpeg per job, even for many jobs started together", async () => {
    const runner = createMediaRunner({
      ffmpegPath: wrapper,
      ffprobePath: "/usr/bin/ffprobe",
      limit: pLimit(9),
    });
    const runs = await Promise.all(
      Array.from({ length: 9 }, () =>
        runner.runFfmpeg({
          input: { url: "color=c=gray:s=32x18:r=5:d=0.4" },
          inputOptions: ["-loglevel", "error", "-f", "lavfi"],
          outputOptions: ["-pix_fmt", "gray", "-f", "rawvideo"],
          deadlineMs: 20_000,
        }),
      ),
    );
    for (const run of runs) expect(run).toMatchObject({ end: "exit", exitCode: 0 });
    const invocations = readFileSync(log, "utf8").trim().split("\n");
    // No capability listings (-formats, -encoders) beside the jobs themselves.
    expect(invocations.filter((l) => !l.includes("color=c=gray"))).toEqual([]);
    expect(invocations).toHaveLength(9);
  });
});
