import { DAY, daysInMonth } from "../../domain/time.ts";

/**
 * POSIX TZ strings as devices report them in SystemDateAndTime/TimeZone/TZ, used to turn a
 * LocalDateTime into UTC when a device gives no UTCDateTime. The offset's sign is inverted
 * relative to ISO: "CST-8" is UTC+8, "EST5" is UTC-5. Seen in the field and handled:
 * - "CST-8", "BRT3", "CST5:00:00"                       (plain, with h:mm:ss offsets)
 * - "CST5CDT,M3.2.0/2,M11.1.0/2", "CET-1CEST,M3.5.0,M10.5.0/3"   (DST rules)
 * - "EST+5:00:00EDT04:00:00,M3.5.0/01:00:00,M10.5.0/02:00:00"    (Hikvision: explicit DST offset)
 * - "CST6CDT:" (trailing colon), "AST4ADT" (DST name but no rule)
 * A DST name without rules applies no DST: the captured devices (fixtures AST4ADT, CST6CDT:)
 * report local = standard time in summer, so that is what their LocalDateTime means.
 */
export interface PosixTz {
  readonly stdName: string;
  /** Seconds east of UTC in standard time (CST-8 → +28800). */
  readonly stdOffsetSeconds: number;
  readonly dst: {
    readonly name: string;
    readonly offsetSeconds: number;
    readonly rule: { readonly start: TransitionRule; readonly end: TransitionRule } | null;
  } | null;
}

export type TransitionDate =
  | { readonly kind: "M"; readonly month: number; readonly week: number; readonly weekday: number }
  | { readonly kind: "J"; readonly day: number } // 1..365, February 29 never counted
  | { readonly kind: "n"; readonly day: number }; // 0..365, February 29 counted

export interface TransitionRule {
  readonly date: TransitionDate;
  /** Seconds after local midnight (may be negative or beyond 24 h in the RFC 8536 extension). */
  readonly timeSeconds: number;
}

class Cursor {
  pos = 0;
  constructor(readonly s: string) {}
  match(re: RegExp): RegExpExecArray | null {
    re.lastIndex = this.pos;
    const m = re.exec(this.s);
    if (m && m.index === this.pos) {
      this.pos += m[0].length;
      return m;
    }
    return null;
  }
  done(): boolean {
    return this.pos >= this.s.length;
  }
}

const NAME = /<[A-Za-z0-9+-]+>|[A-Za-z]+/y;
const OFFSET = /([+-]?)(\d{1,3})(?::(\d{1,2})(?::(\d{1,2}))?)?/y;

function readOffset(c: Cursor, maxHours: number): number | null {
  const m = c.match(OFFSET);
  if (!m) return null;
  const h = Number(m[2]);
  const mi = Number(m[3] ?? 0);
  const s = Number(m[4] ?? 0);
  if (h > maxHours || mi > 59 || s > 59) return null;
  const v = h * 3600 + mi * 60 + s;
  return m[1] === "-" ? -v : v;
}

