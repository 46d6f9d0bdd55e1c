/**
 * PackBits (Apple/TIFF run-length) as ONVIF uses it for tt:CellMotionDetector ActiveCells:
 * the cell grid row by row, one bit per cell, most significant bit first, packed, base64.
 */
export function packBits(data: Uint8Array): Uint8Array {
  const out: number[] = [];
  let i = 0;
  while (i < data.length) {
    let run = 1;
    while (i + run < data.length && run < 128 && data[i + run] === data[i]) run++;
    if (run >= 2) {
      out.push((257 - run) & 0xff, data[i] ?? 0);
      i += run;
      continue;
    }
    const start = i;
    let len = 0;
    while (i < data.length && len < 128 && !(i + 1 < data.length && data[i + 1] === data[i])) {
      i++;
      len++;
    }
    out.push(len - 1, ...data.subarray(start, start + len));
  }
  return Uint8Array.from(out);
}

/** Base64 PackBits of a columns×rows grid with every cell on (or off). */
export function activeCells(columns: number, rows: number, on: boolean): string {
  const bits = columns * rows;
  const bytes = new Uint8Array(Math.ceil(bits / 8));
  if (on) {
    bytes.fill(0xff);
    const spare = bytes.length * 8 - bits;
    if (spare > 0) bytes[bytes.length - 1] = (0xff << spare) & 0xff;
  }
  return Buffer.from(packBits(bytes)).toString("base64");
}
