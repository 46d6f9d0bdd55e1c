import { jobsForRecording, recordingTokenForCamera } from "../domain/cameraRecording.ts";
import type {
  AnalyticsRule,
  DeviceObservation,
  MediaProfile,
  RecordingConfig,
  RecordingHistory,
  RecordingJob,
  RecordingJobState,
  RecordingInformation,
  Schedule,
  ServiceMap,
} from "../domain/observation.ts";
import { failed, ok, unsupported, type Probe, type ProbeError } from "../domain/probe.ts";
import type { Camera, Policy } from "../domain/site.ts";
import { getRules } from "./ops/analytics.ts";
import { getDeviceInformation } from "./ops/device.ts";
import { getProfilesAuto, getSnapshotUri, getStreamUri, type MediaVia } from "./ops/media.ts";
import { getRecordingJobs, getRecordingJobState, getRecordings } from "./ops/recording.ts";
import { DELETE_TRACK_DATA_TOPIC, toRecordingHistories, TRACK_STATE_TOPIC } from "./ops/recordingHistory.ts";
import { getSchedule } from "./ops/schedule.ts";
import {
  DEFAULT_SEARCH_LIMITS,
  findEvents,
  findRecordings,
  getRecordingInformation,
  type SearchLimits,
} from "./ops/search.ts";
import { readSignalLoss } from "./ops/signalLoss.ts";
import { probeError, probeOf } from "./probeOf.ts";
import type { OnvifSession } from "./types.ts";
import { DAY } from "../domain/time.ts";

export interface ObserveOptions {
  readonly session: OnvifSession;
  /** The configured cameras; those on other devices are ignored. */
  readonly cameras: readonly Camera[];
  readonly policy: Policy;
  /** Our clock in ms. */
  readonly now: () => number;
  /** Also ask GetStreamUri/GetSnapshotUri for the cameras' profiles (picture probes need them). */
  readonly withStreamUris?: boolean;
  /**
   * Search the recordings' history (FindEvents over the whole retention window). Default true;
   * the daemon turns it off in polls and searches incrementally in its retention scans instead
   * (scanRecordingHistory), so a poll stays a handful of cheap requests.
   */
  readonly searchHistory?: boolean;
}

/**
 * From this many recordings on, their information comes from ONE FindRecordings search
 * (FindRecordings, GetRecordingSearchResults, EndSearch: three requests) instead of one
 * GetRecordingInformation each: a 64-channel NVR then answers 3 requests instead of 64.
 */
const SEARCH_RECORDINGS_FROM = 4;

/** A search over the recordings we name completes at once on any sane device; never wait long. */
const RECORDING_SEARCH_LIMITS: SearchLimits = { ...DEFAULT_SEARCH_LIMITS, maxPages: 10 };
const iso = (ms: number): string => new Date(ms).toISOString();

type Keyed<T> = Record<string, Probe<T>>;

/** Asks one question per key in parallel (the session's limit bounds the real concurrency). */
async function probeEach<T>(
  keys: readonly string[],
  ask: (key: string) => Promise<T>,
  o: ObserveOptions,
): Promise<Keyed<T>> {
  const entries = await Promise.all(
    [...new Set(keys)].map(async (k) => [k, await probeOf(() => ask(k), o.session.device.password)] as const),
  );
  return Object.fromEntries(entries);
}

const valueOr = <T>(p: Probe<T>, fallback: T): T => (p.status === "ok" ? p.value : fallback);

/**
 * One poll of one device, asking only what the configured cameras on it need: profiles,
 * recordings and jobs once; job state, recording information and schedules only for the
 * recordings/jobs of those cameras; one FindEvents over all of them for the retention window
 * on the device clock; analytics rules only when the policy requires motion detection; the
 * SignalLoss state once. Never throws for anything the device does: every answer is a Probe,
 * and a device that cannot be read (clock, services, or login) is `unreachable` with the reason.
 */
