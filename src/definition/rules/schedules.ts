/** Schedule semantics (reference §5, §6.4–5, §9.6). Time-relative checks use `opts.now` only. */
import type { PipelineObject } from '../model.js';
import {
  addPeriod,
  formatDateTime,
  parseDateTime,
  parsePeriod,
  periodMinutes,
  periodWithinThreeYears,
} from './values.js';
import { C } from './codes.js';
import type { CheckContext, Rule } from './context.js';

const DAY_MS = 86_400_000;

function scheduleType(ctx: CheckContext, o: PipelineObject): string | undefined {
  return ctx.effectiveString(o, 'scheduleType')?.toLowerCase();
}

function isOnDemand(ctx: CheckContext): boolean {
  const d = ctx.inh.defaultObject;
  return d !== undefined && scheduleType(ctx, d) === 'ondemand';
}

/** Activities, data nodes and resources run on a schedule (field `schedule` is their "I" field in §3.2). */
function isScheduled(ctx: CheckContext, o: PipelineObject): boolean {
  const cat = ctx.specOf(o)?.category;
  return o.id !== 'Default' && (cat === 'activity' || cat === 'datanode' || cat === 'resource');
}

function scheduleObjects(ctx: CheckContext): void {
  for (const o of ctx.def.objects) {
    if (ctx.typeOf(o) !== 'Schedule') continue;
    const periodText = ctx.effectiveString(o, 'period');
    const period = periodText ? parsePeriod(periodText) : undefined;
    if (period && (periodMinutes(period) < 15 || !periodWithinThreeYears(period))) {
      ctx.report(
        C.PERIOD_BOUNDS,
        'error',
        `schedule period '${periodText}' is ${periodMinutes(period) < 15 ? 'below the 15-minute minimum' : 'above the 3-year maximum'}`,
        'use a period between 15 minutes and 3 years',
        o.id,
        'period',
      );
    }
    const startText = ctx.effectiveString(o, 'startDateTime');
    const endText = ctx.effectiveString(o, 'endDateTime');
    const start = startText ? parseDateTime(startText) : undefined;
    const end = endText ? parseDateTime(endText) : undefined;
    if (start && end && end.getTime() <= start.getTime()) {
      ctx.report(
        C.END_BEFORE_START,
        'error',
        `endDateTime ${endText} is not after startDateTime ${startText}`,
        'set endDateTime later than startDateTime',
        o.id,
        'endDateTime',
      );
    }
    const now = ctx.opts.now;
    if (start && now && !isOnDemand(ctx) && start.getTime() < now.getTime() - DAY_MS) {
      ctx.report(
        C.START_IN_PAST,
        'warning',
        `schedule starts at ${startText}, more than one day before now (${formatDateTime(now)}): AWS blocks activation to prevent an accidental backfill`,
        'move startDateTime to within the last day, or activate with --start-timestamp',
        o.id,
        'startDateTime',
      );
    }
  }
}

/**
 * AWS's cascade warning (§6.4), once per object that sets `failureAndRerunMode: cascade` (usually
 * Default), when an object inheriting it from there starts more than one period before `now`.
 */
function cascadeBackfill(ctx: CheckContext): void {
  const now = ctx.opts.now;
  if (!now || isOnDemand(ctx)) return;
  for (const owner of ctx.def.objects) {
    const own = owner.fields.failureAndRerunMode;
    if (typeof own !== 'string' || own.toLowerCase() !== 'cascade') continue;
    let earliest: string | undefined;
    for (const o of ctx.def.objects) {
      if (!isScheduled(ctx, o) || ctx.inh.source(o, 'failureAndRerunMode') !== owner) continue;
      const sid = ctx.effectiveRef(o, 'schedule');
      const sched = sid === undefined ? undefined : ctx.inh.byId.get(sid);
      if (!sched) continue;
      const startText = ctx.effectiveString(sched, 'startDateTime');
      const start = startText ? parseDateTime(startText) : undefined;
      const periodText = ctx.effectiveString(sched, 'period');
      const period = periodText ? parsePeriod(periodText) : undefined;
      if (!start || !period || addPeriod(start, period).getTime() > now.getTime()) continue;
      if (earliest === undefined || startText! < earliest) earliest = startText;
    }
    if (earliest === undefined) continue;
    ctx.report(
      C.CASCADE_BACKFILL,
      'warning',
      `${owner.name} has 'failureAndRerunMode' field set to 'cascade' and you are about to create a backfill with scheduleStartTime ${earliest}. This can result in rapid creation of pipeline objects in case of failures.`,
      "start the schedule within one period of now, or use failureAndRerunMode 'none' for the backfill",
      owner.id,
      'failureAndRerunMode',
    );
  }
}

function onDemand(ctx: CheckContext): void {
  const onDemandPipeline = isOnDemand(ctx);
  for (const o of ctx.def.objects) {
    if (o.id === 'Default') continue;
    const own = typeof o.fields.scheduleType === 'string' ? o.fields.scheduleType.toLowerCase() : undefined;
    if (own !== undefined && own !== '' && (own === 'ondemand') !== onDemandPipeline) {
      ctx.report(
        C.ONDEMAND_MIXED,
        'error',
        onDemandPipeline
          ? `scheduleType '${o.fields.scheduleType}' in an on-demand pipeline`
          : "scheduleType 'ondemand' must be set on Default, as the only schedule type of the pipeline",
        "set scheduleType once, on Default; 'ondemand' cannot be mixed with cron/timeseries",
        o.id,
        'scheduleType',
      );
    }
  }
  if (!onDemandPipeline) return;
  for (const o of ctx.def.objects) {
    if ('schedule' in o.fields) {
      ctx.report(
        C.ONDEMAND_SCHEDULE,
        'error',
        'on-demand pipelines must not use a schedule reference',
        "remove 'schedule' (the pipeline runs once per activation)",
        o.id,
        'schedule',
      );
    }
    if (ctx.typeOf(o) === 'Schedule') {
      ctx.report(
        C.ONDEMAND_SCHEDULE,
        'warning',
        `Schedule object '${o.id}' in an on-demand pipeline`,
        'remove the Schedule object; on-demand pipelines do not use schedules',
        o.id,
      );
    }
    if ('lateAfterTimeout' in o.fields) {
      ctx.report(
        C.ONDEMAND_LATE,
        'warning',
        'lateAfterTimeout does not fire in an on-demand pipeline',
        'remove lateAfterTimeout or use a schedule',
        o.id,
        'lateAfterTimeout',
      );
    }
  }
}

function scheduleRequired(ctx: CheckContext): void {
  if (isOnDemand(ctx)) return;
  for (const o of ctx.def.objects) {
    if (!isScheduled(ctx, o) || ctx.inh.field(o, 'schedule') !== undefined) continue;
    if (scheduleType(ctx, o) === 'ondemand') continue;
    ctx.report(
      C.REQUIRED,
      'error',
      `${ctx.typeOf(o)} '${o.id}' has no 'schedule'`,
      "set 'schedule' on Default (usual) or on the object, or make the pipeline on-demand with scheduleType 'ondemand' on Default",
      o.id,
      'schedule',
    );
  }
}

export const scheduleRules: Rule[] = [
  { name: 'schedule-objects', run: scheduleObjects },
  { name: 'cascade-backfill', run: cascadeBackfill },
  { name: 'on-demand', run: onDemand },
  { name: 'schedule-required', run: scheduleRequired },
];
