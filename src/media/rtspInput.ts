import { createRtspHop, type RtspHop } from "../net/rtspHop.ts";

/** Stream addresses a device may hand us; anything else (file:, concat:, pipe:, http:...) is refused. */
export const STREAM_SCHEMES: readonly string[] = ["rtsp", "rtsps"];
/** Snapshot addresses a device may hand us. */
export const SNAPSHOT_SCHEMES: readonly string[] = ["http", "https"];

/**
 * Why an address from a device is not opened, or null when it may be: the scheme must be one of
 * `schemes`, and the address an absolute URL. The reason names the scheme only (an odd address
 * may carry anything, credentials included).
 */
export function addressProblem(uri: string, schemes: readonly string[], what: string): string | null {
  const m = /^([a-z][a-z0-9+.-]*):/i.exec(uri);
  if (!m?.[1]) return `the ${what} address is not an absolute URL`;
  const scheme = m[1].toLowerCase();
  if (!schemes.includes(scheme))
    return `the ${what} address has scheme "${scheme}:", not ${schemes.map((s) => `${s}:`).join(" or ")}; it is not opened`;
  try {
    new URL(uri);
  } catch {
    return `the ${what} address is not a valid URL`;
  }
  return null;
}

/** A stream address ffmpeg is not allowed to open. */
export class StreamInputError extends Error {
  override readonly name = "StreamInputError";
}

/** What ffmpeg opens for a camera stream, and the options that fence it in. */
export interface StreamInput {
  /** The address for `-i`: never with credentials in it. */
  readonly url: string;
  /** Input options: `-protocol_whitelist` for exactly what this input needs. */
  readonly options: readonly string[];
  /** Ends the hop route, if any. Call when ffmpeg has exited. */
  close(): void;
}

/**
 * The input of an ffmpeg run on a camera stream. The camera's credentials never go on ffmpeg's
 * command line (every local user can read it): with credentials, ffmpeg opens a one-time route
 * of the loopback RTSP hop (net/rtspHop.ts), which logs in to the camera itself — the caller's
 * hop when given (deps.hop), else one started for this run and stopped by close(). Without
 * credentials, the address as given. Either way `-protocol_whitelist` lets ffmpeg open nothing
 * but RTSP over TCP (plus TLS for rtsps:// opened directly), so an address cannot make it read a
 * file or run a pipe. `file:` is accepted only without credentials, for measurement tests on
 * recorded clips; addresses from devices are checked with addressProblem() first (probeCamera)
 * and never are file:. Throws StreamInputError for any other address.
 */
export async function openStreamInput(
  uri: string,
  username: string,
  password: string,
  hop: RtspHop | undefined,
): Promise<StreamInput> {
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(uri)?.[1]?.toLowerCase();
  const none = (): void => undefined;
  if (scheme === "file" && username === "" && password === "")
    return { url: uri, options: ["-protocol_whitelist", "file"], close: none };
  const problem = addressProblem(uri, STREAM_SCHEMES, "stream");
  if (problem !== null) throw new StreamInputError(problem);
  if (username === "" && password === "") {
    const protocols = scheme === "rtsps" ? "rtsp,rtsps,tcp,tls" : "rtsp,tcp";
    return { url: uri, options: ["-protocol_whitelist", protocols], close: none };
  }
  const own = hop === undefined ? createRtspHop() : null;
  if (own) await own.start();
  const route = (own ?? hop!).open({ uri, username, password });
  return {
    url: route.url,
    options: ["-protocol_whitelist", "rtsp,tcp"],
    close: () => {
      route.close();
      void own?.stop();
    },
  };
}

/** The forms of a password that may show up in ffmpeg's output (raw and as put in the URL). */
export function secretForms(password: string): string[] {
  return password === "" ? [] : [password, encodeURIComponent(password)];
}

/**
 * Input options for a camera stream: RTSP interleaved over TCP (UDP loses packets through NAT
 * and firewalls, and smeared frames would read as motion), video only (no audio setup and
 * decoding), and a socket timeout so ffmpeg gives up by itself, saying why, when the camera
 * stops sending, before our deadline kills it.
 */
export function streamInputOptions(
  uri: string,
  deadlineMs: number,
  names: { readonly rtspSocketTimeout: "timeout" | "stimeout" | null },
): string[] {
  if (!/^rtsps?:/i.test(uri)) return [];
  const args = ["-rtsp_transport", "tcp", "-allowed_media_types", "video"];
  const socketMs = socketTimeoutMs({ streamUri: uri, deadlineMs }, names);
  if (names.rtspSocketTimeout && socketMs !== null)
    args.push(`-${names.rtspSocketTimeout}`, String(socketMs * 1000));
  return args;
}

/** The socket timeout given to ffmpeg, ms: half the deadline, within 0.5..5 s; null when none is set. */
export function socketTimeoutMs(
  run: { readonly streamUri: string; readonly deadlineMs: number },
  names: { readonly rtspSocketTimeout: "timeout" | "stimeout" | null },
): number | null {
  if (!/^rtsps?:/i.test(run.streamUri) || !names.rtspSocketTimeout) return null;
  return Math.round(Math.max(500, Math.min(5000, run.deadlineMs / 2)));
}
