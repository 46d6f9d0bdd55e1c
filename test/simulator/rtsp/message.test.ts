import { describe, expect, it } from "vitest";
import { MAX_BODY_BYTES, RtspReader, rtspResponse } from "../../../src/simulator/rtsp/message.ts";

describe("RtspReader", () => {
  it("parses requests split across chunks, with a body, and interleaved frames between them", () => {
    const r = new RtspReader();
    const text = "SET_PARAMETER rtsp://h/x RTSP/1.0\r\nCSeq: 4\r\nContent-Length: 5\r\n\r\nhello";
    const frame = Buffer.from([0x24, 1, 0, 3, 9, 8, 7]);
    const all = Buffer.concat([
      frame,
      Buffer.from(text),
      Buffer.from("OPTIONS * RTSP/1.0\r\nCSeq: 5\r\n\r\n"),
    ]);
    const out = [];
    for (let i = 0; i < all.length; i += 7) out.push(...r.push(all.subarray(i, i + 7)));
    expect(out).toHaveLength(3);
    expect(out[0]).toEqual({ kind: "interleaved", channel: 1, data: Buffer.from([9, 8, 7]) });
    const req = out[1]?.kind === "request" ? out[1].request : null;
    expect(req?.method).toBe("SET_PARAMETER");
    expect(req?.uri).toBe("rtsp://h/x");
    expect(req?.headers.get("cseq")).toBe("4");
    expect(req?.body.toString()).toBe("hello");
    expect(out[2]?.kind === "request" && out[2].request.method).toBe("OPTIONS");
  });

  it("refuses other versions, bad request lines, oversized headers and bodies, then stops parsing", () => {
    expect(new RtspReader().push(Buffer.from("OPTIONS * RTSP/2.0\r\nCSeq: 1\r\n\r\n"))[0]).toMatchObject({
      kind: "bad",
      status: 505,
    });
    expect(new RtspReader().push(Buffer.from("GET / HTTP/1.1\r\n\r\n"))[0]).toMatchObject({ status: 400 });
    const big = new RtspReader();
    expect(big.push(Buffer.alloc(17 * 1024, 0x41))[0]).toMatchObject({ status: 400 });
    expect(big.push(Buffer.from("OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n\r\n"))).toEqual([]);
    const body = `SET_PARAMETER * RTSP/1.0\r\nCSeq: 1\r\nContent-Length: ${MAX_BODY_BYTES + 1}\r\n\r\n`;
    expect(new RtspReader().push(Buffer.from(body))[0]).toMatchObject({ status: 413 });
  });
});

describe("rtspResponse", () => {
  it("writes the status line, repeated headers for lists, Content-Length for a body", () => {
    const text = rtspResponse(
      401,
      { CSeq: "3", "WWW-Authenticate": ["Digest a", "Digest b"] },
      "x",
    ).toString();
    expect(text).toBe(
      "RTSP/1.0 401 Unauthorized\r\nCSeq: 3\r\nWWW-Authenticate: Digest a\r\nWWW-Authenticate: Digest b\r\nContent-Length: 1\r\n\r\nx",
    );
  });
});
