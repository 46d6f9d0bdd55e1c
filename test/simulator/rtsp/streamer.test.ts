import { describe, expect, it } from "vitest";
import { RtpStreamer, type FrameDecision } from "../../../src/simulator/rtsp/streamer.ts";
import type { Clip } from "../../../src/simulator/video/library.ts";

/** A clip whose frame i carries the payload [tag, i]; keyframes every `gop`. */
function fakeClip(tag: number, frames: number, gop = 5): Clip {
  return {
    kind: "moving",
    encoding: "H264",
    width: 640,
    height: 360,
    fps: 10,
    parameterSets: { vps: null, sps: Buffer.from([0x67]), pps: Buffer.from([0x68]) },
    frames: Array.from({ length: frames }, (_, i) => ({
      payloads: [Buffer.from([tag, i])],
      keyframe: i % gop === 0,
    })),
  };
}

interface Sent {
  readonly channel: number;
  readonly tag: number;
  readonly frame: number;
  readonly seq: number;
  readonly ts: number;
  readonly at: number;
}

/** A fake socket, clock and timer queue: time only moves when the test says so. */
function harness(decide: () => FrameDecision, limits = { maxBufferedBytes: 1000, stallLimitMs: 3000 }) {
  let now = 0;
  let timers: { at: number; fn: () => void; live: boolean }[] = [];
  const sent: Sent[] = [];
  const closed: string[] = [];
  const sink = {
    writableLength: 0,
    destroyed: false,
    write(b: Buffer): void {
      for (let o = 0; o < b.length;) {
        const len = b.readUInt16BE(o + 2);
        const pkt = b.subarray(o + 4, o + 4 + len);
        if (b[o + 1] === 0) {
          sent.push({
            channel: 0,
            tag: pkt[12]!,
            frame: pkt[13]!,
            seq: pkt.readUInt16BE(2),
            ts: pkt.readUInt32BE(4),
            at: now,
          });
        } else
          sent.push({ channel: b[o + 1]!, tag: -1, frame: -1, seq: -1, ts: pkt.readUInt32BE(20), at: now });
        o += 4 + len;
      }
    },
  };
  const streamer = new RtpStreamer({
    sink,
    rtpChannel: 0,
    rtcpChannel: 1,
    ssrc: 42,
    firstSeq: 65534,
    firstTimestamp: 2 ** 32 - 9000,
    decide,
    clock: () => now,
    wallclock: () => Date.UTC(2026, 0, 1),
    schedule: (fn, ms) => {
      const t = { at: now + ms, fn, live: true };
      timers.push(t);
      return () => {
        t.live = false;
      };
    },
    ...limits,
    cname: "test",
    onClose: (why) => closed.push(why),
  });
  const advance = (ms: number): void => {
    const end = now + ms;
    for (;;) {
      timers = timers.filter((t) => t.live);
      const next = timers.sort((a, b) => a.at - b.at)[0];
      if (!next || next.at > end) break;
      now = Math.max(now, next.at);
      next.live = false;
      next.fn();
    }
    now = end;
  };
  const jump = (ms: number): void => {
    now += ms; // the event loop was blocked: time passed without timers firing
  };
  return { streamer, sink, sent, closed, advance, jump, rtp: () => sent.filter((s) => s.channel === 0) };
}

