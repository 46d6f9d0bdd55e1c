/**
 * RTSP 1.0 framing on one TCP connection (RFC 2326 §10.12): requests and responses (a start line,
 * headers, a body of Content-Length bytes) interleaved with `$`-framed binary packets. Only the
 * framing: what the messages mean is the hop's business. Bounded: a head or a body larger than
 * the limits is an error, never an unbounded buffer.
 */

export interface RtspMessage {
  /** "OPTIONS rtsp://... RTSP/1.0" or "RTSP/1.0 200 OK". */
  readonly startLine: string;
  /** In order, names as sent. */
  readonly headers: readonly (readonly [string, string])[];
  readonly body: Buffer;
}

export type RtspChunk =
  | { readonly kind: "message"; readonly message: RtspMessage }
  /** A whole `$` packet, header included, to be passed on as is. */
  | { readonly kind: "interleaved"; readonly bytes: Buffer };

export interface RtspFramingLimits {
  readonly maxHeadBytes: number;
  readonly maxBodyBytes: number;
}

/** The peer sent something that is not RTSP framing, or too much of it. */
export class RtspFramingError extends Error {
  override readonly name = "RtspFramingError";
}

const CRLFCRLF = Buffer.from("\r\n\r\n");

/** Splits a byte stream into RTSP messages and interleaved packets. */
export class RtspFramer {
  #buf: Buffer = Buffer.alloc(0);

  constructor(private readonly limits: RtspFramingLimits) {}

  /** The chunks completed by this data; throws RtspFramingError on garbage or oversize. */
  push(data: Buffer): RtspChunk[] {
    this.#buf = this.#buf.length === 0 ? data : Buffer.concat([this.#buf, data]);
    const out: RtspChunk[] = [];
    for (;;) {
      const buf = this.#buf;
      if (buf.length === 0) break;
      if (buf[0] === 0x24) {
        if (buf.length < 4) break;
        const end = 4 + buf.readUInt16BE(2);
        if (buf.length < end) break;
        out.push({ kind: "interleaved", bytes: buf.subarray(0, end) });
        this.#buf = buf.subarray(end);
        continue;
      }
      const headEnd = buf.indexOf(CRLFCRLF);
      if (headEnd < 0) {
        if (buf.length > this.limits.maxHeadBytes) throw new RtspFramingError("RTSP header too large");
        break;
      }
      if (headEnd > this.limits.maxHeadBytes) throw new RtspFramingError("RTSP header too large");
      const lines = buf.subarray(0, headEnd).toString("latin1").split("\r\n");
      const startLine = lines[0] ?? "";
      if (!/^(RTSP\/1\.0 \d{3}\b|[A-Z_]+ \S+ RTSP\/1\.0$)/.test(startLine))
        throw new RtspFramingError("not an RTSP message");
      const headers: [string, string][] = [];
      for (const line of lines.slice(1)) {
        const colon = line.indexOf(":");
        if (colon <= 0) throw new RtspFramingError("malformed RTSP header line");
        headers.push([line.slice(0, colon).trim(), line.slice(colon + 1).trim()]);
      }
      const lengthText = header(headers, "content-length") ?? "0";
      if (!/^\d+$/.test(lengthText)) throw new RtspFramingError("bad Content-Length");
      const length = Number(lengthText);
      if (length > this.limits.maxBodyBytes) throw new RtspFramingError("RTSP body too large");
      const total = headEnd + 4 + length;
      if (buf.length < total) break;
      out.push({
        kind: "message",
        message: { startLine, headers, body: Buffer.from(buf.subarray(headEnd + 4, total)) },
      });
      this.#buf = buf.subarray(total);
    }
    // Keep no reference into a large chunk already passed on.
    if (this.#buf.length > 0 && this.#buf.byteOffset > 0) this.#buf = Buffer.from(this.#buf);
    return out;
  }
}

/** The first value of a header (case-insensitive name). */
export function header(headers: readonly (readonly [string, string])[], name: string): string | undefined {
  const lower = name.toLowerCase();
  return headers.find(([n]) => n.toLowerCase() === lower)?.[1];
}

/** Every value of a header (a challenge may come in several lines). */
export function headerValues(headers: readonly (readonly [string, string])[], name: string): string[] {
  const lower = name.toLowerCase();
  return headers.filter(([n]) => n.toLowerCase() === lower).map(([, v]) => v);
}

/** A message as bytes; Content-Length is set from the body (and dropped when there is none). */
export function serialize(m: RtspMessage): Buffer {
  const lines = [m.startLine];
  for (const [n, v] of m.headers) if (n.toLowerCase() !== "content-length") lines.push(`${n}: ${v}`);
  if (m.body.length > 0) lines.push(`Content-Length: ${m.body.length}`);
  return Buffer.concat([Buffer.from(`${lines.join("\r\n")}\r\n\r\n`, "latin1"), m.body]);
}