function readRule(c: Cursor): TransitionRule | null {
  let date: TransitionDate;
  const mm = c.match(/M(\d{1,2})\.(\d)\.(\d)/y);
  if (mm) {
    const month = Number(mm[1]);
    const week = Number(mm[2]);
    const weekday = Number(mm[3]);
    if (month < 1 || month > 12 || week < 1 || week > 5 || weekday > 6) return null;
    date = { kind: "M", month, week, weekday };
  } else {
    const j = c.match(/J(\d{1,3})/y);
    if (j) {
      const day = Number(j[1]);
      if (day < 1 || day > 365) return null;
      date = { kind: "J", day };
    } else {
      const n = c.match(/(\d{1,3})/y);
      if (!n) return null;
      const day = Number(n[1]);
      if (day > 365) return null;
      date = { kind: "n", day };
    }
  }
  let timeSeconds = 7200;
  if (c.match(/\//y)) {
    const t = readOffset(c, 167);
    if (t === null) return null;
    timeSeconds = t;
  }
  return { date, timeSeconds };
}

/** Parses a POSIX TZ string; null when it is not one (e.g. an Olson name such as "Asia/Shanghai"). */
export function parsePosixTz(input: string | null | undefined): PosixTz | null {
  if (!input) return null;
  const s = input.trim().replace(/:+$/, "");
  if (s.length === 0 || s.startsWith(":")) return null;
  const c = new Cursor(s);
  const std = c.match(NAME);
  if (!std) return null;
  // "UTC" / "GMT" alone are not POSIX, but mean what they say.
  if (c.done() && /^(UTC|GMT|Z)$/i.test(std[0])) return { stdName: std[0], stdOffsetSeconds: 0, dst: null };
  const stdWest = readOffset(c, 24);
  if (stdWest === null) return null;
  const stdOffsetSeconds = -stdWest;
  if (c.done()) return { stdName: unquote(std[0]), stdOffsetSeconds, dst: null };
  const dstName = c.match(NAME);
  if (!dstName) return null;
  let dstOffsetSeconds = stdOffsetSeconds + 3600;
  if (!c.done() && !s.startsWith(",", c.pos)) {
    const w = readOffset(c, 24);
    if (w === null) return null;
    dstOffsetSeconds = -w;
  }
  let rule: { start: TransitionRule; end: TransitionRule } | null = null;
  if (c.match(/,/y)) {
    const start = readRule(c);
    if (!start || !c.match(/,/y)) return null;
    const end = readRule(c);
    if (!end) return null;
    rule = { start, end };
  }
  if (!c.done()) return null;
  return {
    stdName: unquote(std[0]),
    stdOffsetSeconds,
    dst: { name: unquote(dstName[0]), offsetSeconds: dstOffsetSeconds, rule },
  };
}

const unquote = (n: string): string => (n.startsWith("<") ? n.slice(1, -1) : n);

/** Midnight (as a UTC-based wall clock) of the transition day in a year. */
function transitionDayMs(year: number, d: TransitionDate): number {
  const jan1 = Date.UTC(year, 0, 1);
  switch (d.kind) {
    case "M": {
      const firstDow = new Date(Date.UTC(year, d.month - 1, 1)).getUTCDay();
      let day = 1 + ((d.weekday - firstDow + 7) % 7) + (d.week - 1) * 7;
      const dim = daysInMonth(year, d.month);
      while (day > dim) day -= 7;
      return Date.UTC(year, d.month - 1, day);
    }
    case "J": {
      const leap = daysInMonth(year, 2) === 29;
      const zeroBased = d.day - 1 + (leap && d.day >= 60 ? 1 : 0);
      return jan1 + zeroBased * DAY;
    }
    case "n":
      return jan1 + d.day * DAY;
  }
}

/**
 * Whether a local wall-clock time (fields encoded as if UTC) falls in DST. The start is in
 * standard wall time and the end in DST wall time, as POSIX defines them; the hour that is
 * skipped or repeated at a change is resolved towards DST.
 */
export function isDstAtLocal(tz: PosixTz, localWallMs: number): boolean {
  const rule = tz.dst?.rule;
  if (!rule) return false;
  const year = new Date(localWallMs).getUTCFullYear();
  const start = transitionDayMs(year, rule.start.date) + rule.start.timeSeconds * 1000;
  const end = transitionDayMs(year, rule.end.date) + rule.end.timeSeconds * 1000;
  return start < end ? localWallMs >= start && localWallMs < end : localWallMs >= start || localWallMs < end;
}

/** The UTC instant for a local wall-clock time in this zone. */
export function localToUtcMs(tz: PosixTz, localWallMs: number): number {
  const offset = tz.dst && isDstAtLocal(tz, localWallMs) ? tz.dst.offsetSeconds : tz.stdOffsetSeconds;
  return localWallMs - offset * 1000;
}
