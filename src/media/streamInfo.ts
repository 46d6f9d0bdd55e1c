import type { StreamInfo } from "../domain/picture.ts";

/**
 * Codec, size and rate from ffmpeg's own description of its input, printed on stderr before it
 * decodes (saves running ffprobe as a second process against the camera):
 *   Input #0, rtsp, from 'rtsp://...':
 *     Stream #0:0: Video: h264 (Main), yuv420p(tv, bt709, progressive), 1920x1080, 25 fps, 25 tbr, 90k tbn
 * Only the input section counts: the output section describes our own rawvideo.
 */
export class StreamInfoReader {
  #inInput = false;
  #info: StreamInfo | null = null;

  feed(line: string): void {
    if (this.#info) return;
    if (/^Input #0\b/.test(line)) {
      this.#inInput = true;
      return;
    }
    if (/^(Output #|Stream mapping:)/.test(line)) {
      this.#inInput = false;
      return;
    }
    if (this.#inInput) this.#info = parseVideoStreamLine(line);
  }

  get info(): StreamInfo | null {
    return this.#info;
  }
}

export function parseVideoStreamLine(line: string): StreamInfo | null {
  const head = /^\s*Stream #\d+:\d+\S*: Video: ([A-Za-z0-9_]+)(.*)$/.exec(line);
  if (!head?.[1] || head[2] === undefined) return null;
  const rest = head[2];
  const size = /[ ,](\d{2,5})x(\d{2,5})(?=[ ,[]|$)/.exec(rest);
  if (!size?.[1] || !size[2]) return null;
  const fps = /,\s*(\d+(?:\.\d+)?)(k?) fps\b/.exec(rest);
  const fpsValue = fps?.[1] ? Number(fps[1]) * (fps[2] === "k" ? 1000 : 1) : null;
  return {
    codec: head[1],
    width: Number(size[1]),
    height: Number(size[2]),
    fps: fpsValue !== null && Number.isFinite(fpsValue) && fpsValue > 0 ? fpsValue : null,
  };
}
