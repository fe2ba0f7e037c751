/**
 * `pipeline activate --dry-run` on a local target: what a run would do, with nothing run and
 * nothing written (issue 12: --dry-run used to run the pipeline). The plan is the engine's own
 * (plan.ts, the same pure planning a real activate does): the activities, the instances due by
 * the horizon, what the local engine cannot run, and — when a state store exists — which
 * instances already finished and are skipped.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Definition } from '../definition/model.js';
import type { Diagnostic } from '../diagnostics/index.js';
import { ObjectGraph } from './objects.js';
import type { PlannedItem } from './plan.js';
import { activitiesOf, planInstances, runnableProblems, schedulesOf } from './plan.js';
import { openStateStore, stateUrlFor } from './state/open.js';
import type { InstanceRow } from './state/store.js';

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

/** The state snapshot a real run would plan from: nothing when the store or the pipeline is new. */
interface Snapshot {
  firstActivation?: Date;
  generation: number;
  existing: InstanceRow[];
}

async function snapshot(stateDir: string, pipeline: string): Promise<Snapshot> {
  // Opening the store creates it; a dry run writes nothing, so only an existing one is read.
  if (!stateUrlFor(stateDir) && !existsSync(join(stateDir, 'state.db')))
    return { generation: 1, existing: [] };
  const store = await openStateStore({ stateDir });
  try {
    const p = await store.pipeline(pipeline);
    if (!p) return { generation: 1, existing: [] };
    return {
      firstActivation: p.first_activation ? new Date(p.first_activation) : undefined,
      generation: p.generation,
      existing: await store.instances(pipeline, p.generation),
    };
  } finally {
    await store.close();
  }
}

export async function planLocally(
  def: Definition,
  opts: { pipeline: string; file: string; stateDir: string; now: Date; until?: Date },
): Promise<LocalPlan> {
  const graph = new ObjectGraph(def);
  const activities = activitiesOf(graph);
  const diagnostics = runnableProblems(graph, activities, opts.pipeline);
  const snap = await snapshot(opts.stateDir, opts.pipeline);
  const schedules = schedulesOf(graph, activities, snap.firstActivation ?? opts.now);
  const plan = planInstances({
    graph,
    activities,
    schedules,
    generation: snap.generation,
    existing: snap.existing,
    now: opts.now,
    horizon: opts.until ?? opts.now,
    // As `pipeline activate` plans: instances that ended badly run again.
    rerunFailed: true,
  });
  const byActivity = new Map<string, PlannedItem[]>();
  for (const item of plan.items) byActivity.set(item.obj.id, [...(byActivity.get(item.obj.id) ?? []), item]);
  const planned = activities.map((a): PlannedActivity => {
    const items = byActivity.get(a.id) ?? [];
    return {
      id: a.id,
      name: a.name,
      type: graph.type(a) ?? '',
      dependsOn: graph.refs(a, 'dependsOn').map((d) => d.id),
      schedule: schedules.specs.get(a.id)!.type,
      due: items.slice(0, SHOWN).map((i) => i.slot.scheduledStart.toISOString().slice(0, 19)),
      dueCount: items.length,
      finished: items.filter((i) => i.row?.status === 'FINISHED').length,
      wouldRun: items.filter((i) => i.runs).length,
    };
  });
  return {
    pipeline: opts.pipeline,
    file: opts.file,
    activities: planned,
    wouldRun: plan.toRun,
    diagnostics,
  };
}
