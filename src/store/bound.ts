/**
 * Keeps stored JSON small. A district runs thousands of cameras on one Redis, and evidence can
 * list a hundred recording gaps or a device's whole answer; what is kept is what a person needs
 * to see why (the first items of a list, the start of a long text), with a note of what was cut.
 */

/** Size in bytes of the JSON of a value. */
export const jsonBytes = (value: unknown): number => Buffer.byteLength(JSON.stringify(value) ?? "", "utf8");

const STEPS: readonly { readonly items: number; readonly chars: number }[] = [
  { items: 50, chars: 1000 },
  { items: 20, chars: 400 },
  { items: 10, chars: 200 },
  { items: 5, chars: 120 },
  { items: 2, chars: 80 },
  { items: 1, chars: 60 },
];

/**
 * The record itself when its JSON fits `maxBytes`; else a copy with lists cut to their first
 * items (the total kept beside them as `<key>Total` when absent) and long texts shortened, as
 * little as makes it fit. As a last resort only the keys and scalar values survive.
 */
export function boundRecord(
  record: Readonly<Record<string, unknown>>,
  maxBytes: number,
): Readonly<Record<string, unknown>> {
  if (jsonBytes(record) <= maxBytes) return record;
  for (const step of STEPS) {
    const cut = shrink(record, step.items, step.chars, 0) as Record<string, unknown>;
    if (jsonBytes(cut) <= maxBytes) return { ...cut, truncated: true };
  }
  const scalars: Record<string, unknown> = { truncated: true };
  for (const [k, v] of Object.entries(record)) {
    if (v === null || typeof v === "number" || typeof v === "boolean") scalars[k] = v;
    else if (typeof v === "string") scalars[k] = v.slice(0, 40);
    if (jsonBytes(scalars) > maxBytes) {
      delete scalars[k];
      break;
    }
  }
  return scalars;
}

function shrink(value: unknown, items: number, chars: number, depth: number): unknown {
  if (typeof value === "string") return value.length > chars ? `${value.slice(0, chars)}…` : value;
  if (Array.isArray(value)) return value.slice(0, items).map((v) => shrink(v, items, chars, depth + 1));
  if (value !== null && typeof value === "object") {
    if (depth > 6) return "…";
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      out[k] = shrink(v, items, chars, depth + 1);
      if (Array.isArray(v) && v.length > items && !(`${k}Total` in value)) out[`${k}Total`] = v.length;
    }
    return out;
  }
  return value;
}

/** JSON.parse that answers null for a missing or unreadable value instead of throwing. */
export function parseJson<T>(text: string | null | undefined): T | null {
  if (text === null || text === undefined) return null;
  try {
    return JSON.parse(text) as T;
  } catch {
    return null;
  }
}