export async function observeDevice(o: ObserveOptions): Promise<DeviceObservation> {
  const { session } = o;
  const device = session.device;
  const secret = device.password;
  const startedAt = iso(o.now());
  const cameras = o.cameras.filter((c) => c.device === device.id);

  const clock = await probeOf(async () => (await session.syncClock()).clock, secret);
  if (clock.status !== "ok") return unreachable(o, startedAt, errorOf(clock), { clock });
  const services = await probeOf(async () => (await session.directory()).services, secret);
  if (services.status !== "ok") return unreachable(o, startedAt, errorOf(services), { clock, services });
  const svc = services.value;

  const [info, media, recordings, recordingJobs, signalLoss] = await Promise.all([
    probeOf(() => getDeviceInformation(session), secret),
    probeOf(() => getProfilesAuto(session), secret),
    svc.recording
      ? probeOf(() => getRecordings(session), secret)
      : absent<readonly RecordingConfig[]>("recording"),
    svc.recording
      ? probeOf(() => getRecordingJobs(session), secret)
      : absent<readonly RecordingJob[]>("recording"),
    svc.events ? probeSignalLoss(o) : absent<Readonly<Record<string, boolean>>>("events"),
  ]);
  const profiles: Probe<readonly MediaProfile[]> = media.status === "ok" ? ok(media.value.profiles) : media;
  // GetSystemDateAndTime and GetServices need no login; this is the first call that does.
  if (info.status === "failed" && info.error.kind === "auth") {
    // Whatever else did answer is kept (some devices refuse only some calls without a login).
    return unreachable(o, startedAt, info.error, {
      clock,
      services,
      info,
      profiles,
      signalLoss,
      recordings,
      recordingJobs,
    });
  }
  const via: MediaVia | null = media.status === "ok" ? media.value.via : null;

  const profileList = valueOr(profiles, []);
  const jobList = valueOr(recordingJobs, []);
  const recordingTokens = recordingTokensOf(cameras, profileList, jobList, valueOr(recordings, []));
  const jobs = recordingTokens.flatMap((t) => jobsForRecording(t, jobList));
  const scheduleTokens = uniq(jobs.map((j) => j.scheduleToken).filter((t): t is string => t !== null));
  const cameraProfiles = cameras
    .map((c) => profileList.find((p) => p.token === c.profile))
    .filter((p): p is MediaProfile => p !== undefined);
  const analyticsTokens = o.policy.requireMotionDetection
    ? uniq(cameraProfiles.map((p) => p.analyticsToken).filter((t): t is string => t !== null))
    : [];

  // Whole seconds: the window sent in FindEvents and the one reported must be the same.
  const deviceNow = Math.floor(session.deviceNow() / 1000) * 1000;
  const from = deviceNow - o.policy.retentionDays * DAY;

  const [jobStates, schedules, recordingInfo, recordingHistory, analyticsRules, uris] = await Promise.all([
    probeEach<RecordingJobState>(
      jobs.map((j) => j.token),
      (t) => getRecordingJobState(session, t),
      o,
    ),
    probeEach<Schedule>(scheduleTokens, (t) => getSchedule(session, t), o),
    recordingInformation(o, recordingTokens),
    o.searchHistory === false ? Promise.resolve({}) : history(o, recordingTokens, from, deviceNow),
    probeEach<readonly AnalyticsRule[]>(analyticsTokens, (t) => getRules(session, t), o),
    o.withStreamUris && via ? streamUris(o, cameraProfiles, via) : Promise.resolve(null),
  ]);

  return {
    deviceId: device.id,
    startedAt,
    finishedAt: iso(o.now()),
    reach: { status: "reachable" },
    clock,
    info,
    services,
    profiles: uris && profiles.status === "ok" ? ok(withUris(profiles.value, uris)) : profiles,
    signalLoss,
    recordings,
    recordingJobs,
    jobStates,
    schedules,
    recordingInfo,
    recordingHistory,
    analyticsRules,
  };
}

function absent<T>(name: keyof ServiceMap): Promise<Probe<T>> {
  return Promise.resolve(unsupported<T>(`the device offers no ${name} service`));
}

