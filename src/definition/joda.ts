/**
 * Joda-Time `DateTimeFormat` patterns and zoned date arithmetic for the expression language
 * (reference §4). In Joda `Y` is the year of era — the calendar year — not a week-year as in
 * date-fns or java.time; the ISO week-year is `x`. Zones are IANA ids; `UTC` is the default.
 */

/** An instant with the zone it is displayed and shifted in. */
export interface ZonedTime {
  ms: number;
  zone: string;
}

/** Local calendar fields of an instant in its zone. */
export interface LocalFields {
  year: number;
  month: number; // 1-12
  day: number;
  hour: number;
  minute: number;
  second: number;
  millis: number;
  /** ISO day of week, 1 = Monday … 7 = Sunday. */
  dayOfWeek: number;
  dayOfYear: number;
  offsetMs: number;
}

export class JodaError extends Error {}

const UTC_IDS = new Set(['UTC', 'GMT', 'Z', 'Etc/UTC', 'Etc/GMT']);
const partsCache = new Map<string, Intl.DateTimeFormat>();

function formatterFor(zone: string): Intl.DateTimeFormat {
  let f = partsCache.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: zone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      hour: 'numeric',
      minute: 'numeric',
      second: 'numeric',
      era: 'short',
    });
    partsCache.set(zone, f);
  }
  return f;
}

/** Throws JodaError for an unknown zone id. */
export function checkZone(zone: string): void {
  if (UTC_IDS.has(zone)) return;
  try {
    formatterFor(zone);
  } catch {
    throw new JodaError(`unknown time zone '${zone}'`);
  }
}

/** Offset of `zone` from UTC at instant `ms`, in milliseconds. */
export function zoneOffset(ms: number, zone: string): number {
  if (UTC_IDS.has(zone)) return 0;
  checkZone(zone);
  const parts = formatterFor(zone).formatToParts(new Date(ms));
  const get = (t: string): number => Number(parts.find((p) => p.type === t)?.value ?? 0);
  let year = get('year');
  if (parts.find((p) => p.type === 'era')?.value === 'BC') year = 1 - year;
  const asUtc = Date.UTC(year, get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  const wholeSecond = ms - (((ms % 1000) + 1000) % 1000);
  return asUtc - wholeSecond;
}

export function localFields(t: ZonedTime): LocalFields {
  const offsetMs = zoneOffset(t.ms, t.zone);
  const d = new Date(t.ms + offsetMs);
  const year = d.getUTCFullYear();
  const dow = d.getUTCDay();
  const startOfYear = Date.UTC(year, 0, 1);
  const dayStart = Date.UTC(year, d.getUTCMonth(), d.getUTCDate());
  return {
    year,
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    millis: d.getUTCMilliseconds(),
    dayOfWeek: dow === 0 ? 7 : dow,
    dayOfYear: Math.round((dayStart - startOfYear) / 86_400_000) + 1,
    offsetMs,
  };
}

/** The instant of local wall-clock fields in `zone` (the earlier one in a DST overlap). */
export function fromLocal(
  zone: string,
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
  millis = 0,
): ZonedTime {
  const wall = Date.UTC(year, month - 1, day, hour, minute, second, millis);
  let ms = wall - zoneOffset(wall, zone);
  ms = wall - zoneOffset(ms, zone);
  return { ms, zone };
}

/** Calendar arithmetic in the zone: days, weeks, months and years keep the wall-clock time. */
export function plusCalendar(t: ZonedTime, unit: 'day' | 'week' | 'month' | 'year', n: number): ZonedTime {
  const f = localFields(t);
  if (unit === 'day' || unit === 'week') {
    const days = unit === 'week' ? 7 * n : n;
    const shifted = new Date(Date.UTC(f.year, f.month - 1, f.day + days));
    return fromLocal(
      t.zone,
      shifted.getUTCFullYear(),
      shifted.getUTCMonth() + 1,
      shifted.getUTCDate(),
      f.hour,
      f.minute,
      f.second,
      f.millis,
    );
  }
  const months = unit === 'year' ? 12 * n : n;
  const total = f.year * 12 + (f.month - 1) + months;
  const year = Math.floor(total / 12);
  const month = (total % 12) + 1;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return fromLocal(t.zone, year, month, Math.min(f.day, lastDay), f.hour, f.minute, f.second, f.millis);
}

const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
const DAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

type Token = { kind: 'literal'; text: string } | { kind: 'field'; letter: string; count: number };

const PATTERN_LETTERS = new Set('GCYxweEyDMdaKhHkmsSzZ'.split(''));
const patternCache = new Map<string, Token[]>();

/** Splits a Joda pattern; throws JodaError on an unterminated quote or an unknown letter. */
export function parsePattern(pattern: string): Token[] {
  const cached = patternCache.get(pattern);
  if (cached) return cached;
  const tokens: Token[] = [];
  let i = 0;
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === "'") {
      if (pattern[i + 1] === "'") {
        tokens.push({ kind: 'literal', text: "'" });
        i += 2;
        continue;
      }
      let text = '';
      let j = i + 1;
      for (;;) {
        if (j >= pattern.length) throw new JodaError(`unterminated quote in format pattern '${pattern}'`);
        if (pattern[j] === "'") {
          if (pattern[j + 1] === "'") {
            text += "'";
            j += 2;
            continue;
          }
          break;
        }
        text += pattern[j];
        j++;
      }
      tokens.push({ kind: 'literal', text });
      i = j + 1;
    } else if (/[A-Za-z]/.test(c)) {
      if (!PATTERN_LETTERS.has(c)) {
        throw new JodaError(`illegal pattern component '${c}' in format pattern '${pattern}'`);
      }
      let j = i;
      while (pattern[j] === c) j++;
      tokens.push({ kind: 'field', letter: c, count: j - i });
      i = j;
    } else {
      tokens.push({ kind: 'literal', text: c });
      i++;
    }
  }
  patternCache.set(pattern, tokens);
  return tokens;
}

