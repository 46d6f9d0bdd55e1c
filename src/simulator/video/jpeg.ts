/**
 * Splits concatenated JPEG pictures (ffmpeg's mjpeg muxer output). Marker segments are skipped
 * by their lengths; in entropy-coded data a 0xFF byte is followed by 0x00 (stuffing) or a
 * restart marker, so the next other marker there ends the scan.
 */
export function splitJpegs(data: Buffer): Buffer[] {
  const out: Buffer[] = [];
  let at = 0;
  while (at + 1 < data.length) {
    if (data[at] !== 0xff || data[at + 1] !== 0xd8) break;
    const end = endOfPicture(data, at + 2);
    if (end === null) break;
    out.push(data.subarray(at, end));
    at = end;
  }
  return out;
}

/** The offset just past the EOI of a picture whose segments start at `at`, or null if cut short. */
function endOfPicture(data: Buffer, at: number): number | null {
  let i = at;
  while (i + 1 < data.length) {
    if (data[i] !== 0xff) return null;
    const marker = data[i + 1]!;
    if (marker === 0xd9) return i + 2;
    if (marker === 0xff) {
      i++; // fill byte
      continue;
    }
    if (i + 3 >= data.length) return null;
    const length = data.readUInt16BE(i + 2);
    i += 2 + length;
    if (marker === 0xda) {
      // entropy-coded data runs to the next marker that is not stuffing or a restart
      while (i + 1 < data.length) {
        if (data[i] === 0xff) {
          const next = data[i + 1]!;
          if (next !== 0x00 && !(next >= 0xd0 && next <= 0xd7)) break;
          i += 2;
        } else i++;
      }
    }
  }
  return null;
}
