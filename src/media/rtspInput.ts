/**
 * Putting the camera's credentials into its stream URL, the only way ffmpeg's RTSP client takes
 * them. Percent-encoded, so a password holding "@", ":" or "/" survives (ffmpeg 4.1 and 5.1 both
 * decode userinfo before answering Basic or Digest). String-level: the rest of the URL is
 * passed exactly as the device reported it.
 */
export function withCredentials(uri: string, username: string, password: string): string {
  const m = /^([a-z][a-z0-9+.-]*:\/\/)(?:[^/?#]*@)?(.*)$/is.exec(uri);
  if (!m?.[1] || m[2] === undefined) throw new TypeError("not an absolute URL");
  if (username === "") return `${m[1]}${m[2]}`;
  return `${m[1]}${encodeURIComponent(username)}:${encodeURIComponent(password)}@${m[2]}`;
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
