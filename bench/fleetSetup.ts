import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { stringify } from "yaml";

/**
 * The simulated district of the fleet benchmark: N nurseries, each one NVR with C channels.
 * Scenario files split the NVRs over a few simulator processes; one site file per nursery
 * goes into a folder the daemon is started on (`start --config FOLDER`).
 */
export interface FleetShape {
  readonly nurseries: number;
  readonly camerasPerNursery: number;
  readonly simulators: number;
  readonly intervalSeconds: number;
  /** Retention scans (recording history, searched incrementally) every this many seconds. */
  readonly retentionIntervalSeconds: number;
}

export const USERNAME = "monitor";
const ZONES = [
  { id: "gate", kind: "entrance" },
  { id: "room", kind: "activity" },
  { id: "nap", kind: "living" },
] as const;

export const nurseryId = (n: number): string => `nursery-${String(n + 1).padStart(3, "0")}`;
/** Device ids are unique across the district, so the simulators' answers can be told apart. */
export const nvrId = (n: number): string => `${nurseryId(n)}-nvr`;

/** Writes one scenario file per simulator process; nursery n goes to simulator n mod S. */
export function writeScenarios(dir: string, shape: FleetShape, password: string): string[] {
  const files: string[] = [];
  for (let s = 0; s < shape.simulators; s++) {
    const devices = [];
    for (let n = s; n < shape.nurseries; n += shape.simulators) {
      devices.push({
        id: nvrId(n),
        username: USERNAME,
        password,
        streamsPerChannel: 2,
        channels: { count: shape.camerasPerNursery, defaults: { scheduleToken: "Schedule_24x7" } },
      });
    }
    if (devices.length === 0) continue;
    const file = join(dir, `fleet-sim-${s + 1}.scenario.yaml`);
    writeFileSync(file, stringify({ name: `fleet-${s + 1}`, devices }));
    files.push(file);
  }
  return files;
}

/**
 * Writes the site files into `<dir>/sites` and returns that folder. `urls` maps an NVR id to
 * its device service address (from the simulators' ready lines).
 */
export function writeSites(
  dir: string,
  shape: FleetShape,
  urls: ReadonlyMap<string, string>,
  redisUrl: string,
  password: string,
): string {
  const sites = join(dir, "sites");
  mkdirSync(sites, { recursive: true });
  writeFileSync(join(sites, "nvr.password"), `${password}\n`, { mode: 0o600 });
  for (let n = 0; n < shape.nurseries; n++) {
    const device = nvrId(n);
    const url = urls.get(device);
    if (url === undefined) throw new Error(`no simulated device ${device}`);
    const site = {
      site: {
        id: nurseryId(n),
        name: `Nursery ${n + 1}`,
        timezone: "Asia/Shanghai",
        commissionedAt: "2024-01-01",
        locale: "en",
      },
      // Port 0: the daemon prints the address it got; the benchmark does not use the API.
      http: { listen: "127.0.0.1:0" },
      redis: { url: redisUrl },
      policy: {
        pollIntervalSeconds: shape.intervalSeconds,
        retentionIntervalSeconds: shape.retentionIntervalSeconds,
      },
      ledger: { keyFile: "../monitor-ed25519.pem" },
      devices: [
        {
          id: device,
          kind: "nvr",
          onvif: url,
          username: USERNAME,
          passwordFile: "nvr.password",
          timeoutSeconds: 10,
        },
      ],
      zones: ZONES,
      cameras: Array.from({ length: shape.camerasPerNursery }, (_, c) => ({
        id: `cam-${String(c + 1).padStart(2, "0")}`,
        device,
        profile: `ProfileToken_${c + 1}`,
        zones: [ZONES[c % ZONES.length]!.id],
      })),
    };
    writeFileSync(join(sites, `${nurseryId(n)}.yaml`), stringify(site));
  }
  return sites;
}
