/**
 * `pipeline activate --dry-run` on a local target: what a run would do, with nothing run and
 * nothing written (issue 12: --dry-run used to run the pipeline). The activities, the scheduled
 * periods due by the horizon, what the local engine cannot run, and — when a state store exists —
 * which instances already finished. Planning in the engine proper is the engine's (a pure plan
 * module is coming); this reads the same definition with the same schedule rules.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Definition } from '../definition/model.js';
import type { Diagnostic } from '../diagnostics/index.js';
import { checkRunnable, isActivityType } from './activities/index.js';
import { ObjectGraph } from './objects.js';
import { PRECONDITION_TYPES } from './preconditions.js';
import { dueSlots, isOneTime, scheduleSpec } from './schedule.js';
import { StateStore, TERMINAL } from './state.js';

export interface PlannedActivity {
  id: string;
  name: string;
  type: string;
  dependsOn: string[];
  schedule: 'cron' | 'timeseries' | 'ondemand';
  /** Scheduled starts of the instances due by the horizon (ISO, oldest first; at most 20 listed). */
  due: string[];
  dueCount: number;
  /** Of those, already finished in the state store (a real run skips them). */
  finished: number;
  /** The instances a real run would start now. */
  wouldRun: number;
}

export interface LocalPlan {
  pipeline: string;
  file: string;
  activities: PlannedActivity[];
  wouldRun: number;
  /** Why the local engine would refuse to run it. */
  diagnostics: Diagnostic[];
}

const SHOWN = 20;

function finishedStarts(stateDir: string, pipeline: string): Map<string, Set<string>> | undefined {
  // Opening the store creates it; a dry run writes nothing, so only an existing one is read.
  if (!existsSync(join(stateDir, 'state.db'))) return undefined;
  const store = new StateStore(stateDir);
  try {
    const p = store.pipeline(pipeline);
    if (!p) return undefined;
    const rows = store.instances(pipeline, p.generation);
    // A one-time pipeline whose every instance ended starts a new run: nothing counts as done.
    if (
      rows.length > 0 &&
      rows.every((r) => TERMINAL.has(r.status)) &&
      rows.every((r) => r.scheduled_start === rows[0].scheduled_start)
    )
      return new Map();
    const done = new Map<string, Set<string>>();
    for (const r of rows) {
      if (r.status !== 'FINISHED') continue;
      done.set(r.object_id, (done.get(r.object_id) ?? new Set()).add(r.scheduled_start));
    }
    return done;
  } finally {
    store.close();
  }
}

export function planLocally(
  def: Definition,
  opts: { pipeline: string; file: string; stateDir: string; now: Date; until?: Date },
): LocalPlan {
  const graph = new ObjectGraph(def);
  const activities = def.objects.filter((o) => o.id !== 'Default' && isActivityType(graph.type(o)));
  const diagnostics = checkRunnable(activities.map((a) => ({ id: a.id, type: graph.type(a)! })));
  for (const a of activities) {
    for (const p of graph.refs(a, 'precondition')) {
      const t = graph.type(p) ?? '';
      if (!PRECONDITION_TYPES.has(t))
        diagnostics.push({
          code: 'ETL7545',
          severity: 'error',
          message: `precondition type '${t}' of '${p.id}' is not supported by the local engine`,
          objectId: p.id,
        });
    }
  }
  const done = finishedStarts(opts.stateDir, opts.pipeline);
  const horizon = opts.until ?? opts.now;
  const planned = activities.map((a): PlannedActivity => {
    const spec = scheduleSpec(graph, a, opts.now);
    const slots = dueSlots(spec, horizon, opts.now).due.map((s) =>
      s.scheduledStart.toISOString().slice(0, 19),
    );
    // On-demand and one-time instances are keyed by their first activation, not by now.
    const finished =
      isOneTime(spec) && done?.get(a.id)?.size
        ? slots.length
        : slots.filter((s) => done?.get(a.id)?.has(s)).length;
    return {
      id: a.id,
      name: a.name,
      type: graph.type(a) ?? '',
      dependsOn: graph.refs(a, 'dependsOn').map((d) => d.id),
      schedule: spec.type,
      due: slots.slice(0, SHOWN),
      dueCount: slots.length,
      finished,
      wouldRun: slots.length - finished,
    };
  });
  return {
    pipeline: opts.pipeline,
    file: opts.file,
    activities: planned,
    wouldRun: planned.reduce((n, a) => n + a.wouldRun, 0),
    diagnostics,
  };
}
