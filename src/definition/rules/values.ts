/** Grammar of the scalar value kinds (reference §3.1, §5). Pure functions, shared with the engine. */

export type PeriodUnit = 'minute' | 'hour' | 'day' | 'week' | 'month' | 'year';

export interface Period {
  count: number;
  unit: PeriodUnit;
}

const PERIOD_RE = /^\s*(\d+)\s+(minute|hour|day|week|month|year)s?\s*$/i;

/** `"15 minutes"`, `"1 Day"`, `"1 YEAR"`; undefined when malformed. */
export function parsePeriod(text: string): Period | undefined {
  const m = PERIOD_RE.exec(text);
  if (!m) return undefined;
  const count = Number(m[1]);
  if (!Number.isSafeInteger(count) || count <= 0) return undefined;
  return { count, unit: m[2].toLowerCase() as PeriodUnit };
}

const MINUTES: Record<PeriodUnit, number> = {
  minute: 1,
  hour: 60,
  day: 1440,
  week: 7 * 1440,
  month: 30 * 1440,
  year: 365 * 1440,
};

/** Approximate length in minutes, for bounds checks (months 30 days, years 365 days). */
export function periodMinutes(p: Period): number {
  return p.count * MINUTES[p.unit];
}

/** Months for month/year periods, so "36 months" and "3 years" compare exactly. */
export function periodMonths(p: Period): number | undefined {
  if (p.unit === 'month') return p.count;
  if (p.unit === 'year') return p.count * 12;
  return undefined;
}

/** True when `p` is at most 3 years (§5: "the maximum period is 3 years"). */
export function periodWithinThreeYears(p: Period): boolean {
  const months = periodMonths(p);
  if (months !== undefined) return months <= 36;
  return periodMinutes(p) <= (3 * 365 + 1) * 1440;
}

/** Adds a period to a UTC instant using calendar arithmetic for days and longer. */
export function addPeriod(date: Date, p: Period, times = 1): Date {
  const d = new Date(date.getTime());
  const n = p.count * times;
  switch (p.unit) {
    case 'minute':
      return new Date(d.getTime() + n * 60_000);
    case 'hour':
      return new Date(d.getTime() + n * 3_600_000);
    case 'day':
      d.setUTCDate(d.getUTCDate() + n);
      return d;
    case 'week':
      d.setUTCDate(d.getUTCDate() + 7 * n);
      return d;
    case 'month':
      return addMonthsUtc(d, n);
    case 'year':
      return addMonthsUtc(d, 12 * n);
  }
}

/** Joda semantics: adding months clamps the day to the end of the target month. */
export function addMonthsUtc(d: Date, months: number): Date {
  const y = d.getUTCFullYear();
  const m = d.getUTCMonth() + months;
  const targetYear = y + Math.floor(m / 12);
  const targetMonth = ((m % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(targetYear, targetMonth + 1, 0)).getUTCDate();
  const day = Math.min(d.getUTCDate(), lastDay);
  return new Date(
    Date.UTC(
      targetYear,
      targetMonth,
      day,
      d.getUTCHours(),
      d.getUTCMinutes(),
      d.getUTCSeconds(),
      d.getUTCMilliseconds(),
    ),
  );
}

const DATETIME_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/;

/** Literal DateTime `YYYY-MM-DDTHH:MM:SS` in UTC; undefined when malformed or not a real date. */
export function parseDateTime(text: string): Date | undefined {
  const m = DATETIME_RE.exec(text);
  if (!m) return undefined;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number);
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return undefined;
  const date = new Date(Date.UTC(y, mo - 1, d, h, mi, s));
  if (date.getUTCDate() !== d || date.getUTCMonth() !== mo - 1) return undefined;
  return date;
}

/** Renders a UTC DateTime the way definitions write it. */
export function formatDateTime(d: Date): string {
  return d.toISOString().slice(0, 19);
}

export function isInteger(text: string): boolean {
  return /^[-+]?\d+$/.test(text.trim());
}

export function isDouble(text: string): boolean {
  return /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text.trim());
}

export function isBoolean(text: string): boolean {
  return /^(true|false)$/i.test(text.trim());
}

/** UTF-8 byte length without allocating a Buffer for ASCII strings (the common case). */
export function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) bytes += 1;
    else if (c < 0x800) bytes += 2;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        bytes += 4;
        i++;
      } else bytes += 3;
    } else bytes += 3;
  }
  return bytes;
}

/**
 * First character that is not legal in XML 1.0 (the API's string pattern), with its index;
 * undefined when the text is clean. Lone surrogates count as illegal.
 */
export function findXmlIllegal(text: string): { index: number; code: number } | undefined {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x20 && c < 0xd800) continue;
    if (c === 0x09 || c === 0x0a || c === 0x0d) continue;
    if (c >= 0xe000 && c <= 0xfffd) continue;
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++;
        continue;
      }
    }
    return { index: i, code: c };
  }
  return undefined;
}
