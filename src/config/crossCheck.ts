import type { Problem } from "./locate.ts";
import type { ConfigInput } from "./schema.ts";
import { didYouMean } from "./suggest.ts";
import { isIanaTimeZone, suggestTimeZone, toUtcIso } from "./time.ts";
import { parseViewingWindow } from "./windows.ts";

export interface CrossCheckResult {
  readonly problems: readonly Problem[];
  readonly warnings: readonly Problem[];
}

/**
 * What the schema cannot say: ids that must be unique, references that must resolve, keys
 * that only make sense together. Runs on a document the schema accepted (defaults filled).
 * `parentsEnabled` is the effective switch (policy.ts), which a preset may have turned on.
 */
export function crossCheck(
  config: ConfigInput,
  parentsEnabled = config.parents?.enabled === true,
): CrossCheckResult {
  const problems: Problem[] = [];
  const warnings: Problem[] = [];

  const tz = config.site.timezone;
  const tzOk = isIanaTimeZone(tz);
  if (!tzOk) {
    const guess = suggestTimeZone(tz);
    problems.push({
      path: ["site", "timezone"],
      message: `"${tz}" is not an IANA time zone${guess ? ` (did you mean "${guess}"?)` : " (e.g. Asia/Shanghai)"}`,
    });
  }

  // The format check admits a leap second (23:59:60), which Date cannot represent.
  const instants: [readonly (string | number)[], string | undefined][] = [
    [["site", "commissionedAt"], config.site.commissionedAt],
    ...config.cameras.map((c, i): [readonly (string | number)[], string | undefined] => [
      ["cameras", i, "commissionedAt"],
      c.commissionedAt,
    ]),
  ];
  let instantsOk = true;
  for (const [path, value] of instants) {
    if (value !== undefined && Number.isNaN(Date.parse(value))) {
      instantsOk = false;
      problems.push({ path, message: `"${value}" is not a representable instant` });
    }
  }

  uniqueIds(config.devices, "devices", problems);
  uniqueIds(config.zones, "zones", problems);
  uniqueIds(config.cameras, "cameras", problems);
  uniqueIds(config.recipients ?? [], "recipients", problems);
  uniqueBy(config.http?.apiKeys ?? [], (k) => k.name, ["http", "apiKeys"], "name", problems);
  uniqueBy(
    config.http?.apiKeys ?? [],
    (k) => k.sha256.toLowerCase(),
    ["http", "apiKeys"],
    "sha256",
    problems,
  );

  const listen = config.http?.listen;
  if (listen !== undefined && Number(listen.slice(listen.lastIndexOf(":") + 1)) > 65535) {
    problems.push({ path: ["http", "listen"], message: `port must be at most 65535, got "${listen}"` });
  }

  config.devices.forEach((d, i) => {
    const hasEnv = d.passwordEnv !== undefined;
    const hasFile = d.passwordFile !== undefined;
    if (hasEnv === hasFile) {
      problems.push({
        path: ["devices", i],
        message: hasEnv
          ? "set either passwordEnv or passwordFile, not both"
          : "needs a password source: passwordEnv (an environment variable name) or passwordFile (a file path)",
      });
    }
    if (d.tls !== undefined) {
      if (!/^https:/i.test(d.onvif)) {
        problems.push({
          path: ["devices", i, "tls"],
          message: `tls applies only to https:// onvif addresses, and onvif is ${d.onvif}`,
        });
      }
      if (d.tls.caFile === undefined && d.tls.fingerprint256 === undefined) {
        problems.push({ path: ["devices", i, "tls"], message: "needs caFile, fingerprint256 or both" });
      }
    }
  });

  const deviceIds = config.devices.map((d) => d.id);
  const zoneIds = config.zones.map((z) => z.id);
  const profileOwner = new Map<string, string>();
  const recordingOwner = new Map<string, string>();
  const siteStart = tzOk && instantsOk ? toUtcIso(config.site.commissionedAt, tz) : null;
  config.cameras.forEach((c, i) => {
    if (!deviceIds.includes(c.device)) {
      problems.push({
        path: ["cameras", i, "device"],
        message: `unknown device "${c.device}"${didYouMean(c.device, deviceIds)}; devices: ${deviceIds.join(", ")}`,
      });
    }
    c.zones.forEach((z, j) => {
      if (!zoneIds.includes(z)) {
        problems.push({
          path: ["cameras", i, "zones", j],
          message: `unknown zone "${z}"${didYouMean(z, zoneIds)}; zones: ${zoneIds.join(", ")}`,
        });
      }
    });
    // One channel counted as two cameras would fake coverage.
    const profileKey = `${c.device}\u0000${c.profile}`;
    const sameProfile = profileOwner.get(profileKey);
    if (sameProfile !== undefined) {
      problems.push({
        path: ["cameras", i, "profile"],
        message: `camera "${sameProfile}" already uses profile ${c.profile} on device ${c.device}`,
      });
    } else profileOwner.set(profileKey, c.id);
    if (c.recording !== undefined) {
      const recordingKey = `${c.device}\u0000${c.recording}`;
      const sameRecording = recordingOwner.get(recordingKey);
      if (sameRecording !== undefined) {
        problems.push({
          path: ["cameras", i, "recording"],
          message: `camera "${sameRecording}" already uses recording ${c.recording} on device ${c.device}`,
        });
      } else recordingOwner.set(recordingKey, c.id);
    }
    if (c.commissionedAt !== undefined && siteStart !== null && toUtcIso(c.commissionedAt, tz) < siteStart) {
      warnings.push({
        path: ["cameras", i, "commissionedAt"],
        message: "is before site.commissionedAt; the site's date applies to retention accrual anyway",
      });
    }
  });

  config.devices.forEach((d, i) => {
    if (!config.cameras.some((c) => c.device === d.id)) {
      warnings.push({ path: ["devices", i], message: `no camera uses device "${d.id}"` });
    }
  });
  config.zones.forEach((z, i) => {
    const cameras = config.cameras.filter((c) => c.zones.includes(z.id)).length;
    const needed = z.minCameras ?? 1;
    if (cameras < needed) {
      warnings.push({
        path: ["zones", i],
        message: `minCameras is ${needed} but only ${cameras} camera(s) list this zone: it can never be covered`,
      });
    }
  });

  (config.recipients ?? []).forEach((r, i) => {
    if (r.webhook === undefined && (r.email ?? []).length === 0) {
      problems.push({
        path: ["recipients", i],
        message: "has no channel: give it a webhook, an email list or both",
      });
    }
  });
  const recipientIds = (config.recipients ?? []).map((r) => r.id);
  (config.routes ?? []).forEach((route, i) => {
    route.to.forEach((to, j) => {
      if (!recipientIds.includes(to)) {
        const known =
          recipientIds.length > 0
            ? `; recipients: ${recipientIds.join(", ")}`
            : "; no recipients are defined";
        problems.push({
          path: ["routes", i, "to", j],
          message: `unknown recipient "${to}"${didYouMean(to, recipientIds)}${known}`,
        });
      }
    });
  });

  (config.parents?.windows ?? []).forEach((w, i) => {
    const parsed = parseViewingWindow(w);
    if (typeof parsed === "string") problems.push({ path: ["parents", "windows", i], message: parsed });
  });
  if (parentsEnabled && config.http?.publicUrl === undefined) {
    warnings.push({ path: ["http", "publicUrl"], message: "is not set, so parent links cannot be issued" });
  }

  return { problems, warnings };
}

function uniqueIds(items: readonly { id: string }[], list: string, problems: Problem[]): void {
  uniqueBy(items, (x) => x.id, [list], "id", problems);
}

function uniqueBy<T>(
  items: readonly T[],
  keyOf: (item: T) => string,
  listPath: readonly (string | number)[],
  field: string,
  problems: Problem[],
): void {
  const first = new Map<string, number>();
  items.forEach((item, i) => {
    const key = keyOf(item);
    const earlier = first.get(key);
    if (earlier === undefined) first.set(key, i);
    else {
      const shown = field === "sha256" ? "the same key hash" : `"${key}"`;
      problems.push({
        path: [...listPath, i, field],
        message: `duplicate ${field}: ${shown} is already used by ${listPath.join(".")}[${earlier}]`,
      });
    }
  });
}
