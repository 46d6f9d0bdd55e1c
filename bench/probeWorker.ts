/**
 * One `check`'s picture probes in a fresh process, for bench:probe: N cameras on one stream URL
 * through the check's own probe path (createPictureProber().probeCameras, as runCheck calls it),
 * so whatever a fresh check pays per camera (library start-up, caches filled concurrently) is
 * paid here too. Prints one JSON line: how many probes measured both windows, why others failed,
 * and this process's own CPU.
 *   node --import tsx bench/probeWorker.ts <rtsp-url> <cameras>
 */
import { createPictureProber } from "../src/check/pictureProbes.ts";
import { Secret } from "../src/domain/secret.ts";
import type { Camera, Site } from "../src/domain/site.ts";
import { createLogger } from "../src/logging/logger.ts";
import type { DeviceHttp } from "../src/net/types.ts";

const [url, count] = [process.argv[2], Number(process.argv[3])];
if (!url || !(count >= 1)) throw new Error("usage: probeWorker.ts <rtsp-url> <cameras>");

const cameras: Camera[] = Array.from({ length: count }, (_, i) => ({
  id: `cam${i + 1}`,
  name: `Camera ${i + 1}`,
  device: "nvr1",
  profile: `P${i + 1}`,
  recording: null,
  zones: ["room"],
  referenceImage: null,
  commissionedAt: null,
  streamUri: url,
  snapshotUri: null,
}));
const site = {
  devices: [{ id: "nvr1", onvif: url, tls: null, username: "", password: new Secret(""), timeoutSeconds: 5 }],
  cameras,
} as unknown as Site;
// Snapshots are fetched only when the stream gives no frame; a probe that needs one fails loudly here.
const http = {} as DeviceHttp;

const prober = await createPictureProber({ http, now: Date.now, logger: createLogger({ level: "silent" }) });
const byCamera = await prober.probeCameras(site, cameras, () => ({ stream: null, snapshot: null }));
const failures = [...byCamera.values()].flatMap((o) =>
  o.windows.flatMap((w) => (w.status === "failed" ? [`${o.cameraId}: ${w.error.message}`] : [])),
);
const ok = [...byCamera.values()].filter((o) => o.windows.every((w) => w.status === "ok")).length;
const own = process.cpuUsage();
// This process's own CPU (start-up included); the rest of what the bench measures is its children's.
const nodeCpuS = (own.user + own.system) / 1e6;
process.stdout.write(`${JSON.stringify({ cameras: count, ok, failures, nodeCpuS })}\n`);
