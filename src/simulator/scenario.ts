import { readFileSync } from "node:fs";
import { parse as parseYaml } from "yaml";

/**
 * A simulated nursery: which devices exist and how each one misbehaves. Every time is an age
 * relative to the simulator's clock, so a scenario file stays valid on any day.
 *
 * YAML shape (every key but devices[].id is optional; defaults in brackets):
 *
 *   name: demo                          # [the file name]
 *   devices:
 *     - id: nvr1                        # unique
 *       host: 127.0.0.1                 # listen address [127.0.0.1]
 *       port: 0                         # 0 = a free port [0]
 *       advertisedHost: 10.0.0.5        # host named in XAddrs and URIs (NAT tests) [host:port]
 *       username: admin                 # [admin]
 *       password: admin123              # [admin123]
 *       auth: either                    # either | digest | wsse: what the device accepts [either]
 *       digestAlgorithms: [SHA-256, MD5]   # challenges offered, in this order [both]
 *       manufacturer / model / firmware / serialNumber / hardwareId
 *       clockDriftSeconds: 0            # device clock = simulator clock + drift [0]
 *       clockStartsAt: 2009-01-01T00:00:00Z   # absurd clock: the device clock starts here and runs on
 *       timezone: CST-8                 # POSIX TZ (sign inverted: CST-8 is UTC+8) [CST-8]
 *       dateTimeType: NTP               # NTP | Manual [NTP]
 *       profileG: true                  # recording/search/schedule services [true]
 *       analytics: true                 # analytics service (GetRules) [true]
 *       events: true                    # events service (pull points) [true]
 *       media2: true                    # Media2 service [true]
 *       streamsPerChannel: 3            # 1..3 profiles per channel [2]
 *       rtspPort: 0                     # RTSP listen port, named in stream URIs; 0 = a free port [0]
 *       reachable: true                 # false: connections are reset at once [true]
 *       schedules:                      # extra schedules; Schedule_24x7 and Schedule_Weekdays always exist
 *         - { token: Night, name: Night, standard: "BEGIN:VCALENDAR..." }
 *       channels:
 *         count: 8                      # [8]
 *         defaults: { ...channel keys }   # applied to every channel
 *         overrides:                    # per channel number (1-based)
 *           3: { online: false }
 *       faults: { GetRecordingJobState: NotAuthorized }   # shorthand for operations.X.fault
 *       operations:                     # per SOAP operation name, or "*" for all of them
 *         GetRecordings: { slowMs: 2000 }
 *         GetProfiles: { hang: true }   # or oversized / malformed / entityBomb / xxe / fault
 *
 * Channel keys [defaults]:
 *   name ["Camera NN"], online [true] (false: missing from GetProfiles/GetVideoSources),
 *   signalLoss [false], recording [true] (false: no recording and no job for the channel),
 *   jobMode Idle|Active [Active], jobState Active|Idle|Error|PartiallyActive [derived from mode,
 *   online and track errors], videoTrackError / audioTrackError [none] (text of a track Error),
 *   stalledSinceSeconds [none] (job Active but newest data stopped that long ago),
 *   eventOnly [false] (job has an EventFilter), scheduleToken [none],
 *   earliestDataAgeDays [120] (a number, or "1970" for the epoch placeholder),
 *   gaps [{startAgeHours, endAgeHours}] (older edge first: startAgeHours > endAgeHours),
 *   deletions [{ageDays, dataStartAgeDays, dataEndAgeDays}] (DeleteTrackData events),
 *   maximumRetention [PT0S] (xs:duration), motionRules on|off|noActiveCells [on],
 *   tamperRule [true], encoding H264|H265 [H264],
 *   picture moving|black|frozen|dark|changed [moving] (what the RTSP stream and snapshot show:
 *   the room with a child moving; a covered lens; one frame repeated; the room at night, dim
 *   and noisy but healthy; a different scene, as if turned away),
 *   stream ok|refused|stopping [ok] (refused: DESCRIBE/SETUP 404, snapshot 503; stopping: RTP
 *   ceases stopAfterSeconds after PLAY while the session stays open), stopAfterSeconds [10].
 */

