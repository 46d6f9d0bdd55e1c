import { spawn } from "node:child_process";
import { createHash, randomBytes } from "node:crypto";
import { connect, type Socket } from "node:net";

/**
 * Independent clients for the simulated cameras: the system's ffmpeg/ffprobe/curl, and a small
 * hand-built RTSP client for what those cannot show (status codes, headers). Nothing here
 * comes from src/ (the point is to catch the simulator's misreadings).
 */

export interface ProcessResult {
  readonly code: number | null;
  readonly stdout: Buffer;
  readonly stderr: string;
  readonly ms: number;
}

export function run(cmd: string, args: readonly string[], timeoutMs = 20_000): Promise<ProcessResult> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(cmd, args, { stdio: ["ignore", "pipe", "pipe"] });
    const out: Buffer[] = [];
    let err = "";
    child.stdout.on("data", (b: Buffer) => out.push(b));
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (s: string) => {
      if (err.length < 200_000) err += s;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), timeoutMs);
    child.once("error", reject);
    child.once("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out), stderr: err, ms: performance.now() - started });
    });
  });
}

/** rtsp://user:pass@127.0.0.1:port/Streaming/Channels/<n> */
export function rtspUrl(port: number, n: number, user = "admin", pass = "admin123"): string {
  return `rtsp://${user}:${encodeURIComponent(pass)}@127.0.0.1:${port}/Streaming/Channels/${n}`;
}

/** Decodes `seconds` of a stream; one MD5 per decoded frame, plus per-frame mean luma (signalstats YAVG). */
export async function sampleFrames(
  url: string,
  seconds: number,
  extraInput: readonly string[] = [],
): Promise<{ hashes: string[]; pts: number[]; yavg: number[]; result: ProcessResult }> {
  const result = await run("ffmpeg", [
    "-hide_banner",
    "-nostdin",
    "-loglevel",
    "info",
    "-rtsp_transport",
    "tcp",
    ...extraInput,
    "-i",
    url,
    "-t",
    String(seconds),
    "-vf",
    "signalstats,metadata=print:key=lavfi.signalstats.YAVG,blackdetect=d=0.5:pix_th=0.10",
    "-f",
    "framemd5",
    "-",
  ]);
  const rows = result.stdout
    .toString("utf8")
    .split("\n")
    .filter((l) => l !== "" && !l.startsWith("#"))
    .map((l) => l.split(",").map((x) => x.trim()));
  return {
    hashes: rows.map((r) => r[5] ?? ""),
    pts: rows.map((r) => Number(r[2])),
    yavg: [...result.stderr.matchAll(/lavfi\.signalstats\.YAVG=([\d.]+)/g)].map((m) => Number(m[1])),
    result,
  };
}

export interface RtspAnswer {
  readonly status: number;
  readonly headers: ReadonlyMap<string, string[]>;
  readonly body: string;
  header(name: string): string | undefined;
}

/** A bare RTSP/1.0 client over one TCP connection, with MD5 Digest (qop=auth) when given credentials. */
export class RtspTestClient {
  #buf = Buffer.alloc(0);
  #cseq = 0;
  #waiting: ((a: RtspAnswer) => void) | null = null;
  #challenge: Record<string, string> | null = null;
  #nc = 0;
  /** Interleaved frames received: channel and payload. */
  readonly frames: { channel: number; data: Buffer }[] = [];
  readonly closed: Promise<void>;

