import { describe, expect, it } from "vitest";
import { chooseTransport } from "../../../src/simulator/rtsp/transport.ts";

describe("chooseTransport", () => {
  it("takes interleaved TCP with the channels asked for, or 0-1 when none are named", () => {
    expect(chooseTransport("RTP/AVP/TCP;unicast;interleaved=2-3")).toEqual({
      ok: true,
      rtpChannel: 2,
      rtcpChannel: 3,
    });
    expect(chooseTransport("RTP/AVP/TCP;unicast")).toEqual({ ok: true, rtpChannel: 0, rtcpChannel: 1 });
  });

  it("skips UDP offers in a list and takes the TCP one", () => {
    expect(
      chooseTransport("RTP/AVP;unicast;client_port=5000-5001,RTP/AVP/TCP;interleaved=0-1"),
    ).toMatchObject({
      ok: true,
      rtpChannel: 0,
    });
  });

  it("refuses UDP, multicast, bad channels and a missing header", () => {
    expect(chooseTransport("RTP/AVP;unicast;client_port=5000-5001").ok).toBe(false);
    expect(chooseTransport("RTP/AVP/UDP;unicast;client_port=5000-5001").ok).toBe(false);
    expect(chooseTransport("RTP/AVP/TCP;multicast;interleaved=0-1").ok).toBe(false);
    expect(chooseTransport("RTP/AVP/TCP;interleaved=300-301").ok).toBe(false);
    expect(chooseTransport(undefined).ok).toBe(false);
  });
});
