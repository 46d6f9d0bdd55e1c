import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  detectMediaTools,
  MediaToolsError,
  missingProbeFilters,
  parseFilterNames,
  parseVersion,
  rtspTimeoutOption,
  timingOption,
} from "../../src/media/tools.ts";

const empty = mkdtempSync(join(tmpdir(), "nw-media-tools-"));
afterAll(() => rmSync(empty, { recursive: true, force: true }));

describe("detectMediaTools", () => {
  it("prefers Debian's ffmpeg on the search path and reports how it spells the probe options", async () => {
    const tools = await detectMediaTools();
    expect(tools.ffmpeg).toMatchObject({ path: "/usr/bin/ffmpeg", source: "system" });
    expect(tools.ffprobe).toMatchObject({ path: "/usr/bin/ffprobe", source: "system" });
    expect(tools.ffmpeg.version).toMatch(/^5\.1\./);
    expect(tools.filters).toEqual({ trim: true, select: true, scale: true, format: true, showinfo: true });
    expect(missingProbeFilters(tools)).toEqual([]);
    // ffmpeg 5.1: -timeout is the socket timeout, -fps_mode exists.
    expect(tools.options).toEqual({ rtspSocketTimeout: "timeout", passthroughTiming: "fps_mode" });
  });

  it("falls back to the npm builds when the search path has none", async () => {
    const tools = await detectMediaTools({ searchPath: empty });
    expect(tools.ffmpeg.source).toBe("npm");
    expect(tools.ffprobe.source).toBe("npm");
    expect(tools.ffmpeg.path).toContain("@ffmpeg-installer");
    expect(tools.ffprobe.path).toContain("@ffprobe-installer");
    // The 2018 static build: -timeout would mean "listen as a server" there.
    expect(tools.options).toEqual({ rtspSocketTimeout: "stimeout", passthroughTiming: "vsync" });
    expect(missingProbeFilters(tools)).toEqual([]);
  });

  it("says clearly what is missing and how to fix it when there is neither", async () => {
    const err = await detectMediaTools({ searchPath: empty, npmFallback: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(MediaToolsError);
    expect((err as Error).message).toContain(`ffmpeg not found in ${empty}`);
    expect((err as Error).message).toContain("apt-get install ffmpeg");
  });
});

describe("capability parsing", () => {
  it("reads versions of release and git builds", () => {
    expect(parseVersion("ffmpeg version 5.1.9-0+deb12u1 Copyright (c) 2000-2026")).toBe("5.1.9-0+deb12u1");
    expect(parseVersion("ffprobe version N-66595-gc2b38619c0-static https://x")).toBe(
      "N-66595-gc2b38619c0-static",
    );
    expect(parseVersion("something else")).toBeNull();
  });

  it("reads filter names with and without the flags column", () => {
    const names = parseFilterNames(
      [
        "Filters:",
        "  T.. = Timeline support",
        " ... select            V->N       Select video frames to pass in output.",
        " TSC scale             V->V       Scale the input video.",
        " ... color             |->V       Provide an uniformly colored input.",
        " showinfo         V->V       Show textual information for each video frame.",
      ].join("\n"),
    );
    expect([...names].sort()).toEqual(["color", "scale", "select", "showinfo"]);
  });

  it("never takes the old listen-mode -timeout for a socket timeout", () => {
    const v4 = [
      "  -timeout           <int>        .D....... set maximum timeout (in seconds) to wait for incoming connections (-1 is infinite, imply flag listen)",
      "  -stimeout          <int>        .D....... set timeout (in microseconds) of socket TCP I/O operations",
    ].join("\n");
    const v5 =
      "  -timeout           <int64>      .D......... set timeout (in microseconds) of socket I/O operations";
    const onlyListen = v4.split("\n")[0]!;
    expect(rtspTimeoutOption(v4)).toBe("stimeout");
    expect(rtspTimeoutOption(v5)).toBe("timeout");
    expect(rtspTimeoutOption(onlyListen)).toBeNull();
    expect(timingOption("-fps_mode           set framerate mode")).toBe("fps_mode");
    expect(timingOption("-vsync              video sync method")).toBe("vsync");
  });
});