function pad(n: number, width: number): string {
  const s = String(Math.abs(n)).padStart(width, '0');
  return n < 0 ? '-' + s : s;
}

function isoWeek(f: LocalFields): { weekyear: number; week: number } {
  const thursday = new Date(Date.UTC(f.year, f.month - 1, f.day + (4 - f.dayOfWeek)));
  const weekyear = thursday.getUTCFullYear();
  const doy = Math.round((thursday.getTime() - Date.UTC(weekyear, 0, 1)) / 86_400_000) + 1;
  return { weekyear, week: Math.floor((doy - 1) / 7) + 1 };
}

function yearText(year: number, count: number): string {
  return count === 2 ? pad(((year % 100) + 100) % 100, 2) : pad(year, count);
}

function offsetText(offsetMs: number, colon: boolean): string {
  const sign = offsetMs < 0 ? '-' : '+';
  const mins = Math.abs(Math.round(offsetMs / 60_000));
  return `${sign}${pad(Math.floor(mins / 60), 2)}${colon ? ':' : ''}${pad(mins % 60, 2)}`;
}

function zoneName(t: ZonedTime, long: boolean): string {
  if (UTC_IDS.has(t.zone)) return long ? 'Coordinated Universal Time' : 'UTC';
  const f = new Intl.DateTimeFormat('en-US', { timeZone: t.zone, timeZoneName: long ? 'long' : 'short' });
  return f.formatToParts(new Date(t.ms)).find((p) => p.type === 'timeZoneName')?.value ?? t.zone;
}

/** Formats like Joda's `DateTimeFormat.forPattern(pattern).print(dt)` in the English locale. */
export function formatJoda(t: ZonedTime, pattern: string): string {
  const tokens = parsePattern(pattern);
  const f = localFields(t);
  let out = '';
  for (const tok of tokens) {
    if (tok.kind === 'literal') {
      out += tok.text;
      continue;
    }
    const n = tok.count;
    switch (tok.letter) {
      case 'G':
        out += f.year > 0 ? 'AD' : 'BC';
        break;
      case 'C':
        out += pad(Math.floor((f.year > 0 ? f.year : 1 - f.year) / 100), n);
        break;
      case 'Y':
        out += yearText(f.year > 0 ? f.year : 1 - f.year, n);
        break;
      case 'y':
        out += yearText(f.year, n);
        break;
      case 'x':
        out += yearText(isoWeek(f).weekyear, n);
        break;
      case 'w':
        out += pad(isoWeek(f).week, n);
        break;
      case 'e':
        out += pad(f.dayOfWeek, n);
        break;
      case 'E':
        out += n >= 4 ? DAYS[f.dayOfWeek - 1] : DAYS[f.dayOfWeek - 1].slice(0, 3);
        break;
      case 'D':
        out += pad(f.dayOfYear, n);
        break;
      case 'M':
        out += n >= 4 ? MONTHS[f.month - 1] : n === 3 ? MONTHS[f.month - 1].slice(0, 3) : pad(f.month, n);
        break;
      case 'd':
        out += pad(f.day, n);
        break;
      case 'a':
        out += f.hour < 12 ? 'AM' : 'PM';
        break;
      case 'K':
        out += pad(f.hour % 12, n);
        break;
      case 'h':
        out += pad(f.hour % 12 === 0 ? 12 : f.hour % 12, n);
        break;
      case 'H':
        out += pad(f.hour, n);
        break;
      case 'k':
        out += pad(f.hour === 0 ? 24 : f.hour, n);
        break;
      case 'm':
        out += pad(f.minute, n);
        break;
      case 's':
        out += pad(f.second, n);
        break;
      case 'S':
        out += pad(f.millis, 3).padEnd(n, '0').slice(0, n);
        break;
      case 'z':
        out += zoneName(t, n >= 4);
        break;
      case 'Z':
        out += n >= 3 ? t.zone : offsetText(f.offsetMs, n === 2);
        break;
    }
  }
  return out;
}