  private constructor(
    readonly socket: Socket,
    private readonly creds: { user: string; pass: string } | null,
  ) {
    socket.on("data", (b: Buffer) => this.#onData(b));
    this.closed = new Promise((resolve) => socket.once("close", () => resolve()));
    socket.on("error", () => undefined);
  }

  static connect(port: number, creds: { user: string; pass: string } | null = null): Promise<RtspTestClient> {
    return new Promise((resolve, reject) => {
      const s = connect(port, "127.0.0.1", () => resolve(new RtspTestClient(s, creds)));
      s.once("error", reject);
    });
  }

  /** Sends a request; on 401 with credentials, answers the challenge once. */
  async request(
    method: string,
    uri: string,
    headers: Record<string, string> = {},
    body = "",
  ): Promise<RtspAnswer> {
    let a = await this.#send(method, uri, headers, body);
    if (a.status === 401 && this.creds !== null) {
      const challenge = a.header("www-authenticate") ?? "";
      this.#challenge = parseParams(challenge.replace(/^Digest\s+/i, ""));
      this.#nc = 0;
      a = await this.#send(method, uri, headers, body);
    }
    return a;
  }

  close(): void {
    this.socket.destroy();
  }

  #send(method: string, uri: string, headers: Record<string, string>, body: string): Promise<RtspAnswer> {
    const all: Record<string, string> = { CSeq: String(++this.#cseq), ...headers };
    if (this.#challenge && this.creds) all["Authorization"] = this.#digest(method, uri);
    if (body) all["Content-Length"] = String(Buffer.byteLength(body));
    const text =
      `${method} ${uri} RTSP/1.0\r\n` +
      Object.entries(all)
        .map(([k, v]) => `${k}: ${v}\r\n`)
        .join("") +
      `\r\n${body}`;
    return new Promise((resolve, reject) => {
      this.#waiting = resolve;
      this.socket.write(text);
      this.closed.then(() => reject(new Error(`connection closed before the answer to ${method}`)), reject);
    });
  }

  #digest(method: string, uri: string): string {
    const c = this.#challenge ?? {};
    const md5 = (s: string): string => createHash("md5").update(s).digest("hex");
    const nc = (++this.#nc).toString(16).padStart(8, "0");
    const cnonce = randomBytes(8).toString("hex");
    const ha1 = md5(`${this.creds?.user}:${c["realm"]}:${this.creds?.pass}`);
    const ha2 = md5(`${method}:${uri}`);
    const response = md5(`${ha1}:${c["nonce"]}:${nc}:${cnonce}:auth:${ha2}`);
    return (
      `Digest username="${this.creds?.user}", realm="${c["realm"]}", nonce="${c["nonce"]}", uri="${uri}", ` +
      `algorithm=MD5, qop=auth, nc=${nc}, cnonce="${cnonce}", response="${response}", opaque="${c["opaque"]}"`
    );
  }

  #onData(b: Buffer): void {
    this.#buf = Buffer.concat([this.#buf, b]);
    for (;;) {
      if (this.#buf.length === 0) return;
      if (this.#buf[0] === 0x24) {
        if (this.#buf.length < 4) return;
        const len = this.#buf.readUInt16BE(2);
        if (this.#buf.length < 4 + len) return;
        this.frames.push({ channel: this.#buf[1]!, data: this.#buf.subarray(4, 4 + len) });
        this.#buf = this.#buf.subarray(4 + len);
        continue;
      }
      const end = this.#buf.indexOf("\r\n\r\n");
      if (end < 0) return;
      const lines = this.#buf.subarray(0, end).toString("latin1").split("\r\n");
      const headers = new Map<string, string[]>();
      for (const l of lines.slice(1)) {
        const i = l.indexOf(":");
        const k = l.slice(0, i).trim().toLowerCase();
        headers.set(k, [...(headers.get(k) ?? []), l.slice(i + 1).trim()]);
      }
      const len = Number(headers.get("content-length")?.[0] ?? 0);
      if (this.#buf.length < end + 4 + len) return;
      const body = this.#buf.subarray(end + 4, end + 4 + len).toString("utf8");
      this.#buf = this.#buf.subarray(end + 4 + len);
      const status = Number(/^RTSP\/1\.0 (\d{3})/.exec(lines[0] ?? "")?.[1] ?? 0);
      const w = this.#waiting;
      this.#waiting = null;
      w?.({ status, headers, body, header: (n) => headers.get(n.toLowerCase())?.[0] });
    }
  }
}

function parseParams(s: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of s.matchAll(/([a-z]+)=(?:"([^"]*)"|([^,\s]+))/gi))
    out[m[1]!.toLowerCase()] = m[2] ?? m[3] ?? "";
  return out;
}

/** `frames` decoded pictures shrunk to 64x36 grey (area average: sensor noise mostly cancels). */
export async function grabGray(url: string, frames: number): Promise<Buffer[]> {
  const r = await run("ffmpeg", [
    "-v",
    "error",
    "-rtsp_transport",
    "tcp",
    "-i",
    url,
    "-frames:v",
    String(frames),
    "-vf",
    "scale=64:36:flags=area,format=gray",
    "-f",
    "rawvideo",
    "-",
  ]);
  if (r.code !== 0) throw new Error(`ffmpeg failed: ${r.stderr}`);
  const size = 64 * 36;
  return Array.from({ length: Math.floor(r.stdout.length / size) }, (_, i) =>
    r.stdout.subarray(i * size, (i + 1) * size),
  );
}

/** Normalised cross-correlation of two equal-size grey pictures: 1 = same layout whatever the brightness. */
export function correlation(a: Buffer, b: Buffer): number {
  const mean = (x: Buffer): number => x.reduce((s, v) => s + v, 0) / x.length;
  const ma = mean(a);
  const mb = mean(b);
  let num = 0;
  let da = 0;
  let db = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]! - ma;
    const y = b[i]! - mb;
    num += x * y;
    da += x * x;
    db += y * y;
  }
  return num / Math.sqrt(da * db);
}