export type AuthMode = "either" | "digest" | "wsse";
export type DigestAlgorithm = "MD5" | "SHA-256";
export type JobModeValue = "Idle" | "Active";
export type JobStateName = "Active" | "Idle" | "Error" | "PartiallyActive";
export type MotionRules = "on" | "off" | "noActiveCells";
export type VideoEncoding = "H264" | "H265";
export const PICTURE_KINDS = ["moving", "black", "frozen", "dark", "changed"] as const;
/** What a channel's camera sees (video/scenes.ts draws each). */
export type PictureKind = (typeof PICTURE_KINDS)[number];
export const STREAM_MODES = ["ok", "refused", "stopping"] as const;
/** How a channel's RTSP stream behaves. */
export type StreamMode = (typeof STREAM_MODES)[number];

/** Faults a scenario can make an operation answer with (see faults.ts for their codes). */
export const FAULT_NAMES = [
  "NotAuthorized",
  "ActionNotSupported",
  "InvalidArgVal",
  "InvalidArgs",
  "OperationProhibited",
  "CriticalError",
  "OutofMemory",
  "NoRecording",
  "NoRecordingJob",
  "NoProfile",
  "NoConfig",
  "InvalidToken",
  "NotFound",
] as const;
export type FaultName = (typeof FAULT_NAMES)[number];

export interface OperationBehaviour {
  /** Answer with this ONVIF fault instead. */
  readonly fault?: FaultName;
  /** Delay before answering (applied before authentication, like a busy device). */
  readonly slowMs?: number;
  /** Accept the request and never answer. */
  readonly hang?: boolean;
  /** Stream ~50 MB of valid-looking XML. */
  readonly oversized?: boolean;
  /** Answer with broken XML. */
  readonly malformed?: boolean;
  /** Answer with a billion-laughs DOCTYPE. */
  readonly entityBomb?: boolean;
  /** Answer with a DOCTYPE naming file:///etc/passwd as an external entity. */
  readonly xxe?: boolean;
}

export interface GapSpec {
  readonly startAgeHours: number;
  readonly endAgeHours: number;
}

export interface DeletionSpec {
  readonly ageDays: number;
  readonly dataStartAgeDays: number;
  readonly dataEndAgeDays: number;
}

export interface ChannelSpec {
  readonly name: string | null;
  readonly online: boolean;
  readonly signalLoss: boolean;
  readonly recording: boolean;
  readonly jobMode: JobModeValue;
  readonly jobState: JobStateName | null;
  readonly videoTrackError: string | null;
  readonly audioTrackError: string | null;
  readonly stalledSinceSeconds: number | null;
  readonly eventOnly: boolean;
  readonly scheduleToken: string | null;
  readonly earliestDataAgeDays: number | "1970";
  readonly gaps: readonly GapSpec[];
  readonly deletions: readonly DeletionSpec[];
  readonly maximumRetention: string;
  readonly motionRules: MotionRules;
  readonly tamperRule: boolean;
  readonly encoding: VideoEncoding;
  readonly picture: PictureKind;
  readonly stream: StreamMode;
  /** With stream: stopping, seconds of video each RTSP session gets after PLAY. */
  readonly stopAfterSeconds: number;
}

export type ChannelPatch = Partial<ChannelSpec>;

export interface ScheduleSpec {
  readonly token: string;
  readonly name: string;
  /** iCalendar (RFC 5545) text. */
  readonly standard: string;
}

export interface DeviceSpec {
  readonly id: string;
  readonly host: string;
  readonly port: number;
  readonly advertisedHost: string | null;
  readonly username: string;
  readonly password: string;
  readonly auth: AuthMode;
  readonly digestAlgorithms: readonly DigestAlgorithm[];
  readonly manufacturer: string;
  readonly model: string;
  readonly firmware: string;
  readonly serialNumber: string;
  readonly hardwareId: string;
  readonly clockDriftSeconds: number;
  readonly clockStartsAt: string | null;
  readonly timezone: string;
  readonly dateTimeType: "NTP" | "Manual";
  readonly profileG: boolean;
  readonly analytics: boolean;
  readonly events: boolean;
  readonly media2: boolean;
  readonly streamsPerChannel: 1 | 2 | 3;
  readonly rtspPort: number;
  readonly reachable: boolean;
  readonly schedules: readonly ScheduleSpec[];
  readonly channels: readonly ChannelSpec[];
  readonly operations: Readonly<Record<string, OperationBehaviour>>;
}

