import type { Clip } from "../video/library.ts";
import { RTP_CLOCK, interleavedRtp, interleavedSenderReport, type RtpState } from "./rtp.ts";

/**
 * Sends one client its video in real time: one access unit per frame interval, paced against a
 * monotonic clock (not the simulator's, which tests may freeze), looping the clip while the RTP
 * timestamps keep increasing. Before each frame it asks what the channel wants now (a patch may
 * change the picture, stop the stream, take the channel offline).
 *
 * A reader that does not keep up cannot grow memory: while more than `maxBufferedBytes` wait in
 * its socket, frames are dropped (and sending resumes only at a keyframe, so the picture is not
 * corrupted); a reader that stays over the limit for `stallLimitMs` is disconnected.
 */

export type FrameDecision =
  | { readonly kind: "send"; readonly clip: Clip }
  /** Keep the session, send nothing (a stopped encoder). */
  | { readonly kind: "silent" }
  | { readonly kind: "close"; readonly why: string };

/** The socket, as far as the streamer needs it. */
export interface RtpSink {
  readonly writableLength: number;
  readonly destroyed: boolean;
  write(data: Buffer): unknown;
}

export interface StreamerOptions {
  readonly sink: RtpSink;
  readonly rtpChannel: number;
  readonly rtcpChannel: number;
  readonly ssrc: number;
  readonly firstSeq: number;
  readonly firstTimestamp: number;
  readonly decide: () => FrameDecision;
  /** Monotonic milliseconds (pacing, stall limit). */
  readonly clock: () => number;
  /** The camera's wall clock in ms since the epoch (sender reports). */
  readonly wallclock: () => number;
  /** Runs `fn` after `ms`; returns a cancel function. */
  readonly schedule: (fn: () => void, ms: number) => () => void;
  readonly maxBufferedBytes: number;
  readonly stallLimitMs: number;
  readonly cname: string;
  /** The streamer gave up on the client (closed by decision, or a stalled reader): drop the connection. */
  readonly onClose: (why: string) => void;
}

export interface StreamerStats {
  readonly framesSent: number;
  readonly framesDropped: number;
  readonly bufferedBytes: number;
  readonly silent: boolean;
}

const SENDER_REPORT_EVERY_MS = 5000;
/** Further behind schedule than this (a blocked event loop): start pacing afresh rather than burst. */
const MAX_LAG_MS = 1000;

export class RtpStreamer {
  readonly #o: StreamerOptions;
  readonly #rtp: RtpState;
  #timestamp: number;
  #clip: Clip | null = null;
  #index = 0;
  #frameNo = 0;
  #startedAt = 0;
  #cancel: (() => void) | null = null;
  #running = false;
  #needKeyframe = false;
  #overSince: number | null = null;
  #nextReport = 0;
  #sent = 0;
  #dropped = 0;
  #silent = false;

  constructor(options: StreamerOptions) {
    this.#o = options;
    this.#rtp = { ssrc: options.ssrc, seq: options.firstSeq & 0xffff, packets: 0, octets: 0 };
    this.#timestamp = options.firstTimestamp >>> 0;
  }

  start(): void {
    if (this.#running) return;
    this.#running = true;
    this.#startedAt = this.#o.clock();
    this.#tick();
  }

  stop(): void {
    this.#running = false;
    this.#cancel?.();
    this.#cancel = null;
  }

  get running(): boolean {
    return this.#running;
  }

  stats(): StreamerStats {
    return {
      framesSent: this.#sent,
      framesDropped: this.#dropped,
      bufferedBytes: this.#o.sink.writableLength,
      silent: this.#silent,
    };
  }

  #tick(): void {
    this.#cancel = null;
    if (!this.#running) return;
    const o = this.#o;
    if (o.sink.destroyed) return this.stop();
    const decision = o.decide();
    if (decision.kind === "close") {
      this.stop();
      return o.onClose(decision.why);
    }
    this.#silent = decision.kind === "silent";
    if (decision.kind === "send") {
      if (decision.clip !== this.#clip) {
        this.#clip = decision.clip;
        this.#index = 0; // every clip starts with a keyframe
      }
      if (!this.#sendFrame(decision.clip)) return;
    } else {
      this.#needKeyframe = true;
      this.#overSince = null;
      if (this.#clip) this.#index = (this.#index + 1) % this.#clip.frames.length;
    }
    const fps = this.#clip?.fps ?? 10;
    this.#frameNo++;
    this.#timestamp = (this.#timestamp + Math.round(RTP_CLOCK / fps)) >>> 0;
    const interval = 1000 / fps;
    let due = this.#startedAt + this.#frameNo * interval;
    const now = o.clock();
    if (now - due > MAX_LAG_MS) {
      // the frame just sent was the late one: the next follows one interval after it
      this.#startedAt = now + interval - this.#frameNo * interval;
      due = now + interval;
    }
    this.#cancel = o.schedule(() => this.#tick(), Math.max(0, due - now));
  }

  /** Sends (or drops) the current frame of `clip`; false when the client was given up on. */
  #sendFrame(clip: Clip): boolean {
    const o = this.#o;
    const frame = clip.frames[this.#index]!;
    this.#index = (this.#index + 1) % clip.frames.length;
    if (o.sink.writableLength > o.maxBufferedBytes) {
      const now = o.clock();
      this.#overSince ??= now;
      this.#dropped++;
      this.#needKeyframe = true;
      if (now - this.#overSince >= o.stallLimitMs) {
        this.stop();
        o.onClose("reader too slow");
        return false;
      }
      return true;
    }
    this.#overSince = null;
    if (this.#needKeyframe && !frame.keyframe) {
      this.#dropped++;
      return true;
    }
    this.#needKeyframe = false;
    const now = o.clock();
    if (now >= this.#nextReport) {
      o.sink.write(
        interleavedSenderReport(this.#rtp, this.#timestamp, o.wallclock(), o.cname, o.rtcpChannel),
      );
      this.#nextReport = now + SENDER_REPORT_EVERY_MS;
    }
    o.sink.write(interleavedRtp(frame.payloads, this.#rtp, this.#timestamp, o.rtpChannel));
    this.#sent++;
    return true;
  }
}