async function probeSignalLoss(o: ObserveOptions): Promise<Probe<Readonly<Record<string, boolean>>>> {
  const r = await probeOf(() => readSignalLoss(o.session), o.session.device.password);
  if (r.status !== "ok") return r;
  // A device that sends no SignalLoss state at all does not tell us the sources are fine.
  if (r.value.messages === 0)
    return unsupported("the device reported no SignalLoss state for any video source");
  return ok(r.value.states);
}

/**
 * RecordingInformation per recording (the tt:RecordingInformation of each, never the
 * device-wide summary). Many recordings: one search, then GetRecordingInformation only for
 * those the search did not return (all of them when the device cannot search), so a device
 * with a poor search answers exactly what it would have answered one by one.
 */
async function recordingInformation(
  o: ObserveOptions,
  tokens: readonly string[],
): Promise<Keyed<RecordingInformation>> {
  const ask = (t: string): Promise<RecordingInformation> => getRecordingInformation(o.session, t);
  if (tokens.length < SEARCH_RECORDINGS_FROM) return probeEach(tokens, ask, o);
  const searched = await probeOf(
    () => findRecordings(o.session, tokens, RECORDING_SEARCH_LIMITS),
    o.session.device.password,
  );
  const found = new Map<string, RecordingInformation>();
  if (searched.status === "ok") {
    for (const ri of searched.value) {
      if (!found.has(ri.recordingToken)) found.set(ri.recordingToken, ri);
    }
  }
  const asked = await probeEach(
    tokens.filter((t) => !found.has(t)),
    ask,
    o,
  );
  return Object.fromEntries(
    tokens.map((t) => {
      const ri = found.get(t);
      return [t, ri !== undefined ? ok(ri) : (asked[t] as Probe<RecordingInformation>)] as const;
    }),
  );
}

/** The recordings holding the cameras' video (one token per recording, however many cameras share it). */
function recordingTokensOf(
  cameras: readonly Camera[],
  profiles: readonly MediaProfile[],
  jobs: readonly RecordingJob[],
  recordings: readonly RecordingConfig[],
): string[] {
  return uniq(
    cameras
      .map((c) => recordingTokenForCamera(c, profiles, jobs, recordings))
      .filter((t): t is string => t !== null),
  );
}

export interface HistoryScanOptions {
  readonly session: OnvifSession;
  /** The configured cameras; those on other devices are ignored. */
  readonly cameras: readonly Camera[];
  /**
   * Where the search starts (device clock, ms), given the recordings found and device-now:
   * the whole retention window, or just past what an earlier scan already searched.
   */
  readonly searchFrom: (recordingTokens: readonly string[], deviceNowMs: number) => number;
}

/** What one retention scan searched and found, per recording. */
export interface HistoryScan {
  readonly fromMs: number;
  readonly toMs: number;
  readonly histories: Keyed<RecordingHistory>;
}

/**
 * A retention scan: the recordings' history (track data present or not, deleted data) from
 * `searchFrom` to device-now, in ONE FindEvents over the recordings of the configured cameras.
 * Finding those recordings takes GetProfiles, GetRecordings and GetRecordingJobs, as in a poll.
 * Never throws for anything the device does: a device that cannot be read, or has no recording
 * service, gives a failed or unsupported probe.
 */