/** What may change on a running device (the listeners themselves, id and ports stay). */
export type DevicePatch = Partial<
  Omit<DeviceSpec, "id" | "host" | "port" | "rtspPort" | "channels" | "streamsPerChannel" | "schedules">
>;

export interface Scenario {
  readonly name: string;
  readonly devices: readonly DeviceSpec[];
}

export const DEFAULT_CHANNEL: ChannelSpec = {
  name: null,
  online: true,
  signalLoss: false,
  recording: true,
  jobMode: "Active",
  jobState: null,
  videoTrackError: null,
  audioTrackError: null,
  stalledSinceSeconds: null,
  eventOnly: false,
  scheduleToken: null,
  earliestDataAgeDays: 120,
  gaps: [],
  deletions: [],
  maximumRetention: "PT0S",
  motionRules: "on",
  tamperRule: true,
  encoding: "H264",
  picture: "moving",
  stream: "ok",
  stopAfterSeconds: 10,
};

/** The one every device has: FREQ=DAILY 00:00-24:00, i.e. round the clock. */
export const SCHEDULE_24X7: ScheduleSpec = {
  token: "Schedule_24x7",
  name: "24x7",
  standard: [
    "BEGIN:VCALENDAR",
    "BEGIN:VEVENT",
    "UID:schedule-24x7@simulator",
    "DTSTART:19700101T000000",
    "DTEND:19700102T000000",
    "RRULE:FREQ=DAILY",
    "SUMMARY:Always",
    "END:VEVENT",
    "END:VCALENDAR",
  ].join("\r\n"),
};

/** Office hours only: the kind of schedule that breaks 24x7 recording. */
export const SCHEDULE_WEEKDAYS: ScheduleSpec = {
  token: "Schedule_Weekdays",
  name: "Weekdays 07-19",
  standard: [
    "BEGIN:VCALENDAR",
    "BEGIN:VEVENT",
    "UID:schedule-weekdays@simulator",
    "DTSTART:19700105T070000",
    "DTEND:19700105T190000",
    "RRULE:FREQ=WEEKLY;BYDAY=MO,TU,WE,TH,FR",
    "SUMMARY:Weekdays 07:00-19:00",
    "END:VEVENT",
    "END:VCALENDAR",
  ].join("\r\n"),
};

const BUILTIN_SCHEDULES = [SCHEDULE_24X7, SCHEDULE_WEEKDAYS];

/** One NVR, 8 healthy channels recording round the clock, 120 days of data. */
export function demoScenario(): Scenario {
  return parseScenario(
    {
      name: "demo",
      devices: [
        {
          id: "nvr1",
          manufacturer: "Hikvision",
          model: "DS-7608NI-K2",
          firmware: "V4.62.210 build 230815",
          streamsPerChannel: 2,
          channels: { count: 8, defaults: { scheduleToken: "Schedule_24x7", earliestDataAgeDays: 120 } },
        },
      ],
    },
    "demoScenario()",
  );
}

/** Reads a scenario YAML file; errors name the file and the key. */
export function loadScenarioFile(path: string): Scenario {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (e) {
    throw new ScenarioError(`${path}: cannot read: ${e instanceof Error ? e.message : String(e)}`);
  }
  let doc: unknown;
  try {
    doc = parseYaml(text);
  } catch (e) {
    throw new ScenarioError(`${path}: not valid YAML: ${e instanceof Error ? e.message : String(e)}`);
  }
  const base =
    path
      .split("/")
      .pop()
      ?.replace(/\.ya?ml$/, "") ?? "scenario";
  if (isObject(doc) && doc["name"] === undefined) doc = { ...doc, name: base };
  return parseScenario(doc, path);
}

export class ScenarioError extends Error {
  override readonly name = "ScenarioError";
}

/** Validates a plain object (parsed YAML or JSON) as a scenario; `source` prefixes every error. */
export function parseScenario(doc: unknown, source: string): Scenario {
  const r = new Reader(source);
  const root = r.object(doc, "");
  r.only(root, "", ["name", "devices"]);
  const name = r.str(root, "name", "", "scenario");
  const rawDevices = root["devices"];
  if (!Array.isArray(rawDevices) || rawDevices.length === 0) r.fail("devices", "expected a non-empty list");
  const devices = (rawDevices as unknown[]).map((d, i) => parseDevice(r, d, `devices[${i}]`));
  const ids = new Set<string>();
  const ports = new Set<number>();
  devices.forEach((d, i) => {
    if (ids.has(d.id)) r.fail(`devices[${i}].id`, `duplicate device id "${d.id}"`);
    ids.add(d.id);
    if (d.port !== 0 && ports.has(d.port)) r.fail(`devices[${i}].port`, `port ${d.port} used twice`);
    ports.add(d.port);
    if (d.rtspPort !== 0 && ports.has(d.rtspPort))
      r.fail(`devices[${i}].rtspPort`, `port ${d.rtspPort} used twice`);
    ports.add(d.rtspPort);
  });
  return { name, devices };
}

