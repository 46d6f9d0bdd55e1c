import { DigestVerifier } from "./auth/digest.ts";
import { NonceCache } from "./auth/wsse.ts";
import { ChannelRuntime } from "./channel.ts";
import type { ChannelPatch, DevicePatch, DeviceSpec, JobStateName, OperationBehaviour } from "./scenario.ts";
import { EPOCH_PLACEHOLDER, isoUtc } from "./time.ts";

/** A pull-point subscription (events service). */
export interface Subscription {
  readonly id: number;
  terminationMs: number;
  /** How far each PullMessages/Renew pushes the termination time. */
  readonly durationMs: number;
  /** Whether the subscription's filter lets tns1:VideoSource/SignalLoss through. */
  readonly signalLoss: boolean;
  /** Rendered NotificationMessage elements waiting to be pulled. */
  readonly queue: string[];
  /** Wakes a PullMessages that is waiting for messages. */
  wake: (() => void) | null;
}

/** A running FindRecordings/FindEvents session (search service). */
export interface SearchSession {
  readonly token: string;
  readonly kind: "recordings" | "events";
  /** Rendered result elements, in delivery order. */
  readonly results: readonly string[];
  next: number;
  keepAliveMs: number;
  lastUsedMs: number;
  /** The search's end point as reported by EndSearch (device clock ISO). */
  readonly endPoint: string;
}

export interface ChannelState {
  readonly n: number;
  readonly name: string;
  readonly online: boolean;
  readonly signalLoss: boolean;
  readonly recordingConfigured: boolean;
  readonly jobMode: string;
  readonly jobState: JobStateName;
  readonly recordingNow: boolean;
  readonly eventOnly: boolean;
  readonly scheduleToken: string | null;
  readonly maximumRetention: string;
  readonly motionRules: string;
  readonly dataFrom: string;
  readonly dataTo: string;
  readonly gaps: number;
  readonly deletions: number;
  readonly picture: string;
  readonly stream: string;
}

/** One RTSP session, as state() shows it. */
export interface MediaSessionState {
  readonly session: string;
  readonly channel: number;
  readonly uri: string;
  readonly playing: boolean;
  readonly framesSent: number;
  readonly framesDropped: number;
  readonly bufferedBytes: number;
  /** No frames are being sent (stream: stopping, after its time). */
  readonly silent: boolean;
}

/** The RTSP and snapshot side of a device. */
export interface MediaState {
  readonly rtspPort: number;
  /** RTSP requests per method. */
  readonly rtspRequests: Readonly<Record<string, number>>;
  readonly snapshotRequests: number;
  /** RTSP and snapshot requests with wrong credentials (not the first, unauthenticated try). */
  readonly authFailures: number;
  readonly sessions: readonly MediaSessionState[];
}

/** What /sim/state and RunningSimulator.device(id).state() tell (never the password). */
export interface DeviceState {
  readonly id: string;
  readonly url: string;
  readonly port: number;
  readonly username: string;
  readonly auth: string;
  readonly reachable: boolean;
  readonly services: {
    readonly profileG: boolean;
    readonly analytics: boolean;
    readonly events: boolean;
    readonly media2: boolean;
  };
  readonly clock: { readonly deviceUtc: string; readonly offsetSeconds: number; readonly timezone: string };
  readonly requests: {
    readonly total: number;
    readonly byOperation: Readonly<Record<string, number>>;
    readonly authFailures: number;
  };
  readonly openSubscriptions: number;
  readonly openSearches: number;
  readonly channels: readonly ChannelState[];
  readonly media: MediaState;
}

export const MAX_SUBSCRIPTIONS = 16;
export const MAX_SEARCHES = 32;

export class SimDevice {
  spec: DeviceSpec;
  readonly channels: ChannelRuntime[];
  /** Set once the listener is bound. */
  port = 0;
  /** Set once the RTSP listener is bound. */
  rtspPort = 0;
  /** The RTSP server's live sessions (set by it). */
  mediaSessions: () => readonly MediaSessionState[] = () => [];
  readonly #rtspRequests = new Map<string, number>();
  #snapshotRequests = 0;
  #mediaAuthFailures = 0;
  readonly nonces = new NonceCache();
  readonly digest: DigestVerifier;
  readonly subscriptions = new Map<number, Subscription>();
  readonly searches = new Map<string, SearchSession>();
  #nextSubscription = 1;
  #nextSearch = 1;
  #clockOffsetMs = 0;
  readonly #byOperation = new Map<string, number>();
  #total = 0;
  #authFailures = 0;
  /** Device-wide XML fragments; cleared on any change. */
  readonly cache = new Map<string, string>();

