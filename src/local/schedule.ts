/**
 * Which instances of an object are due (reference §5): one per Schedule period; cron-style
 * instances are due at the start of their interval, timeseries-style at its end; on-demand
 * pipelines get one instance at activation time.
 */
import type { PipelineObject } from '../definition/model.js';
import { EtlError, diag } from '../diagnostics.js';
import type { ObjectGraph } from './objects.js';
import type { Period } from '../definition/rules/values.js';
import { addPeriod, parseDateTime as parseLiteral, parsePeriod } from '../definition/rules/values.js';

export interface Slot {
  scheduledStart: Date;
  scheduledEnd: Date;
  /** When the instance may start: interval start (cron) or end (timeseries). */
  dueAt: Date;
}

export type ScheduleType = 'cron' | 'timeseries' | 'ondemand';

export function scheduleTypeOf(graph: ObjectGraph, obj: PipelineObject): ScheduleType {
  const t = (graph.str(obj, 'scheduleType') ?? '').toLowerCase();
  if (t === 'ondemand') return 'ondemand';
  if (t === 'timeseries') return 'timeseries';
  if (t === 'cron') return 'cron';
  // Data Pipeline's default is timeseries; with no Schedule at all there is nothing but on-demand.
  return graph.ref(obj, 'schedule') ? 'timeseries' : 'ondemand';
}

export function parseDateTime(text: string, where: string): Date {
  const d = parseLiteral(text.trim());
  if (!d) {
    throw new EtlError(
      diag('ETL7502', `${where}: '${text}' is not a date-time`, { hint: 'use UTC YYYY-MM-DDTHH:MM:SS' }),
    );
  }
  return d;
}

export interface ScheduleSpec {
  type: ScheduleType;
  period?: Period;
  start?: Date;
  end?: Date;
  occurrences?: number;
}

export function scheduleSpec(graph: ObjectGraph, obj: PipelineObject, firstActivation: Date): ScheduleSpec {
  const type = scheduleTypeOf(graph, obj);
  const sched = graph.ref(obj, 'schedule');
  if (type === 'ondemand' || !sched) return { type: 'ondemand' };
  const periodText = graph.str(sched, 'period');
  if (!periodText) {
    throw new EtlError(
      diag('ETL7503', `Schedule '${sched.id}' has no period`, { objectId: sched.id, field: 'period' }),
    );
  }
  if (/^ONDEMAND_PERIOD$/i.test(periodText.trim())) return { type: 'ondemand' };
  const period = parsePeriod(periodText);
  if (!period) {
    throw new EtlError(
      diag('ETL7500', `Schedule '${sched.id}' period '${periodText}' is not a period`, {
        objectId: sched.id,
        field: 'period',
        hint: "write it as 'N minutes|hours|days|weeks|months|years', e.g. '15 minutes'",
      }),
    );
  }
  const startText = graph.str(sched, 'startDateTime');
  const start = startText
    ? parseDateTime(startText, `Schedule '${sched.id}' startDateTime`)
    : firstActivation;
  const endText = graph.str(sched, 'endDateTime');
  const occ = graph.str(sched, 'occurrences');
  return {
    type,
    period,
    start,
    end: endText ? parseDateTime(endText, `Schedule '${sched.id}' endDateTime`) : undefined,
    occurrences: occ !== undefined ? Number(occ) : undefined,
  };
}

/** True when the schedule can never produce more than one instance. */
export function isOneTime(spec: ScheduleSpec): boolean {
  return spec.type === 'ondemand' || spec.occurrences === 1;
}

/**
 * Slots due by `horizon` (cron: starting before it; timeseries: ending by it), oldest first, plus the next future slot (for the agent's sleep).
 * `limit` stops runaway loops on tiny periods; callers report the count against the backfill limit.
 */
export function dueSlots(
  spec: ScheduleSpec,
  horizon: Date,
  activation: Date,
  limit = 100_000,
): { due: Slot[]; next?: Slot } {
  if (spec.type === 'ondemand' || !spec.period || !spec.start) {
    return { due: [{ scheduledStart: activation, scheduledEnd: activation, dueAt: activation }] };
  }
  const due: Slot[] = [];
  for (let k = 0; k < limit; k++) {
    if (spec.occurrences !== undefined && k >= spec.occurrences) return { due };
    const scheduledStart = addPeriod(spec.start, spec.period, k);
    if (spec.end && scheduledStart.getTime() >= spec.end.getTime()) return { due };
    const scheduledEnd = addPeriod(spec.start, spec.period, k + 1);
    const slot = {
      scheduledStart,
      scheduledEnd,
      dueAt: spec.type === 'cron' ? scheduledStart : scheduledEnd,
    };
    // Periods inside [start, horizon]: a cron instance starting exactly at the horizon belongs to the
    // next window, except one starting at the activation itself (`startAt: FIRST_ACTIVATION_DATE_TIME`
    // makes the first slot start exactly then): activating runs it, as on AWS.
    const atActivation = k === 0 && spec.start.getTime() === activation.getTime();
    const late = spec.type === 'cron' ? slot.dueAt >= horizon && !atActivation : slot.dueAt > horizon;
    if (late) return { due, next: slot };
    due.push(slot);
  }
  return { due };
}
