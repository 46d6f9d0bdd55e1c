import type { DeviceErrorKind, ProbeError } from "../domain/probe.ts";
import type { MediaRunResult } from "./ffmpegRunner.ts";

/**
 * Why an ffmpeg run against a camera gave no pictures, in the project's error kinds, from what
 * ffmpeg wrote on stderr (already redacted). The message quotes ffmpeg's most telling line so
 * an operator can act on it ("401 Unauthorized", "Connection refused").
 */

const PATTERNS: readonly { readonly re: RegExp; readonly kind: DeviceErrorKind }[] = [
  { re: /\b(401 Unauthorized|403 Forbidden|authorization failed)/i, kind: "auth" },
  {
    re: /\b(Connection refused|Connection reset|No route to host|Network is unreachable|Broken pipe)/i,
    kind: "network",
  },
  {
    re: /\b(Name or service not known|Temporary failure in name resolution|Failed to resolve hostname)/i,
    kind: "network",
  },
  { re: /\b(Connection timed out|Operation timed out|timed out)\b/i, kind: "timeout" },
  { re: /\b(Protocol not found|Unsupported transport|461 Unsupported)/i, kind: "not_supported" },
  { re: /\b(404 Not Found|454 Session Not Found|[45]\d\d [A-Z][A-Za-z ]+)\b/, kind: "http" },
  {
    re: /\b(Invalid data found when processing input|could not find codec parameters|Decoder \(codec [^)]*\) not found|no frame!|Output file #0 does not contain any stream|Stream specifier .* matches no streams)/i,
    kind: "malformed",
  },
];

export function describeFailure(run: MediaRunResult, what: string): ProbeError {
  const lines = run.stderrTail.split("\n").filter((l) => l.trim() !== "");
  if (run.end === "deadline")
    return {
      kind: "timeout",
      message: `${what}: no answer within the deadline (${run.wallMs} ms)${hint(lines)}`,
    };
  if (run.end === "aborted") return { kind: "timeout", message: `${what}: cancelled` };
  if (run.end === "spawn_error") return { kind: "fault", message: `${what}: ffmpeg could not be started` };
  if (run.end === "stdout_overflow")
    return { kind: "too_large", message: `${what}: more output than expected` };
  for (const { re, kind } of PATTERNS) {
    // The last matching line is ffmpeg's final verdict; earlier ones may be retries.
    for (let i = lines.length - 1; i >= 0; i--) {
      const m = re.exec(lines[i]!);
      if (m) return { kind, message: `${what}: ${m[1] ?? m[0]}${hint([lines[i]!])}` };
    }
  }
  const status = run.exitSignal ? `killed by ${run.exitSignal}` : `exit code ${run.exitCode ?? "?"}`;
  return { kind: "fault", message: `${what}: ffmpeg failed (${status})${hint(lines)}` };
}

/** The last line of ffmpeg's stderr, trimmed, as context: " (ffmpeg: ...)". */
function hint(lines: readonly string[]): string {
  const last = lines[lines.length - 1];
  if (!last) return "";
  const text = last.replace(/^\[[^\]]*\]\s*/, "").trim();
  return text ? ` (ffmpeg: ${text.length > 200 ? `${text.slice(0, 200)}…` : text})` : "";
}
