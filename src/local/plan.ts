/**
 * Planning, pure (no I/O, no clock of its own): definition + state snapshot + clock → the
 * instances due. Which activities there are and whether they can run here; each activity's
 * schedule; the due periods up to the horizon; which instances this run takes (not finished, not
 * stuck behind a failure it will not retry); the upstream of each activity; how many new periods
 * a run would backfill. The run (run.ts) records the plan in the store in one transaction.
 */
import type { PipelineObject } from '../definition/model.js';
import type { Diagnostic } from '../diagnostics.js';
import { diag } from '../diagnostics.js';
import { checkRunnable, isActivityType } from './activities/index.js';
import type { ObjectGraph } from './objects.js';
import { PRECONDITION_TYPES } from './preconditions.js';
import type { ScheduleSpec, Slot } from './schedule.js';
import { dueSlots, isOneTime, scheduleSpec } from './schedule.js';
import type { InstanceRow } from './state/store.js';
import { TERMINAL } from './state/store.js';

export const DEFAULT_RETRY_DELAY_MS = 10 * 60_000;

/** The activities of a definition (what the engine schedules). */
export function activitiesOf(graph: ObjectGraph): PipelineObject[] {
  return graph.def.objects.filter((o) => o.id !== 'Default' && isActivityType(graph.type(o)));
}

/** Everything that makes the definition unrunnable here, so it is reported before anything runs. */
export function runnableProblems(
  graph: ObjectGraph,
  activities: PipelineObject[],
  pipeline: string,
): Diagnostic[] {
  const problems = checkRunnable(activities.map((a) => ({ id: a.id, type: graph.type(a)! })));
  for (const a of activities) {
    for (const p of [
      ...graph.refs(a, 'precondition'),
      ...graph.refs(a, 'input').flatMap((n) => graph.refs(n, 'precondition')),
    ]) {
      const t = graph.type(p) ?? '';
      if (!PRECONDITION_TYPES.has(t)) {
        problems.push(
          diag('ETL7545', `precondition type '${t}' of '${p.id}' is not supported by the local engine`, {
            objectId: p.id,
          }),
        );
      }
    }
  }
  if (activities.length === 0) {
    problems.push(diag('ETL7546', `the definition of '${pipeline}' has no activities to run`));
  }
  return problems;
}

export interface Schedules {
  specs: Map<string, ScheduleSpec>;
  /** Every activity runs at most once per generation (on-demand, or one occurrence). */
  oneTime: boolean;
}

/** Each activity's schedule; a Schedule without a start starts at the pipeline's first activation. */
export function schedulesOf(
  graph: ObjectGraph,
  activities: PipelineObject[],
  firstActivation: Date,
): Schedules {
  const specs = new Map<string, ScheduleSpec>();
  for (const a of activities) specs.set(a.id, scheduleSpec(graph, a, firstActivation));
  return { specs, oneTime: [...specs.values()].every(isOneTime) };
}

/** Upstream activities: dependsOn, and the producers of an activity's input data nodes. */
export function upstreamActivities(
  graph: ObjectGraph,
  activities: PipelineObject[],
): Map<string, PipelineObject[]> {
  const producers = new Map<string, PipelineObject[]>();
  for (const a of activities) {
    for (const out of graph.refs(a, 'output')) producers.set(out.id, [...(producers.get(out.id) ?? []), a]);
  }
  const upstreamOf = new Map<string, PipelineObject[]>();
  for (const a of activities) {
    const ups = new Set<PipelineObject>(graph.refs(a, 'dependsOn'));
    for (const input of graph.refs(a, 'input')) for (const p of producers.get(input.id) ?? []) ups.add(p);
    ups.delete(a);
    upstreamOf.set(a.id, [...ups]);
  }
  return upstreamOf;
}

/** The upstream instance an instance at `t` waits for: same scheduled start, else the latest before it. */
export function matchSlot<T extends { slot: Slot }>(candidates: T[], t: number): T | undefined {
  return (
    candidates.find((c) => c.slot.scheduledStart.getTime() === t) ??
    [...candidates].reverse().find((c) => c.slot.scheduledStart.getTime() <= t)
  );
}

export interface PlanInput {
  graph: ObjectGraph;
  activities: PipelineObject[];
  schedules: Schedules;
  /** The pipeline's current generation and its instances (the state snapshot). */
  generation: number;
  existing: InstanceRow[];
  /** Activation time: on-demand instances are scheduled at it. */
  now: Date;
  /** Plan periods due up to here (`--until`; default `now`). */
  horizon: Date;
  /** Take instances that ended FAILED/CASCADE_FAILED again (activate: yes; agent: no). */
  rerunFailed: boolean;
  /** Replaces every retryDelay (`--retry-delay`). */
  retryDelayMs?: number;
}

