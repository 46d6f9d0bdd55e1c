/** A weekly viewing window in the site's time zone, e.g. "Mon-Fri 08:00-17:30". */
export interface ViewingWindow {
  /** The window as written in the file. */
  readonly text: string;
  /** ISO weekdays it applies to: 1 = Monday ... 7 = Sunday, ascending. */
  readonly days: readonly number[];
  /** Minutes after local midnight: start inclusive, end exclusive (end may be 1440). */
  readonly startMinute: number;
  readonly endMinute: number;
}

const DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

/**
 * Parses a window the schema's pattern already admitted; returns a problem for what a
 * pattern cannot see (25:00, an end before the start, Fri-Mon wrapping the week).
 */
export function parseViewingWindow(text: string): ViewingWindow | string {
  const [dayPart = "", timePart = ""] = text.split(" ");
  const days = new Set<number>();
  for (const range of dayPart.split(",")) {
    const [from = "", to = from] = range.split("-");
    const a = DAYS.indexOf(from) + 1;
    const b = DAYS.indexOf(to) + 1;
    if (a === 0 || b === 0) return `unknown day in "${range}"`;
    if (b < a) return `day range ${range} runs backwards: write it as two ranges (e.g. Fri-Sun,Mon)`;
    for (let d = a; d <= b; d++) days.add(d);
  }
  const times = /^(\d{2}):(\d{2})-(\d{2}):(\d{2})$/.exec(timePart);
  if (!times) return `expected HH:MM-HH:MM, got "${timePart}"`;
  const [h1, m1, h2, m2] = times.slice(1).map(Number) as [number, number, number, number];
  if (h1 > 23 || m1 > 59 || h2 > 24 || m2 > 59 || (h2 === 24 && m2 !== 0))
    return `${timePart} is not a time of day`;
  const startMinute = h1 * 60 + m1;
  const endMinute = h2 * 60 + m2;
  if (endMinute <= startMinute)
    return `window ${timePart} ends before it starts (windows cannot cross midnight)`;
  return { text, days: [...days].sort((x, y) => x - y), startMinute, endMinute };
}
