import { readCliPassword } from "../../config/cliSecret.ts";
import { processEnv } from "../../config/load.ts";
import type { Probe } from "../../domain/probe.ts";
import type { Device } from "../../domain/site.ts";
import { createLogger } from "../../logging/logger.ts";
import { createDeviceHttp } from "../../net/deviceHttp.ts";
import { createOnvifSession, describeDevice, type DeviceDescription } from "../../onvif/index.ts";
import { EXIT, UsageError } from "../exitCodes.ts";

export interface DescribeOptions {
  readonly onvif: string;
  readonly username: string;
  readonly passwordEnv?: string;
  readonly passwordFile?: string;
  readonly timeout: string;
  readonly json?: boolean;
  readonly logLevel: string;
}

/** `nurserywatch describe`: what a device offers, laid out for writing a site config. */
export async function describeCommand(opts: DescribeOptions): Promise<number> {
  let url: URL;
  try {
    url = new URL(opts.onvif);
  } catch {
    throw new UsageError(`--onvif: not a URL: ${opts.onvif}`);
  }
  if (url.protocol !== "http:" && url.protocol !== "https:")
    throw new UsageError("--onvif: use an http:// or https:// address");
  const timeoutSeconds = Number(opts.timeout);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0 || timeoutSeconds > 300) {
    throw new UsageError("--timeout takes seconds from 0.1 to 300");
  }
  const password = await readCliPassword(opts, processEnv());
  const device: Device = {
    id: url.host,
    kind: "nvr",
    onvif: url.toString(),
    username: opts.username,
    password,
    timeoutSeconds,
    maxConcurrency: 4,
    tls: null,
  };
  const logger = createLogger({ level: opts.logLevel });
  const http = createDeviceHttp();
  try {
    const session = createOnvifSession({ device, http, now: Date.now, logger });
    const d = await describeDevice(session);
    process.stdout.write(opts.json ? `${JSON.stringify(d, null, 2)}\n` : renderDescription(d));
    // Success means we could log in and read what a config needs: the device and its profiles.
    return d.info.status === "ok" && d.profiles.status === "ok" ? EXIT.compliant : EXIT.violation;
  } finally {
    await http.close();
  }
}

function probeText<T>(p: Probe<T>, show: (v: T) => string): string {
  switch (p.status) {
    case "ok":
      return show(p.value);
    case "unsupported":
      return `not supported (${p.reason})`;
    case "failed":
      return `failed: ${p.error.kind}: ${p.error.message}`;
  }
}

function renderDescription(d: DeviceDescription): string {
  const out: string[] = [];
  out.push(`Device ${d.deviceId}`);
  out.push(
    `  clock:    ${probeText(d.clock, (c) => `${c.deviceUtc ?? "unknown"} (from ${c.source}, TZ ${c.timezone ?? "-"})`)}`,
  );
  out.push(
    `  info:     ${probeText(d.info, (i) => `${i.manufacturer} ${i.model}, firmware ${i.firmwareVersion}, serial ${i.serialNumber}`)}`,
  );
  out.push(`  services: ${probeText(d.services, (s) => Object.keys(s).join(", "))}`);
  out.push("", "Profiles (use the token as cameras[].profile):");
  out.push(
    probeText(d.profiles, (ps) =>
      ps
        .map(
          (p) =>
            `  ${p.token}  "${p.name}"  source ${p.videoSourceToken ?? "-"}  ${p.encoding ?? "?"} ${p.width ?? "?"}x${p.height ?? "?"}\n` +
            `      stream   ${p.streamUri ?? "-"}\n      snapshot ${p.snapshotUri ?? "-"}`,
        )
        .join("\n"),
    ),
  );
  out.push("", "Recordings (cameras[].recording, optional):");
  out.push(
    probeText(
      d.recordings,
      (rs) =>
        rs
          .map(
            (r) =>
              `  ${r.token}  source ${r.sourceId || "-"}  keep ${r.maximumRetentionSeconds === null ? "?" : r.maximumRetentionSeconds === 0 ? "no limit" : `${r.maximumRetentionSeconds / 86400} days`}  tracks ${r.tracks.map((t) => `${t.token}:${t.type}`).join(" ")}`,
          )
          .join("\n") || "  (none)",
    ),
  );
  out.push("", "Recording jobs:");
  out.push(
    probeText(
      d.recordingJobs,
      (js) =>
        js
          .map(
            (j) =>
              `  ${j.token}  -> ${j.recordingToken}  mode ${j.mode}  from ${j.sourceTokens.join(",") || "-"}${j.scheduleToken ? `  schedule ${j.scheduleToken}` : ""}${j.eventTriggered ? "  (event-triggered)" : ""}`,
          )
          .join("\n") || "  (none)",
    ),
  );
  return `${out.join("\n")}\n`;
}
