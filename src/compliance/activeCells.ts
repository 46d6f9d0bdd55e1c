export type ActiveCells =
  | { readonly ok: true; readonly active: number; readonly bits: number }
  | { readonly ok: false; readonly error: string };

/**
 * Counts the cells switched on in a CellMotionDetector's ActiveCells: base64 of a PackBits
 * (TIFF run-length) encoded bitmask, one bit per cell. A mask with no bit set watches nothing,
 * which is motion detection switched off in all but name.
 */
export function countActiveCells(value: string): ActiveCells {
  let raw: string;
  try {
    raw = atob(value.trim());
  } catch {
    return { ok: false, error: "ActiveCells is not base64" };
  }
  if (raw.length === 0) return { ok: false, error: "ActiveCells is empty" };
  const bytes: number[] = [];
  for (let i = 0; i < raw.length;) {
    const n = raw.charCodeAt(i++);
    if (n < 128) {
      // n + 1 literal bytes follow.
      if (i + n + 1 > raw.length) return { ok: false, error: "PackBits literal run is cut short" };
      for (let k = 0; k <= n; k++) bytes.push(raw.charCodeAt(i++));
    } else if (n > 128) {
      // The next byte repeated 257 − n times.
      if (i >= raw.length) return { ok: false, error: "PackBits repeat run is cut short" };
      const b = raw.charCodeAt(i++);
      for (let k = 0; k < 257 - n; k++) bytes.push(b);
    }
    // 128 is a no-op header.
  }
  let active = 0;
  for (const b of bytes) for (let v = b; v > 0; v >>= 1) active += v & 1;
  return { ok: true, active, bits: bytes.length * 8 };
}