const DEVICE_KEYS = [
  "id",
  "host",
  "port",
  "advertisedHost",
  "username",
  "password",
  "auth",
  "digestAlgorithms",
  "manufacturer",
  "model",
  "firmware",
  "serialNumber",
  "hardwareId",
  "clockDriftSeconds",
  "clockStartsAt",
  "timezone",
  "dateTimeType",
  "profileG",
  "analytics",
  "events",
  "media2",
  "streamsPerChannel",
  "rtspPort",
  "reachable",
  "schedules",
  "channels",
  "faults",
  "operations",
] as const;

const PATCHABLE_DEVICE_KEYS = DEVICE_KEYS.filter(
  (k) =>
    !["id", "host", "port", "rtspPort", "channels", "streamsPerChannel", "schedules", "faults"].includes(k),
);

function parseDevice(r: Reader, raw: unknown, path: string): DeviceSpec {
  const o = r.object(raw, path);
  r.only(o, path, DEVICE_KEYS);
  const id = r.str(o, "id", path);
  if (!/^[A-Za-z0-9_.-]+$/.test(id)) r.fail(`${path}.id`, "use letters, digits, '.', '_' or '-'");
  const base = deviceFields(r, o, path, true) as Required<DevicePatch>;
  const schedules = [...BUILTIN_SCHEDULES];
  const rawSchedules = o["schedules"];
  if (rawSchedules !== undefined) {
    if (!Array.isArray(rawSchedules)) r.fail(`${path}.schedules`, "expected a list");
    (rawSchedules as unknown[]).forEach((s, i) => {
      const p = `${path}.schedules[${i}]`;
      const so = r.object(s, p);
      r.only(so, p, ["token", "name", "standard"]);
      const token = r.str(so, "token", p);
      if (schedules.some((x) => x.token === token))
        r.fail(`${p}.token`, `duplicate schedule token "${token}"`);
      schedules.push({ token, name: r.str(so, "name", p, token), standard: r.str(so, "standard", p) });
    });
  }
  const streams = r.int(o, "streamsPerChannel", path, 2, 1, 3) as 1 | 2 | 3;
  const channels = parseChannels(r, o["channels"], `${path}.channels`);
  channels.forEach((c, i) => {
    if (c.scheduleToken !== null && !schedules.some((s) => s.token === c.scheduleToken)) {
      r.fail(
        `${path}.channels (channel ${i + 1}).scheduleToken`,
        `no schedule "${c.scheduleToken}" on this device`,
      );
    }
  });
  const operations: Record<string, OperationBehaviour> = { ...base.operations };
  const faults = o["faults"];
  if (faults !== undefined) {
    const fo = r.object(faults, `${path}.faults`);
    for (const op of Object.keys(fo)) {
      operations[op] = { ...operations[op], fault: r.oneOf(fo, op, `${path}.faults`, FAULT_NAMES) };
    }
  }
  const port = r.int(o, "port", path, 0, 0, 65535);
  const rtspPort = r.int(o, "rtspPort", path, 0, 0, 65535);
  if (rtspPort !== 0 && rtspPort === port) r.fail(`${path}.rtspPort`, "must differ from port");
  return {
    id,
    host: r.str(o, "host", path, "127.0.0.1"),
    port,
    rtspPort,
    streamsPerChannel: streams,
    schedules,
    channels,
    ...base,
    operations,
  };
}