export async function scanRecordingHistory(o: HistoryScanOptions): Promise<Probe<HistoryScan>> {
  const { session } = o;
  const secret = session.device.password;
  const cameras = o.cameras.filter((c) => c.device === session.device.id);
  const clock = await probeOf(() => session.syncClock(), secret);
  if (clock.status !== "ok") return clock;
  const services = await probeOf(async () => (await session.directory()).services, secret);
  if (services.status !== "ok") return services;
  if (!services.value.recording || !services.value.search) {
    return unsupported("the device offers no recording search (Profile G)");
  }
  const [media, recordings, jobs] = await Promise.all([
    probeOf(() => getProfilesAuto(session), secret),
    probeOf(() => getRecordings(session), secret),
    probeOf(() => getRecordingJobs(session), secret),
  ]);
  // Without the profiles, recordings or jobs, which recording holds which camera cannot be told
  // for sure; a scan that guessed would drop the stored history of the recordings it missed.
  if (media.status !== "ok") return media;
  if (recordings.status !== "ok") return recordings;
  if (jobs.status !== "ok") return jobs;
  const tokens = recordingTokensOf(cameras, media.value.profiles, jobs.value, recordings.value);
  const toMs = Math.floor(session.deviceNow() / 1000) * 1000;
  const fromMs = Math.min(Math.floor(o.searchFrom(tokens, toMs) / 1000) * 1000, toMs);
  const histories = await history({ session }, tokens, fromMs, toMs);
  return ok({ fromMs, toMs, histories });
}

/** ONE FindEvents over all the cameras' recordings, split per recording. */
async function history(
  o: Pick<ObserveOptions, "session">,
  tokens: readonly string[],
  fromMs: number,
  toMs: number,
): Promise<Keyed<RecordingHistory>> {
  if (tokens.length === 0) return {};
  const results = await probeOf(
    () =>
      findEvents(o.session, {
        fromMs,
        toMs,
        recordingTokens: tokens,
        topics: [TRACK_STATE_TOPIC, DELETE_TRACK_DATA_TOPIC],
        includeStartState: true,
      }),
    o.session.device.password,
  );
  if (results.status !== "ok") return Object.fromEntries(tokens.map((t) => [t, results]));
  const byRecording = toRecordingHistories(results.value, tokens, iso(fromMs), iso(toMs));
  return Object.fromEntries(tokens.map((t) => [t, ok(byRecording[t] as RecordingHistory)]));
}

interface Uris {
  readonly stream: string | null;
  readonly snapshot: string | null;
}

async function streamUris(
  o: ObserveOptions,
  profiles: readonly MediaProfile[],
  via: MediaVia,
): Promise<Map<string, Uris>> {
  const entries = await Promise.all(
    uniq(profiles.map((p) => p.token)).map(async (token) => {
      const [stream, snapshot] = await Promise.all([
        probeOf(() => getStreamUri(o.session, token, via)),
        probeOf(() => getSnapshotUri(o.session, token, via)),
      ]);
      return [token, { stream: valueOr(stream, null), snapshot: valueOr(snapshot, null) }] as const;
    }),
  );
  return new Map(entries);
}

function withUris(profiles: readonly MediaProfile[], uris: ReadonlyMap<string, Uris>): MediaProfile[] {
  return profiles.map((p) => {
    const u = uris.get(p.token);
    return u ? { ...p, streamUri: u.stream, snapshotUri: u.snapshot } : p;
  });
}

function errorOf(p: Probe<unknown>): ProbeError {
  return probeError(p) ?? { kind: "malformed", message: "no answer" };
}

/**
 * A device we could not read: every fact it did give is kept (a clock read before the
 * services call faulted stays a clock), every probe not asked carries the error that stopped us.
 */
function unreachable(
  o: ObserveOptions,
  startedAt: string,
  error: ProbeError,
  got: Partial<
    Pick<
      DeviceObservation,
      "clock" | "services" | "info" | "profiles" | "signalLoss" | "recordings" | "recordingJobs"
    >
  >,
): DeviceObservation {
  const f = failed<never>(error);
  return {
    deviceId: o.session.device.id,
    startedAt,
    finishedAt: iso(o.now()),
    reach: { status: "unreachable", error },
    clock: got.clock ?? f,
    info: got.info ?? f,
    services: got.services ?? f,
    profiles: got.profiles ?? f,
    signalLoss: got.signalLoss ?? f,
    recordings: got.recordings ?? f,
    recordingJobs: got.recordingJobs ?? f,
    jobStates: {},
    schedules: {},
    recordingInfo: {},
    recordingHistory: {},
    analyticsRules: {},
  };
}

const uniq = <T>(xs: readonly T[]): T[] => [...new Set(xs)];