export interface PlannedItem {
  obj: PipelineObject;
  slot: Slot;
  /** The instance's row from an earlier run, if it exists. */
  row?: InstanceRow;
  /** This run takes it (else it is there for dependencies and ordering only). */
  runs: boolean;
  maxRetries: number;
  retryDelayMs: number;
}

export interface Plan {
  generation: number;
  /** A one-time pipeline whose last run ended starts a new generation. */
  newGeneration: boolean;
  items: PlannedItem[];
  upstreamOf: Map<string, PipelineObject[]>;
  /** Scheduled periods not planned before (checked against the backfill limit). */
  newPeriods: number;
  toRun: number;
  /** When the next instance falls due (scheduled pipelines), for the agent. */
  nextDue?: Date;
}

function key(objectId: string, start: string): string {
  return `${objectId}\u0000${start}`;
}

export function planInstances(input: PlanInput): Plan {
  const { graph, activities, schedules, now } = input;
  let generation = input.generation;
  let existing = input.existing;
  let newGeneration = false;
  if (schedules.oneTime && existing.length > 0 && existing.every((r) => TERMINAL.has(r.status))) {
    generation += 1;
    existing = [];
    newGeneration = true;
  }
  const byKey = new Map(existing.map((r) => [key(r.object_id, r.scheduled_start), r]));
  let nextDue: Date | undefined;
  const items: PlannedItem[] = [];
  for (const a of activities) {
    const spec = schedules.specs.get(a.id)!;
    let slots: Slot[];
    if (spec.type === 'ondemand') {
      // An unfinished on-demand instance keeps its scheduled time when it is resumed.
      const prev = existing.find((r) => r.object_id === a.id);
      slots = prev
        ? [
            {
              scheduledStart: new Date(prev.scheduled_start),
              scheduledEnd: new Date(prev.scheduled_end),
              dueAt: now,
            },
          ]
        : [{ scheduledStart: now, scheduledEnd: now, dueAt: now }];
    } else if (schedules.oneTime && existing.some((r) => r.object_id === a.id)) {
      // Resuming an unfinished one-time run: `pipeline activate` compiles the start time anew
      // (a minute later, the slot moves), but the run resumed is the one recorded, so a step that
      // finished (an APPEND load) is never run again under a new scheduled time.
      slots = existing
        .filter((r) => r.object_id === a.id)
        .map((r) => ({
          scheduledStart: new Date(r.scheduled_start),
          scheduledEnd: new Date(r.scheduled_end),
          dueAt: now,
        }));
    } else {
      const due = dueSlots(spec, input.horizon, now);
      slots = due.due;
      if (due.next && (!nextDue || due.next.dueAt < nextDue)) nextDue = due.next.dueAt;
    }
    const maxRetries = Number(graph.str(a, 'maximumRetries') ?? '0') || 0;
    const retryDelayMs = input.retryDelayMs ?? graph.durationMs(a, 'retryDelay') ?? DEFAULT_RETRY_DELAY_MS;
    for (const slot of slots) {
      const row = byKey.get(key(a.id, slot.scheduledStart.toISOString()));
      const runs = !row || (row.status !== 'FINISHED' && (!TERMINAL.has(row.status) || input.rerunFailed));
      items.push({ obj: a, slot, row, runs, maxRetries, retryDelayMs });
    }
  }
  const upstreamOf = upstreamActivities(graph, activities);
  leaveOutStuck(items, upstreamOf);
  return {
    generation,
    newGeneration,
    items,
    upstreamOf,
    newPeriods: new Set(items.filter((p) => !p.row).map((p) => p.slot.scheduledStart.getTime())).size,
    toRun: items.filter((p) => p.runs).length,
    nextDue,
  };
}

/**
 * Instances behind an upstream that ended badly and that this run will not retry (the agent)
 * stay out, so a blocked pipeline does not record an empty run every period.
 */
function leaveOutStuck(items: PlannedItem[], upstreamOf: Map<string, PipelineObject[]>): void {
  const byObject = new Map<string, PlannedItem[]>();
  for (const item of items) byObject.set(item.obj.id, [...(byObject.get(item.obj.id) ?? []), item]);
  for (let changed = true; changed;) {
    changed = false;
    for (const item of items) {
      if (!item.runs) continue;
      const stuck = (upstreamOf.get(item.obj.id) ?? []).some((u) => {
        const m = matchSlot(byObject.get(u.id) ?? [], item.slot.scheduledStart.getTime());
        return m !== undefined && !m.runs && m.row?.status !== 'FINISHED';
      });
      if (stuck) {
        item.runs = false;
        changed = true;
      }
    }
  }
}