/** The fields shared by a device definition and a runtime device patch (patch: only the keys given). */
function deviceFields(
  r: Reader,
  o: Record<string, unknown>,
  path: string,
  withDefaults: boolean,
): DevicePatch {
  const id = typeof o["id"] === "string" ? o["id"] : "device";
  const readers: Record<string, () => unknown> = {
    advertisedHost: () => r.optStr(o, "advertisedHost", path),
    username: () => r.str(o, "username", path, "admin"),
    password: () => r.str(o, "password", path, "admin123"),
    auth: () => r.oneOf(o, "auth", path, ["either", "digest", "wsse"] as const, "either"),
    digestAlgorithms: () =>
      r.list(o, "digestAlgorithms", path, ["MD5", "SHA-256"] as const, ["SHA-256", "MD5"]),
    manufacturer: () => r.str(o, "manufacturer", path, "Simulated"),
    model: () => r.str(o, "model", path, "SIM-NVR-64"),
    firmware: () => r.str(o, "firmware", path, "V1.0.0 build 240101"),
    serialNumber: () => r.str(o, "serialNumber", path, `SIM-${id}`),
    hardwareId: () => r.str(o, "hardwareId", path, "SIM-HW-1"),
    clockDriftSeconds: () => r.num(o, "clockDriftSeconds", path, 0),
    clockStartsAt: () => r.optDate(o, "clockStartsAt", path),
    timezone: () => r.str(o, "timezone", path, "CST-8"),
    dateTimeType: () => r.oneOf(o, "dateTimeType", path, ["NTP", "Manual"] as const, "NTP"),
    profileG: () => r.bool(o, "profileG", path, true),
    analytics: () => r.bool(o, "analytics", path, true),
    events: () => r.bool(o, "events", path, true),
    media2: () => r.bool(o, "media2", path, true),
    reachable: () => r.bool(o, "reachable", path, true),
    operations: () =>
      o["operations"] === undefined ? {} : parseOperations(r, o["operations"], `${path}.operations`),
  };
  const out: Record<string, unknown> = {};
  for (const [key, read] of Object.entries(readers)) {
    if (withDefaults || key in o) out[key] = read();
  }
  return out;
}

function parseOperations(r: Reader, raw: unknown, path: string): Record<string, OperationBehaviour> {
  const o = r.object(raw, path);
  const out: Record<string, OperationBehaviour> = {};
  for (const [op, v] of Object.entries(o)) {
    const p = `${path}.${op}`;
    if (op !== "*" && !/^[A-Z][A-Za-z0-9]*$/.test(op)) r.fail(p, "expected an ONVIF operation name or *");
    const b = r.object(v, p);
    r.only(b, p, ["fault", "slowMs", "hang", "oversized", "malformed", "entityBomb", "xxe"]);
    const beh: OperationBehaviour = {
      ...(b["fault"] !== undefined ? { fault: r.oneOf(b, "fault", p, FAULT_NAMES) } : {}),
      ...(b["slowMs"] !== undefined ? { slowMs: r.int(b, "slowMs", p, 0, 0, 600_000) } : {}),
      ...(b["hang"] !== undefined ? { hang: r.bool(b, "hang", p) } : {}),
      ...(b["oversized"] !== undefined ? { oversized: r.bool(b, "oversized", p) } : {}),
      ...(b["malformed"] !== undefined ? { malformed: r.bool(b, "malformed", p) } : {}),
      ...(b["entityBomb"] !== undefined ? { entityBomb: r.bool(b, "entityBomb", p) } : {}),
      ...(b["xxe"] !== undefined ? { xxe: r.bool(b, "xxe", p) } : {}),
    };
    out[op] = beh;
  }
  return out;
}

function parseChannels(r: Reader, raw: unknown, path: string): ChannelSpec[] {
  const o = raw === undefined ? {} : r.object(raw, path);
  r.only(o, path, ["count", "defaults", "overrides"]);
  const count = r.int(o, "count", path, 8, 1, 256);
  const defaults = { ...DEFAULT_CHANNEL, ...parseChannelPatch(o["defaults"] ?? {}, `${path}.defaults`, r) };
  const overrides = o["overrides"] === undefined ? {} : r.object(o["overrides"], `${path}.overrides`);
  for (const k of Object.keys(overrides)) {
    const n = Number(k);
    if (!Number.isInteger(n) || n < 1 || n > count)
      r.fail(`${path}.overrides.${k}`, `no channel ${k} (1..${count})`);
  }
  return Array.from({ length: count }, (_, i) => {
    const ov = overrides[String(i + 1)];
    return ov === undefined
      ? defaults
      : { ...defaults, ...parseChannelPatch(ov, `${path}.overrides.${i + 1}`, r) };
  });
}

