/**
 * Step selection (issue 18: `--select`, `--from`, `pipeline run-step`): YAML step names or
 * activity ids → the set of activity ids a run takes. A step name stands for its activities (the
 * definition's step map when it has one — a freshly compiled pipeline — else the `<step>.` prefix
 * the compiler gives activity ids, as in a definition stored by an earlier activation).
 */
import type { Definition, PipelineObject } from '../definition/model.js';
import { EtlError, ExitCode, diag, didYouMean } from '../diagnostics/index.js';
import type { StepSelection } from './engine.js';
import type { ObjectGraph } from './objects.js';
import { upstreamActivities } from './plan.js';

function activitiesNamed(def: Definition, activities: PipelineObject[], name: string): string[] {
  const ids = new Set(activities.map((a) => a.id));
  if (ids.has(name)) return [name];
  const step = def.meta?.steps.find((s) => s.name === name);
  if (step) return step.objectIds.filter((id) => ids.has(id));
  return [...ids].filter((id) => id.startsWith(`${name}.`));
}

function unknownStep(def: Definition, activities: PipelineObject[], name: string): EtlError {
  const known = [
    ...new Set([
      ...(def.meta?.steps.map((s) => s.name) ?? []),
      ...activities.map((a) => a.id.split('.')[0]),
      ...activities.map((a) => a.id),
    ]),
  ];
  return new EtlError(
    diag('ETL7707', `no step '${name}' to run in this pipeline`, {
      hint: didYouMean(name, known) ?? `steps: ${known.slice(0, 12).join(', ')}`,
    }),
    ExitCode.USAGE,
  );
}

/** The activity ids a selection takes, or undefined when it takes every activity. */
export function resolveSelection(
  def: Definition,
  graph: ObjectGraph,
  activities: PipelineObject[],
  sel: StepSelection | undefined,
): Set<string> | undefined {
  if (!sel || (!sel.steps?.length && !sel.from)) return undefined;
  const named = (name: string): string[] => {
    const ids = activitiesNamed(def, activities, name);
    if (ids.length === 0) throw unknownStep(def, activities, name);
    return ids;
  };
  const chosen = new Set<string>((sel.steps ?? []).flatMap(named));
  if (sel.from) {
    const down = new Map<string, string[]>();
    for (const [id, ups] of upstreamActivities(graph, activities))
      for (const u of ups) down.set(u.id, [...(down.get(u.id) ?? []), id]);
    const queue = named(sel.from);
    while (queue.length > 0) {
      const id = queue.shift()!;
      if (chosen.has(id) && !(sel.steps ?? []).length) continue;
      chosen.add(id);
      for (const d of down.get(id) ?? []) if (!chosen.has(d)) queue.push(d);
    }
  }
  return chosen;
}
