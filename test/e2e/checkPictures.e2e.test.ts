import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, test } from "vitest";
import { parseScenario } from "../../src/simulator/scenario.ts";
import { startSimulator, type RunningSimulator } from "../../src/simulator/server.ts";
import { runCli, type CliResult } from "../helpers/cli.ts";
import { findingOf, parseReport } from "../helpers/report.ts";
import { writeSite, type SiteFiles } from "../helpers/site.ts";
import { startGstRtspServer, type GstRtspServer } from "../../scripts/gstRtspServer.ts";
import { stringify, parse } from "yaml";
import { readFileSync, writeFileSync } from "node:fs";

/**
 * Pictures end to end: simulated cameras over real RTSP (the simulator's own server) and a
 * third-party RTSP server (GStreamer's), probed by `check` through ffmpeg, judged by the rules.
 */
const PASSWORD = "pic-pass-1";
let sim: RunningSimulator;
let gst: GstRtspServer;
let site: SiteFiles;

/** Adds keys the site helper does not know (referenceImage, streamUri) to its config's cameras. */
function patchCameras(file: string, patch: Record<string, Record<string, unknown>>): void {
  const doc = parse(readFileSync(file, "utf8")) as { cameras: { id: string }[] };
  doc.cameras = doc.cameras.map((c) => ({ ...c, ...patch[c.id] }));
  writeFileSync(file, stringify(doc));
}

beforeAll(async () => {
  sim = await startSimulator(
    parseScenario(
      {
        name: "pictures",
        devices: [
          {
            id: "nvr1",
            username: "monitor",
            password: PASSWORD,
            channels: {
              count: 10,
              defaults: { scheduleToken: "Schedule_24x7" },
              overrides: {
                2: { picture: "black" },
                3: { picture: "frozen" },
                4: { picture: "dark" },
                6: { stream: "refused" },
                7: { encoding: "H265" },
              },
            },
          },
        ],
      },
      "test",
    ),
  );
  gst = await startGstRtspServer({ auth: "digest", user: "monitor", password: PASSWORD });
  const cams = [1, 2, 3, 4, 5, 6, 7].map((n) => ({
    id: `cam${n}`,
    device: "nvr1",
    profile: `ProfileToken_${n}`,
    zones: [n === 1 ? "gate" : n === 4 ? "nap" : "room"],
  }));
  // Cameras whose stream goes elsewhere (the config's streamUri override): to GStreamer's server.
  const gstCams = ["moving", "black", "still"].map((m, i) => ({
    id: `gst-${m}`,
    device: "nvr1",
    profile: `ProfileToken_${8 + i}`,
    zones: ["room"],
  }));
  site = writeSite({
    devices: [{ id: "nvr1", url: sim.devices[0]!.url, username: "monitor", password: PASSWORD }],
    cameras: [...cams, ...gstCams],
  });
  patchCameras(site.config, {
    cam1: { referenceImage: "refs/cam1.png" },
    cam5: { referenceImage: "refs/cam5.png" },
    "gst-moving": { streamUri: gst.url("moving") },
    "gst-black": { streamUri: gst.url("black") },
    "gst-still": { streamUri: gst.url("still") },
  });
}, 60_000);

afterAll(async () => {
  await gst?.stop();
  await sim?.stop();
  site?.cleanup();
});

describe("picture probes through check", () => {
  let result: CliResult;

  test("reference captures each approved view", async () => {
    for (const cam of ["cam1", "cam5"]) {
      const r = await runCli(["reference", "--config", site.config, "--camera", cam]);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain(join(site.dir, `refs/${cam}.png`));
      expect(r.stdout + r.stderr).not.toContain(PASSWORD);
    }
    // Then camera 5 is turned away.
    sim.device("nvr1").setChannel(5, { picture: "changed" });
    result = await runCli(["check", "--config", site.config, "--json"], { timeoutMs: 90_000 });
    expect(result.code, result.stderr).toBe(1);
  }, 120_000);

  test("a live picture matching its reference is healthy", () => {
    const r = parseReport(result);
    for (const kind of ["camera_offline", "image_black", "image_frozen", "view_changed"]) {
      expect(findingOf(r, kind, "cam1").status, kind).toBe("ok");
    }
    expect(findingOf(r, "view_changed", "cam1").required).toBe(true);
  });

  test("black, frozen and turned away are found; a dark still room at night is not", () => {
    const r = parseReport(result);
    expect(findingOf(r, "image_black", "cam2").status).toBe("violation");
    expect(findingOf(r, "image_frozen", "cam3").status).toBe("violation");
    for (const kind of ["image_black", "image_frozen"])
      expect(findingOf(r, kind, "cam4").status, kind).toBe("ok");
    expect(findingOf(r, "view_changed", "cam5").status).toBe("violation");
  });

  test("a refused stream is camera_offline (stream side); H.265 is watched like H.264", () => {
    const r = parseReport(result);
    const offline = findingOf(r, "camera_offline", "cam6");
    expect(offline.status).toBe("violation");
    expect(offline.reason).toBe("stream_unavailable");
    expect(JSON.stringify(offline)).not.toContain(PASSWORD);
    expect(findingOf(r, "image_black", "cam7").status).toBe("ok");
    expect(findingOf(r, "image_frozen", "cam7").status).toBe("ok");
  });

  test("zone coverage counts only cameras whose pictures are healthy", () => {
    const r = parseReport(result);
    const room = r.zones.find((z) => z.id === "room")!;
    const unhealthy = ["cam2", "cam3", "cam5", "cam6", "gst-black", "gst-still"];
    for (const id of unhealthy) expect(r.cameras.find((c) => c.id === id)?.health, id).toBe("unhealthy");
    expect(room.healthyCameras).toBe(room.cameras.length - unhealthy.length);
  });

  test("GStreamer's RTSP server: moving is fine, black is black, a still pattern is frozen", () => {
    const r = parseReport(result);
    expect(findingOf(r, "image_black", "gst-moving").status).toBe("ok");
    expect(findingOf(r, "image_frozen", "gst-moving").status).toBe("ok");
    expect(findingOf(r, "image_black", "gst-black").status).toBe("violation");
    expect(findingOf(r, "image_frozen", "gst-still").status).toBe("violation");
  });

  test("--no-probes leaves the pictures out of the verdict", { timeout: 60_000 }, async () => {
    const r = await runCli(["check", "--config", site.config, "--json", "--no-probes"]);
    const report = parseReport(r);
    const pic = report.findings.filter((f) => f.kind === "image_black");
    expect(pic.every((f) => f.reason === "probes_skipped" && !f.required)).toBe(true);
    expect(findingOf(report, "camera_offline", "cam6").status).toBe("ok");
  });
});
