import { describe, expect, it } from "vitest";
import { RtspFramer, RtspFramingError, serialize } from "../../src/net/rtspMessage.ts";

const limits = { maxHeadBytes: 256, maxBodyBytes: 64 };

describe("RtspFramer", () => {
  it("splits messages and interleaved packets, whatever the chunk boundaries", () => {
    const wire = Buffer.concat([
      Buffer.from("RTSP/1.0 200 OK\r\nCSeq: 3\r\nContent-Length: 5\r\n\r\nhello"),
      Buffer.from([0x24, 0, 0, 2, 7, 8]),
      Buffer.from("GET_PARAMETER rtsp://cam/x RTSP/1.0\r\nCSeq: 9\r\n\r\n"),
    ]);
    for (const step of [1, 3, 7, wire.length]) {
      const framer = new RtspFramer(limits);
      const out = [];
      for (let i = 0; i < wire.length; i += step) out.push(...framer.push(wire.subarray(i, i + step)));
      expect(out.map((c) => c.kind)).toEqual(["message", "interleaved", "message"]);
      const [first, packet, last] = out;
      expect(first?.kind === "message" && first.message.body.toString()).toBe("hello");
      expect(packet?.kind === "interleaved" && [...packet.bytes]).toEqual([0x24, 0, 0, 2, 7, 8]);
      expect(last?.kind === "message" && last.message.startLine).toBe("GET_PARAMETER rtsp://cam/x RTSP/1.0");
    }
  });

  it("refuses garbage, an endless head, a body over the limit and a bad Content-Length", () => {
    expect(() => new RtspFramer(limits).push(Buffer.from("HTTP/1.1 200 OK\r\n\r\n"))).toThrow(
      RtspFramingError,
    );
    expect(() =>
      new RtspFramer(limits).push(Buffer.from(`RTSP/1.0 200 OK\r\nX: ${"a".repeat(300)}`)),
    ).toThrow(/header too large/);
    expect(() =>
      new RtspFramer(limits).push(Buffer.from("RTSP/1.0 200 OK\r\nContent-Length: 65\r\n\r\n")),
    ).toThrow(/body too large/);
    expect(() =>
      new RtspFramer(limits).push(Buffer.from("RTSP/1.0 200 OK\r\nContent-Length: -1\r\n\r\n")),
    ).toThrow(/Content-Length/);
  });

  it("serialize sets Content-Length from the body", () => {
    const text = serialize({
      startLine: "RTSP/1.0 200 OK",
      headers: [
        ["CSeq", "1"],
        ["Content-Length", "999"],
      ],
      body: Buffer.from("v=0\r\n"),
    }).toString();
    expect(text).toBe("RTSP/1.0 200 OK\r\nCSeq: 1\r\nContent-Length: 5\r\n\r\nv=0\r\n");
  });
});