  constructor(
    spec: DeviceSpec,
    readonly now: () => number,
    private readonly defaultAdvertisedHost: string | null,
  ) {
    this.spec = spec;
    const t = now();
    this.channels = spec.channels.map((c, i) => new ChannelRuntime(i + 1, c, t));
    this.#setClock(spec.clockDriftSeconds, spec.clockStartsAt);
    this.digest = new DigestVerifier({
      realm: `NVR(${spec.id})`,
      algorithms: () => this.spec.digestAlgorithms,
      now,
    });
  }

  /** The device's clock, in ms since the epoch (simulator clock + drift). */
  deviceNow(): number {
    return this.now() + this.#clockOffsetMs;
  }

  /** A simulator-clock instant as the device writes it. */
  deviceIso(simMs: number): string {
    return isoUtc(simMs + this.#clockOffsetMs);
  }

  /** Device-clock ms back to simulator-clock ms (for times clients send). */
  toSim(deviceMs: number): number {
    return deviceMs - this.#clockOffsetMs;
  }

  /** http://host:port as the device names itself in XAddrs and URIs. */
  baseUrl(): string {
    const host = this.spec.advertisedHost ?? this.defaultAdvertisedHost ?? this.spec.host;
    return `http://${host}:${this.port}`;
  }

  /** The host part alone (RTSP URIs use it with their own port). */
  advertisedHostName(): string {
    return this.spec.advertisedHost ?? this.defaultAdvertisedHost ?? this.spec.host;
  }

  channel(n: number): ChannelRuntime | null {
    return this.channels[n - 1] ?? null;
  }

  behaviour(operation: string): OperationBehaviour | null {
    const ops = this.spec.operations;
    const specific = ops[operation];
    const all = ops["*"];
    if (!specific && !all) return null;
    return { ...all, ...specific };
  }

  countRequest(operation: string): void {
    this.#total++;
    this.#byOperation.set(operation, (this.#byOperation.get(operation) ?? 0) + 1);
  }

  countAuthFailure(): void {
    this.#authFailures++;
  }

  resetCounters(): void {
    this.#total = 0;
    this.#authFailures = 0;
    this.#byOperation.clear();
    this.#rtspRequests.clear();
    this.#snapshotRequests = 0;
    this.#mediaAuthFailures = 0;
  }

  countRtspRequest(method: string): void {
    this.#rtspRequests.set(method, (this.#rtspRequests.get(method) ?? 0) + 1);
  }

  countSnapshotRequest(): void {
    this.#snapshotRequests++;
  }

  countMediaAuthFailure(): void {
    this.#mediaAuthFailures++;
  }

  setChannel(n: number, patch: ChannelPatch): void {
    const ch = this.channel(n);
    if (!ch) throw new RangeError(`device ${this.spec.id} has no channel ${n}`);
    if (
      patch.scheduleToken !== undefined &&
      patch.scheduleToken !== null &&
      !this.spec.schedules.some((s) => s.token === patch.scheduleToken)
    ) {
      throw new RangeError(`device ${this.spec.id} has no schedule "${patch.scheduleToken}"`);
    }
    const before = ch.spec.signalLoss || !ch.spec.online;
    ch.patch(patch, this.now());
    this.cache.clear();
    const after = ch.spec.signalLoss || !ch.spec.online;
    if (before !== after && ch.spec.online) this.#notifySignalLoss(ch.n, ch.spec.signalLoss);
  }

  setDevice(patch: DevicePatch): void {
    this.spec = { ...this.spec, ...patch };
    if (patch.clockDriftSeconds !== undefined || patch.clockStartsAt !== undefined) {
      this.#setClock(this.spec.clockDriftSeconds, this.spec.clockStartsAt);
    }
    this.cache.clear();
    for (const c of this.channels) c.cache.clear();
  }

  newSubscription(durationMs: number, signalLoss: boolean): Subscription | null {
    this.expire();
    if (this.subscriptions.size >= MAX_SUBSCRIPTIONS) return null;
    const terminationMs = this.now() + durationMs;
    const sub: Subscription = {
      id: this.#nextSubscription++,
      terminationMs,
      durationMs,
      signalLoss,
      queue: [],
      wake: null,
    };
    this.subscriptions.set(sub.id, sub);
    return sub;
  }

  newSearch(
    kind: SearchSession["kind"],
    results: string[],
    keepAliveMs: number,
    endPoint: string,
  ): SearchSession | null {
    this.expire();
    if (this.searches.size >= MAX_SEARCHES) return null;
    const token = `SearchToken_${this.#nextSearch++}`;
    const s: SearchSession = { token, kind, results, next: 0, keepAliveMs, lastUsedMs: this.now(), endPoint };
    this.searches.set(token, s);
    return s;
  }

  /** Drops subscriptions past their termination time and searches past their keep-alive. */
  expire(): void {
    const t = this.now();
    for (const [id, s] of this.subscriptions) {
      if (s.terminationMs < t) {
        s.wake?.();
        this.subscriptions.delete(id);
      }
    }
    for (const [token, s] of this.searches) if (t - s.lastUsedMs > s.keepAliveMs) this.searches.delete(token);
  }

  /** Wakes every waiting PullMessages (used on stop). */
  wakeAll(): void {
    for (const s of this.subscriptions.values()) s.wake?.();
  }

  state(): DeviceState {
    const t = this.now();
    return {
      id: this.spec.id,
      url: `${this.baseUrl()}/onvif/device_service`,
      port: this.port,
      username: this.spec.username,
      auth: this.spec.auth,
      reachable: this.spec.reachable,
      services: {
        profileG: this.spec.profileG,
        analytics: this.spec.analytics,
        events: this.spec.events,
        media2: this.spec.media2,
      },
      clock: {
        deviceUtc: isoUtc(this.deviceNow()),
        offsetSeconds: Math.round(this.#clockOffsetMs / 1000),
        timezone: this.spec.timezone,
      },
      requests: {
        total: this.#total,
        byOperation: Object.fromEntries(this.#byOperation),
        authFailures: this.#authFailures,
      },
      openSubscriptions: this.subscriptions.size,
      openSearches: this.searches.size,
      channels: this.channels.map((c) => ({
        n: c.n,
        name: c.name,
        online: c.spec.online,
        signalLoss: c.spec.signalLoss,
        recordingConfigured: c.spec.recording,
        jobMode: c.spec.jobMode,
        jobState: c.jobState().state,
        recordingNow: c.isRecording() && c.frozenAtMs === null,
        eventOnly: c.spec.eventOnly,
        scheduleToken: c.spec.scheduleToken,
        maximumRetention: c.spec.maximumRetention,
        motionRules: c.spec.motionRules,
        dataFrom: c.earliestMs === null ? EPOCH_PLACEHOLDER : this.deviceIso(c.earliestMs),
        dataTo: this.deviceIso(c.dataToMs(t)),
        gaps: c.gaps().length,
        deletions: c.deletions.length,
        picture: c.spec.picture,
        stream: c.spec.stream,
      })),
      media: {
        rtspPort: this.rtspPort,
        rtspRequests: Object.fromEntries(this.#rtspRequests),
        snapshotRequests: this.#snapshotRequests,
        authFailures: this.#mediaAuthFailures,
        sessions: this.mediaSessions(),
      },
    };
  }

  #setClock(driftSeconds: number, startsAt: string | null): void {
    this.#clockOffsetMs = startsAt !== null ? Date.parse(startsAt) - this.now() : driftSeconds * 1000;
  }

  #notifySignalLoss(n: number, lost: boolean): void {
    const message = signalLossMessage(this.deviceIso(this.now()), n, lost, "Changed");
    for (const s of this.subscriptions.values()) {
      if (!s.signalLoss) continue;
      if (s.queue.length < 1000) s.queue.push(message);
      s.wake?.();
    }
  }
}

/** tns1:VideoSource/SignalLoss as the Imaging service words it (Source item named "Source"). */
export function signalLossMessage(
  utc: string,
  n: number,
  lost: boolean,
  op: "Initialized" | "Changed",
): string {
  return (
    `<wsnt:NotificationMessage><wsnt:Topic Dialect="http://www.onvif.org/ver10/tev/topicExpression/ConcreteSet">tns1:VideoSource/SignalLoss</wsnt:Topic>` +
    `<wsnt:Message><tt:Message UtcTime="${utc}" PropertyOperation="${op}">` +
    `<tt:Source><tt:SimpleItem Name="Source" Value="VideoSource_${n}"/></tt:Source>` +
    `<tt:Data><tt:SimpleItem Name="State" Value="${lost}"/></tt:Data>` +
    `</tt:Message></wsnt:Message></wsnt:NotificationMessage>`
  );
}
