/**
 * Reading the showinfo filter's per-frame lines from ffmpeg's stderr:
 *   [Parsed_showinfo_3 @ 0x...] n:   4 pts: 86400 pts_time:0.96 pos: -1 fmt:gray ...
 * pts_time is the stream's own timestamp (seconds, from the start of the run), which is what
 * "timestamps advance" in the frozen rule is about.
 */

export interface ShowinfoFrame {
  /** Index of the frame among those that reached showinfo (= order on stdout). */
  readonly n: number;
  readonly ptsTime: number;
}

const LINE =
  /\bParsed_showinfo_\d+ @ [^\]]*\]\s+n:\s*(\d+)\s+pts:\s*-?\d+\s+pts_time:\s*(-?[\d.]+(?:e[-+]?\d+)?)/;

export function parseShowinfo(line: string): ShowinfoFrame | null {
  const m = LINE.exec(line);
  if (!m) return null;
  const ptsTime = Number(m[2]);
  return Number.isFinite(ptsTime) ? { n: Number(m[1]), ptsTime } : null;
}