const CHANNEL_KEYS = Object.keys(DEFAULT_CHANNEL) as (keyof ChannelSpec)[];

/** Validates a channel patch (scenario defaults/overrides, or a runtime patch from /sim). */
export function parseChannelPatch(raw: unknown, path: string, reader?: Reader): ChannelPatch {
  const r = reader ?? new Reader("patch");
  const o = r.object(raw, path);
  r.only(o, path, CHANNEL_KEYS);
  const has = (k: string): boolean => k in o;
  const out: Record<string, unknown> = {};
  if (has("name")) out["name"] = r.optStr(o, "name", path);
  for (const k of ["online", "signalLoss", "recording", "eventOnly", "tamperRule"] as const) {
    if (has(k)) out[k] = r.bool(o, k, path);
  }
  if (has("jobMode")) out["jobMode"] = r.oneOf(o, "jobMode", path, ["Idle", "Active"] as const);
  if (has("jobState")) {
    out["jobState"] =
      o["jobState"] === null
        ? null
        : r.oneOf(o, "jobState", path, ["Active", "Idle", "Error", "PartiallyActive"] as const);
  }
  for (const k of ["videoTrackError", "audioTrackError", "scheduleToken"] as const) {
    if (has(k)) out[k] = r.optStr(o, k, path);
  }
  if (has("stalledSinceSeconds")) {
    out["stalledSinceSeconds"] =
      o["stalledSinceSeconds"] === null ? null : r.num(o, "stalledSinceSeconds", path, undefined, 0);
  }
  if (has("earliestDataAgeDays")) {
    const v = o["earliestDataAgeDays"];
    out["earliestDataAgeDays"] =
      v === "1970" || v === 1970 ? "1970" : r.num(o, "earliestDataAgeDays", path, undefined, 0);
  }
  if (has("gaps")) {
    out["gaps"] = r.array(o, "gaps", path).map((g, i) => {
      const p = `${path}.gaps[${i}]`;
      const go = r.object(g, p);
      r.only(go, p, ["startAgeHours", "endAgeHours"]);
      const startAgeHours = r.num(go, "startAgeHours", p, undefined, 0);
      const endAgeHours = r.num(go, "endAgeHours", p, undefined, 0);
      if (endAgeHours >= startAgeHours)
        r.fail(`${p}.endAgeHours`, "must be less than startAgeHours (the gap's newer edge)");
      return { startAgeHours, endAgeHours };
    });
  }
  if (has("deletions")) {
    out["deletions"] = r.array(o, "deletions", path).map((g, i) => {
      const p = `${path}.deletions[${i}]`;
      const go = r.object(g, p);
      r.only(go, p, ["ageDays", "dataStartAgeDays", "dataEndAgeDays"]);
      const dataStartAgeDays = r.num(go, "dataStartAgeDays", p, undefined, 0);
      const dataEndAgeDays = r.num(go, "dataEndAgeDays", p, undefined, 0);
      if (dataEndAgeDays > dataStartAgeDays)
        r.fail(`${p}.dataEndAgeDays`, "must not be more than dataStartAgeDays");
      return { ageDays: r.num(go, "ageDays", p, undefined, 0), dataStartAgeDays, dataEndAgeDays };
    });
  }
  if (has("maximumRetention")) {
    const v = r.str(o, "maximumRetention", path);
    if (!/^-?P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$/.test(v)) {
      r.fail(`${path}.maximumRetention`, `"${v}" is not an xs:duration (e.g. P30D, PT0S)`);
    }
    out["maximumRetention"] = v;
  }
  if (has("motionRules"))
    out["motionRules"] = r.oneOf(o, "motionRules", path, ["on", "off", "noActiveCells"] as const);
  if (has("encoding")) out["encoding"] = r.oneOf(o, "encoding", path, ["H264", "H265"] as const);
  if (has("picture")) out["picture"] = r.oneOf(o, "picture", path, PICTURE_KINDS);
  if (has("stream")) out["stream"] = r.oneOf(o, "stream", path, STREAM_MODES);
  if (has("stopAfterSeconds")) {
    const v = r.num(o, "stopAfterSeconds", path, undefined, 0);
    if (v > 86_400) r.fail(`${path}.stopAfterSeconds`, "must be at most 86400");
    out["stopAfterSeconds"] = v;
  }
  return out;
}

