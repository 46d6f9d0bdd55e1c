import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";

export interface SiteDevice {
  readonly id: string;
  readonly url: string;
  readonly username: string;
  readonly password: string;
  readonly kind?: "nvr" | "camera";
  readonly timeoutSeconds?: number;
}

export interface SiteCamera {
  readonly id: string;
  readonly device: string;
  readonly profile: string;
  readonly zones: readonly string[];
  readonly commissionedAt?: string;
}

export interface SiteSpec {
  readonly devices: readonly SiteDevice[];
  readonly cameras: readonly SiteCamera[];
  readonly zones?: readonly { id: string; kind: string; minCameras?: number; private?: boolean }[];
  readonly policy?: Record<string, unknown>;
  readonly site?: Record<string, unknown>;
}

/** A temporary folder with a site config and one password file per device. */
export interface SiteFiles {
  readonly dir: string;
  readonly config: string;
  cleanup(): void;
}

export function writeSite(spec: SiteSpec): SiteFiles {
  const dir = mkdtempSync(join(tmpdir(), "nw-site-"));
  for (const d of spec.devices)
    writeFileSync(join(dir, `${d.id}.password`), `${d.password}\n`, { mode: 0o600 });
  const zones = spec.zones ?? [
    { id: "gate", kind: "entrance" },
    { id: "room", kind: "activity" },
    { id: "nap", kind: "living" },
  ];
  const doc = {
    site: {
      id: "test-site",
      name: "Test nursery",
      timezone: "Asia/Shanghai",
      commissionedAt: "2024-01-01",
      locale: "en",
      ...spec.site,
    },
    ...(spec.policy ? { policy: spec.policy } : {}),
    devices: spec.devices.map((d) => ({
      id: d.id,
      kind: d.kind ?? "nvr",
      onvif: d.url,
      username: d.username,
      passwordFile: `${d.id}.password`,
      timeoutSeconds: d.timeoutSeconds ?? 5,
    })),
    zones,
    cameras: spec.cameras.map((c) => ({
      id: c.id,
      device: c.device,
      profile: c.profile,
      zones: c.zones,
      ...(c.commissionedAt ? { commissionedAt: c.commissionedAt } : {}),
    })),
  };
  const config = join(dir, "site.yaml");
  writeFileSync(config, stringify(doc));
  return { dir, config, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Cameras ch1..chN on one device, each in the given zone (or spread over gate/room/nap). */
export function channelCameras(
  device: string,
  count: number,
  zoneOf?: (n: number) => string | readonly string[],
): SiteCamera[] {
  const spread = ["gate", "room", "nap"];
  return Array.from({ length: count }, (_, i) => ({
    id: `${device}-ch${i + 1}`,
    device,
    profile: `ProfileToken_${i + 1}`,
    zones: zoneOf ? [zoneOf(i + 1)].flat() : [spread[i % spread.length] ?? "room"],
  }));
}
