/**
 * Frequency, load time and start: Dataduct's vocabulary (`one-time`, `hourly`, `N-hours`,
 * `daily`, `N-days`, `weekly`, `N-weeks`), any Data Pipeline period (`30 minutes`), and
 * `on-demand`. Pure: the clock is an input.
 */
import { parseDuration } from '../duration.js';

export type Frequency =
  | { kind: 'one-time' }
  | { kind: 'on-demand' }
  | { kind: 'periodic'; count: number; unit: 'Minutes' | 'Hours' | 'Days' | 'Weeks' | 'Months' };

const UNIT_MS: Record<string, number> = {
  Minutes: 60_000,
  Hours: 3_600_000,
  Days: 86_400_000,
  Weeks: 7 * 86_400_000,
  Months: 30 * 86_400_000,
};

export function parseFrequency(raw: string): Frequency | undefined {
  const s = raw.trim().toLowerCase();
  if (s === 'one-time' || s === 'once') return { kind: 'one-time' };
  if (s === 'on-demand' || s === 'ondemand') return { kind: 'on-demand' };
  if (s === 'hourly') return { kind: 'periodic', count: 1, unit: 'Hours' };
  if (s === 'daily') return { kind: 'periodic', count: 1, unit: 'Days' };
  if (s === 'weekly') return { kind: 'periodic', count: 1, unit: 'Weeks' };
  if (s === 'monthly') return { kind: 'periodic', count: 1, unit: 'Months' };
  const m = /^(\d+)[- ](minute|hour|day|week|month)s?$/.exec(s);
  if (!m) return undefined;
  const count = Number(m[1]);
  if (count < 1) return undefined;
  const unit = (m[2][0].toUpperCase() + m[2].slice(1) + 's') as
    'Minutes' | 'Hours' | 'Days' | 'Weeks' | 'Months';
  return { kind: 'periodic', count, unit };
}

export function periodString(f: Frequency): string {
  if (f.kind === 'periodic') return `${f.count} ${f.unit}`;
  return '15 Minutes';
}

export function periodMs(f: Frequency): number {
  return f.kind === 'periodic' ? f.count * UNIT_MS[f.unit] : 15 * 60_000;
}

/** `HH:MM` (24h, UTC). YAML 1.2 keeps unquoted `13:30` a string; a number here means a YAML 1.1 habit. */
export function parseLoadTime(raw: unknown): { hour: number; minute: number } | undefined {
  if (typeof raw === 'number' && Number.isInteger(raw) && raw >= 0 && raw < 24)
    return { hour: raw, minute: 0 };
  if (typeof raw !== 'string') return undefined;
  const m = /^(\d{1,2}):(\d{2})$/.exec(raw.trim());
  if (!m) return undefined;
  const hour = Number(m[1]);
  const minute = Number(m[2]);
  if (hour > 23 || minute > 59) return undefined;
  return { hour, minute };
}

/** `3h`, `-2d`, `90m`, `1w`, `1.5d`, `1d12h`, or `2 hours`: etlctl's one duration grammar (src/duration.ts). */
export function parseTimeDelta(raw: string): number | undefined {
  return parseDuration(raw, { sign: true });
}

/** Data Pipeline DateTime format: `YYYY-MM-DDTHH:MM:SS` (UTC, no zone suffix). */
export function formatDateTime(d: Date): string {
  return d.toISOString().slice(0, 19);
}

export function parseStart(raw: string): Date | undefined {
  const s = raw.trim();
  if (!/^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(s)) return undefined;
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/.test(s);
  const d = new Date(hasZone ? s : s.length === 10 ? `${s}T00:00:00Z` : `${s}Z`);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

/**
 * The schedule start: the most recent load time at or before `now` (so AWS does not block
 * activation for a start more than a day in the past), shifted by the time delta.
 */
export function computeStart(
  f: Frequency,
  load: { hour: number; minute: number },
  now: Date,
  deltaMs: number,
): Date {
  // A one-time pipeline runs once, now: a start a day back would make AWS create a backfill.
  if (f.kind === 'one-time') return new Date(Math.floor(now.getTime() / 60_000) * 60_000 + deltaMs);
  const anchor = new Date(
    Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate(), load.hour, load.minute, 0),
  );
  if (anchor.getTime() > now.getTime()) anchor.setUTCDate(anchor.getUTCDate() - 1);
  if (f.kind === 'periodic' && periodMs(f) < 86_400_000) {
    const p = periodMs(f);
    const steps = Math.floor((now.getTime() - anchor.getTime()) / p);
    anchor.setTime(anchor.getTime() + steps * p);
  }
  return new Date(anchor.getTime() + deltaMs);
}