describe("RtpStreamer", () => {
  it("sends one frame per 100 ms, loops the clip with timestamps still rising and sequence numbers wrapping", () => {
    const clip = fakeClip(1, 7);
    const h = harness(() => ({ kind: "send", clip }));
    h.streamer.start();
    h.advance(1999);
    const rtp = h.rtp();
    expect(rtp).toHaveLength(20);
    expect(rtp.map((s) => s.at)).toEqual(rtp.map((_, i) => i * 100));
    expect(rtp.map((s) => s.frame)).toEqual(rtp.map((_, i) => i % 7));
    expect(rtp.map((s) => s.seq).slice(0, 4)).toEqual([65534, 65535, 0, 1]);
    // the timestamp starts just below 2^32 and wraps, advancing 9000 (90 kHz / 10 fps) per frame
    expect(rtp.map((s) => s.ts)).toEqual(rtp.map((_, i) => (2 ** 32 - 9000 + i * 9000) % 2 ** 32));
    expect(h.sent[0]?.channel).toBe(1); // a sender report comes first
    h.streamer.stop();
    h.advance(1000);
    expect(h.rtp()).toHaveLength(20);
  });

  it("drops frames while the socket holds too much, then resumes at a keyframe", () => {
    const clip = fakeClip(1, 20, 5);
    const h = harness(() => ({ kind: "send", clip }));
    h.streamer.start(); // frame 0
    h.advance(100); // frame 1
    h.sink.writableLength = 5000;
    h.advance(200); // frames 2, 3 dropped
    h.sink.writableLength = 0;
    h.advance(300); // frame 4 skipped (not a key), 5 (key) and 6 sent
    expect(h.rtp().map((s) => s.frame)).toEqual([0, 1, 5, 6]);
    expect(h.streamer.stats()).toMatchObject({ framesSent: 4, framesDropped: 3 });
    // no RTP timestamp is reused: the gap shows the time that passed
    const ts = h.rtp().map((s) => s.ts);
    expect((ts[2]! - ts[1]! + 2 ** 32) % 2 ** 32).toBe(4 * 9000);
    expect(h.closed).toEqual([]);
  });

  it("disconnects a reader that stays over the limit for the stall limit", () => {
    const clip = fakeClip(1, 20);
    const h = harness(() => ({ kind: "send", clip }), { maxBufferedBytes: 10, stallLimitMs: 3000 });
    h.sink.writableLength = 11;
    h.streamer.start();
    h.advance(2900);
    expect(h.closed).toEqual([]);
    h.advance(200);
    expect(h.closed).toEqual(["reader too slow"]);
    expect(h.streamer.running).toBe(false);
    expect(h.rtp()).toHaveLength(0);
  });

  it("goes silent on request while time runs on, and resumes at a keyframe", () => {
    const clip = fakeClip(1, 20, 5);
    let decision: FrameDecision = { kind: "send", clip };
    const h = harness(() => decision);
    h.streamer.start();
    h.advance(150); // frames 0, 1
    decision = { kind: "silent" };
    h.advance(400);
    expect(h.streamer.stats().silent).toBe(true);
    expect(h.rtp()).toHaveLength(2);
    decision = { kind: "send", clip };
    h.advance(600);
    const frames = h.rtp().map((s) => s.frame);
    expect(frames.slice(0, 3)).toEqual([0, 1, 10]);
    expect(h.rtp()[2]?.at).toBe(1000);
  });

  it("switches to a new clip at its first frame (a keyframe), and closes when told to", () => {
    const a = fakeClip(1, 20);
    const b = fakeClip(2, 20);
    let decision: FrameDecision = { kind: "send", clip: a };
    const h = harness(() => decision);
    h.streamer.start();
    h.advance(250);
    decision = { kind: "send", clip: b };
    h.advance(200);
    expect(h.rtp().map((s) => [s.tag, s.frame])).toEqual([
      [1, 0],
      [1, 1],
      [1, 2],
      [2, 0],
      [2, 1],
    ]);
    decision = { kind: "close", why: "channel offline" };
    h.advance(100);
    expect(h.closed).toEqual(["channel offline"]);
    h.advance(1000);
    expect(h.rtp()).toHaveLength(5);
  });

  it("does not burst after the event loop was blocked: pacing starts afresh", () => {
    const clip = fakeClip(1, 50);
    const h = harness(() => ({ kind: "send", clip }));
    h.streamer.start();
    h.advance(100);
    h.jump(5000);
    h.advance(0);
    h.advance(250);
    const at = h.rtp().map((s) => s.at);
    expect(at).toEqual([0, 100, 5100, 5200, 5300]);
  });
});