/** Validates a runtime device patch (from /sim or setDevice). */
export function parseDevicePatch(raw: unknown, path = "device"): DevicePatch {
  const r = new Reader("patch");
  const o = r.object(raw, path);
  r.only(o, path, PATCHABLE_DEVICE_KEYS);
  return deviceFields(r, o, path, false);
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

/** Small typed accessors whose errors say "<source>: <key path>: <problem>". */
class Reader {
  constructor(private readonly source: string) {}

  fail(path: string, problem: string): never {
    throw new ScenarioError(`${this.source}: ${path || "(top level)"}: ${problem}`);
  }

  object(v: unknown, path: string): Record<string, unknown> {
    if (!isObject(v)) this.fail(path, "expected a mapping");
    return v;
  }

  only(o: Record<string, unknown>, path: string, keys: readonly string[]): void {
    for (const k of Object.keys(o)) {
      if (!keys.includes(k)) this.fail(join(path, k), `unknown key (known: ${keys.join(", ")})`);
    }
  }

  private get<T>(o: Record<string, unknown>, key: string, path: string, dflt: T | undefined): unknown {
    const v = o[key];
    if (v === undefined || v === null) {
      if (dflt === undefined) this.fail(join(path, key), "required");
      return dflt;
    }
    return v;
  }

  str(o: Record<string, unknown>, key: string, path: string, dflt?: string): string {
    const v = this.get(o, key, path, dflt);
    if (typeof v === "number") return String(v);
    if (typeof v !== "string") this.fail(join(path, key), "expected a string");
    return v;
  }

  optStr(o: Record<string, unknown>, key: string, path: string): string | null {
    return o[key] === undefined || o[key] === null ? null : this.str(o, key, path);
  }

  optDate(o: Record<string, unknown>, key: string, path: string): string | null {
    const v = o[key];
    if (v === undefined || v === null) return null;
    const s = v instanceof Date ? v.toISOString() : this.str(o, key, path);
    if (Number.isNaN(Date.parse(s))) this.fail(join(path, key), `"${s}" is not an ISO date-time`);
    return new Date(Date.parse(s)).toISOString();
  }

  num(o: Record<string, unknown>, key: string, path: string, dflt?: number, min = -Infinity): number {
    const v = this.get(o, key, path, dflt);
    if (typeof v !== "number" || !Number.isFinite(v)) this.fail(join(path, key), "expected a number");
    if (v < min) this.fail(join(path, key), `must be at least ${min}`);
    return v;
  }

  int(
    o: Record<string, unknown>,
    key: string,
    path: string,
    dflt: number | undefined,
    min: number,
    max: number,
  ): number {
    const v = this.num(o, key, path, dflt);
    if (!Number.isInteger(v) || v < min || v > max)
      this.fail(join(path, key), `expected an integer ${min}..${max}`);
    return v;
  }

  bool(o: Record<string, unknown>, key: string, path: string, dflt?: boolean): boolean {
    const v = this.get(o, key, path, dflt);
    if (typeof v !== "boolean") this.fail(join(path, key), "expected true or false");
    return v;
  }

  oneOf<T extends string>(
    o: Record<string, unknown>,
    key: string,
    path: string,
    allowed: readonly T[],
    dflt?: T,
  ): T {
    const v = this.get(o, key, path, dflt);
    if (typeof v !== "string" || !allowed.includes(v as T)) {
      this.fail(join(path, key), `expected one of ${allowed.join(", ")}`);
    }
    return v as T;
  }

  list<T extends string>(
    o: Record<string, unknown>,
    key: string,
    path: string,
    allowed: readonly T[],
    dflt?: T[],
  ): T[] {
    const v = this.get(o, key, path, dflt);
    if (!Array.isArray(v) || v.length === 0)
      this.fail(join(path, key), `expected a non-empty list of ${allowed.join(", ")}`);
    return (v as unknown[]).map((x, i) => {
      if (typeof x !== "string" || !allowed.includes(x as T)) {
        this.fail(`${join(path, key)}[${i}]`, `expected one of ${allowed.join(", ")}`);
      }
      return x as T;
    });
  }

  array(o: Record<string, unknown>, key: string, path: string): unknown[] {
    const v = o[key];
    if (!Array.isArray(v)) this.fail(join(path, key), "expected a list");
    return v;
  }
}

export type { Reader };

function join(path: string, key: string): string {
  return path ? `${path}.${key}` : key;
}
