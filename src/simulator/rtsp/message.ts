/**
 * RTSP 1.0 (RFC 2326) messages on a TCP connection: requests from the client, interleaved
 * binary frames ('$', channel, 16-bit length: the client's RTCP receiver reports), and the
 * server's responses. Sizes are bounded so a hostile client cannot grow memory.
 */

export interface RtspRequest {
  readonly method: string;
  readonly uri: string;
  readonly version: string;
  /** Header names in lower case; a repeated header keeps its last value. */
  readonly headers: ReadonlyMap<string, string>;
  readonly body: Buffer;
}

export type Incoming =
  | { readonly kind: "request"; readonly request: RtspRequest }
  | { readonly kind: "interleaved"; readonly channel: number; readonly data: Buffer }
  | { readonly kind: "bad"; readonly status: 400 | 413 | 505; readonly reason: string };

export const MAX_HEADER_BYTES = 16 * 1024;
export const MAX_BODY_BYTES = 64 * 1024;

const HEADER_END = Buffer.from("\r\n\r\n");

/** Incremental parser: push what the socket gives, take the complete messages. */
export class RtspReader {
  #buf: Buffer = Buffer.alloc(0);
  #failed = false;

  push(chunk: Buffer): Incoming[] {
    if (this.#failed) return [];
    this.#buf = this.#buf.length === 0 ? chunk : Buffer.concat([this.#buf, chunk]);
    const out: Incoming[] = [];
    for (;;) {
      const m = this.#next();
      if (m === null) break;
      out.push(m);
      if (m.kind === "bad") {
        this.#failed = true;
        this.#buf = Buffer.alloc(0);
        break;
      }
    }
    return out;
  }

  #next(): Incoming | null {
    const b = this.#buf;
    if (b.length === 0) return null;
    if (b[0] === 0x24) {
      if (b.length < 4) return null;
      const len = b.readUInt16BE(2);
      if (b.length < 4 + len) return null;
      this.#buf = b.subarray(4 + len);
      return { kind: "interleaved", channel: b[1]!, data: b.subarray(4, 4 + len) };
    }
    // stray line breaks between messages are allowed (RFC 2326 §15.1)
    if (b[0] === 0x0d || b[0] === 0x0a) {
      this.#buf = b.subarray(1);
      return this.#next();
    }
    const end = b.indexOf(HEADER_END);
    if (end < 0) {
      return b.length > MAX_HEADER_BYTES ? { kind: "bad", status: 400, reason: "header too long" } : null;
    }
    if (end > MAX_HEADER_BYTES) return { kind: "bad", status: 400, reason: "header too long" };
    const lines = b.subarray(0, end).toString("latin1").split("\r\n");
    const m = /^([A-Z_]+) (\S+) (RTSP\/\d\.\d)$/.exec(lines[0] ?? "");
    if (!m) return { kind: "bad", status: 400, reason: "bad request line" };
    if (m[3] !== "RTSP/1.0") return { kind: "bad", status: 505, reason: "only RTSP/1.0" };
    const headers = new Map<string, string>();
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(":");
      if (colon <= 0) return { kind: "bad", status: 400, reason: "bad header line" };
      headers.set(line.slice(0, colon).trim().toLowerCase(), line.slice(colon + 1).trim());
    }
    const lengthText = headers.get("content-length") ?? "0";
    if (!/^\d+$/.test(lengthText)) return { kind: "bad", status: 400, reason: "bad Content-Length" };
    const length = Number(lengthText);
    if (length > MAX_BODY_BYTES) return { kind: "bad", status: 413, reason: "body too large" };
    const start = end + HEADER_END.length;
    if (b.length < start + length) return null;
    this.#buf = b.subarray(start + length);
    return {
      kind: "request",
      request: { method: m[1]!, uri: m[2]!, version: m[3], headers, body: b.subarray(start, start + length) },
    };
  }
}

export const REASONS: Readonly<Record<number, string>> = {
  200: "OK",
  400: "Bad Request",
  401: "Unauthorized",
  404: "Not Found",
  413: "Request Entity Too Large",
  451: "Parameter Not Understood",
  453: "Not Enough Bandwidth",
  454: "Session Not Found",
  455: "Method Not Valid in This State",
  459: "Aggregate Operation Not Allowed",
  461: "Unsupported Transport",
  500: "Internal Server Error",
  501: "Not Implemented",
  503: "Service Unavailable",
  505: "RTSP Version Not Supported",
};

/** A response; header values given as a list are sent as repeated headers. */
export function rtspResponse(
  status: number,
  headers: Readonly<Record<string, string | readonly string[] | undefined>>,
  body: Buffer | string = "",
): Buffer {
  const payload = typeof body === "string" ? Buffer.from(body, "utf8") : body;
  let head = `RTSP/1.0 ${status} ${REASONS[status] ?? "Unknown"}\r\n`;
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    for (const v of typeof value === "string" ? [value] : value) head += `${name}: ${v}\r\n`;
  }
  if (payload.length > 0) head += `Content-Length: ${payload.length}\r\n`;
  return Buffer.concat([Buffer.from(`${head}\r\n`, "latin1"), payload]);
}
