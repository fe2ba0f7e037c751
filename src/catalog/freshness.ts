/**
 * Freshness against an SLA (issue 16). `meta.sla.ready_by: "06:00"` (in `timezone`, default UTC)
 * is a deadline every day: the data a pipeline writes must have been refreshed by then. At the
 * catalog's clock the latest deadline that has passed is judged:
 *
 *   on_time   a successful write finished in the SLA window ending at that deadline
 *             (one schedule period long, at least a day)
 *   late      none did: the data arrived after the deadline, or has not arrived
 *   unknown   the state store has no runs of the pipeline (it never ran here), or it was first
 *             activated after that deadline
 *
 * Pipelines without a schedule (one-time, on-demand) are `not_scheduled`: they have no period to
 * be late for.
 */
import type { Freshness } from './model.js';
import type { PipelineHistory } from './state.js';

const DAY_MS = 86_400_000;

// Building an Intl formatter costs far more than using one: one per time zone and purpose.
const partsFormatters = new Map<string, Intl.DateTimeFormat>();
const textFormatters = new Map<string, Intl.DateTimeFormat>();

function zonedParts(date: Date, tz: string): { y: number; m: number; d: number; ms: number } {
  let f = partsFormatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone: tz,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    });
    partsFormatters.set(tz, f);
  }
  const parts = f.formatToParts(date);
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value ?? 0);
  const asUtc = Date.UTC(
    get('year'),
    get('month') - 1,
    get('day'),
    get('hour'),
    get('minute'),
    get('second'),
  );
  return { y: get('year'), m: get('month'), d: get('day'), ms: asUtc };
}

/** Offset of `tz` from UTC at `date`, in milliseconds (positive east of Greenwich). */
function offsetMs(date: Date, tz: string): number {
  const whole = new Date(Math.floor(date.getTime() / 1000) * 1000);
  return zonedParts(whole, tz).ms - whole.getTime();
}

/** The instant of HH:MM on the local date y-m-d in `tz`. */
export function zonedTime(y: number, m: number, d: number, hh: number, mm: number, tz: string): Date {
  const guess = Date.UTC(y, m - 1, d, hh, mm);
  let t = guess - offsetMs(new Date(guess), tz);
  const again = guess - offsetMs(new Date(t), tz);
  if (again !== t) t = again;
  return new Date(t);
}

/** The latest `readyBy` deadline at or before `now`. */
export function latestDeadline(now: Date, readyBy: string, tz: string): Date {
  const [hh, mm] = readyBy.split(':').map(Number);
  const today = zonedParts(now, tz);
  const at = zonedTime(today.y, today.m, today.d, hh, mm, tz);
  if (at.getTime() <= now.getTime()) return at;
  const prev = zonedParts(new Date(at.getTime() - DAY_MS), tz);
  return zonedTime(prev.y, prev.m, prev.d, hh, mm, tz);
}

export interface FreshnessInput {
  sla?: { readyBy: string; timezone: string };
  /** Schedule period in milliseconds; undefined for one-time and on-demand pipelines. */
  periodMs?: number;
  /** Activities whose success refreshes the data. */
  writers: readonly string[];
  history?: PipelineHistory;
  now: Date;
}

function fmt(iso: string, tz: string): string {
  let f = textFormatters.get(tz);
  if (!f) {
    f = new Intl.DateTimeFormat('en-GB', { timeZone: tz, dateStyle: 'medium', timeStyle: 'short' });
    textFormatters.set(tz, f);
  }
  return f.format(new Date(iso)) + (tz === 'UTC' ? ' UTC' : ` ${tz}`);
}

/** Every table of every pipeline with the same SLA shares one deadline at one clock. */
const deadlines = new Map<string, Date>();

export function freshness(input: FreshnessInput): Freshness | undefined {
  const { sla, history, now } = input;
  const writes = (history?.instances ?? []).filter(
    (i) => input.writers.includes(i.objectId) && i.status === 'FINISHED' && i.endedAt,
  );
  const lastSuccess = writes
    .map((i) => i.endedAt!)
    .sort()
    .pop();
  if (!sla) return undefined;
  if (input.periodMs === undefined)
    return {
      status: 'not_scheduled',
      message: 'no schedule: the SLA is not checked',
      ...(lastSuccess ? { lastSuccess } : {}),
    };
  const key = `${now.getTime()}|${sla.readyBy}|${sla.timezone}`;
  let deadline = deadlines.get(key);
  if (!deadline) {
    if (deadlines.size > 1000) deadlines.clear();
    deadlines.set(key, (deadline = latestDeadline(now, sla.readyBy, sla.timezone)));
  }
  const base = { deadline: deadline.toISOString(), ...(lastSuccess ? { lastSuccess } : {}) };
  const due = `due by ${sla.readyBy} ${sla.timezone}`;
  if (!history || history.instances.length === 0)
    return { status: 'unknown', ...base, message: `no runs recorded in the local state store (${due})` };
  if (history.firstActivation && Date.parse(history.firstActivation) > deadline.getTime())
    return { status: 'unknown', ...base, message: `first activated after the latest deadline (${due})` };
  const windowStart = deadline.getTime() - Math.max(DAY_MS, input.periodMs);
  const inWindow = writes.some((i) => {
    const t = Date.parse(i.endedAt!);
    return t > windowStart && t <= deadline.getTime();
  });
  if (inWindow)
    return { status: 'on_time', ...base, message: `refreshed ${fmt(lastSuccess!, sla.timezone)}, ${due}` };
  const after = writes
    .filter((i) => Date.parse(i.endedAt!) > deadline.getTime())
    .sort((a, b) => a.endedAt!.localeCompare(b.endedAt!))[0];
  return {
    status: 'late',
    ...base,
    message: after
      ? `arrived ${fmt(after.endedAt!, sla.timezone)}, after the deadline ${fmt(deadline.toISOString(), sla.timezone)}`
      : lastSuccess
        ? `not refreshed since ${fmt(lastSuccess, sla.timezone)}; was due ${fmt(deadline.toISOString(), sla.timezone)}`
        : `never refreshed; was due ${fmt(deadline.toISOString(), sla.timezone)}`,
  };
}
