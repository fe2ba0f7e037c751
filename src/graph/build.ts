/**
 * Definition → graph model. Decides what is drawn, grouped and connected; knows nothing of DOT.
 */
import type { Definition, PipelineObject } from '../definition/model.js';
import { objectType, refField, refsOf, stringField } from '../definition/model.js';
import { nodeText } from './labels.js';
import type { BuildOptions, GraphCluster, GraphEdge, GraphNode, NodeKind, PipelineGraph } from './model.js';
import { redactFields, redactParameter } from './redact.js';
import { transitiveReduction } from './reduce.js';
import { kindOf } from './style.js';

export const SETTINGS_CLUSTER = 'settings';
const ALARM_FIELDS = ['onFail', 'onSuccess', 'onLateAction'] as const;
/** More referrers than this and an alarm is shown as a note on each referrer instead of edges. */
const MAX_ALARM_EDGES = 3;
const PIPELINE_LEVEL: ReadonlySet<NodeKind> = new Set(['default', 'schedule', 'resource', 'database']);

interface Drawn {
  obj: PipelineObject;
  kind: NodeKind;
  type: string;
}

/** Step name per object id, from meta.steps when present, else from each object's origin. */
function stepClusters(def: Definition): { clusters: GraphCluster[]; byObject: Map<string, string> } {
  const clusters: GraphCluster[] = [];
  const byObject = new Map<string, string>();
  const add = (name: string, type: string | undefined): string => {
    const id = `step:${name}`;
    if (!clusters.some((c) => c.id === id)) {
      clusters.push({ id, label: type ? `${name}  (${type})` : name, stepType: type });
    }
    return id;
  };
  for (const step of def.meta?.steps ?? []) {
    const id = add(step.name, step.type);
    for (const oid of step.objectIds) byObject.set(oid, id);
  }
  for (const o of def.objects) {
    if (byObject.has(o.id) || !o.origin?.step) continue;
    byObject.set(o.id, add(o.origin.step, o.origin.stepType));
  }
  return { clusters, byObject };
}

function originOf(o: PipelineObject): GraphNode['origin'] {
  if (!o.origin) return undefined;
  const { file, line, step, stepType } = o.origin;
  return { file, line, ...(step ? { step } : {}), ...(stepType ? { stepType } : {}) };
}

/** "runs on" text for an activity when activities do not all share one runner. */
function runnerOf(o: PipelineObject): string | undefined {
  const runsOn = refField(o, 'runsOn');
  if (runsOn) return `on ${runsOn}`;
  const wg = stringField(o, 'workerGroup');
  return wg ? `worker group ${wg}` : undefined;
}

export function buildGraph(def: Definition, opts: BuildOptions = {}): PipelineGraph {
  const activitiesOnly = opts.activitiesOnly ?? false;
  const all = new Map<string, Drawn>();
  for (const obj of def.objects) {
    const type = obj.id === 'Default' ? 'Default' : (objectType(obj) ?? '');
    const kind = kindOf(obj.id, objectType(obj));
    if (kind) all.set(obj.id, { obj, kind, type });
  }
  const defaultObj = def.objects.find((o) => o.id === 'Default');
  const inheritedRunner = defaultObj ? runnerOf(defaultObj) : undefined;
  const activityRunner = (o: PipelineObject): string | undefined => runnerOf(o) ?? inheritedRunner;
  const runners = new Set(
    [...all.values()].filter((d) => d.kind === 'activity').map((d) => activityRunner(d.obj) ?? ''),
  );
  const showRunner = runners.size > 1;

  // Edges over every drawn object; dangling refs get a placeholder so the mistake is visible.
  const missing = new Set<string>();
  const edges: GraphEdge[] = [];
  const target = (id: string): boolean => {
    if (all.has(id)) return true;
    if (def.objects.some((o) => o.id === id)) return false; // hidden helper type
    missing.add(id);
    return true;
  };
  for (const { obj } of all.values()) {
    for (const dep of refsOf(obj, 'dependsOn'))
      if (target(dep)) edges.push({ from: dep, to: obj.id, kind: 'dependsOn' });
    for (const input of refsOf(obj, 'input'))
      if (target(input)) edges.push({ from: input, to: obj.id, kind: 'data' });
    for (const output of refsOf(obj, 'output'))
      if (target(output)) edges.push({ from: obj.id, to: output, kind: 'data' });
    for (const pre of refsOf(obj, 'precondition')) {
      if (target(pre)) edges.push({ from: pre, to: obj.id, kind: 'precondition' });
    }
  }
  edges.push(...samePathEdges([...all.values()], edges));

  // Alarms: edges while few objects point at one, otherwise a note on each referrer.
  const alarmRefs: { from: string; to: string; label: string }[] = [];
  for (const { obj } of all.values()) {
    for (const field of ALARM_FIELDS) {
      for (const a of refsOf(obj, field))
        if (all.has(a)) alarmRefs.push({ from: obj.id, to: a, label: field });
    }
  }
  const referrers = new Map<string, number>();
  for (const r of alarmRefs) if (r.from !== 'Default') referrers.set(r.to, (referrers.get(r.to) ?? 0) + 1);
  const notes = new Map<string, string[]>();
  const addNote = (id: string, text: string): void => {
    const list = notes.get(id) ?? [];
    list.push(text);
    notes.set(id, list);
  };
  const alarmEdges: GraphEdge[] = [];
  for (const r of alarmRefs) {
    const name = all.get(r.to)?.obj.name ?? r.to;
    if (r.from === 'Default') addNote(r.from, `${r.label} → ${name} (inherited by all)`);
    else if ((referrers.get(r.to) ?? 0) > MAX_ALARM_EDGES) addNote(r.from, `${r.label} → ${name}`);
    else alarmEdges.push({ from: r.from, to: r.to, kind: 'alarm', label: r.label });
  }

  const { clusters: stepList, byObject } = stepClusters(def);
  const isDrawn = (id: string): boolean =>
    missing.has(id) || (all.has(id) && (!activitiesOnly || all.get(id)?.kind === 'activity'));

  let flowEdges: GraphEdge[];
  if (activitiesOnly) flowEdges = activityOrder(edges, (id) => all.get(id)?.kind === 'activity');
  else flowEdges = edges.filter((e) => e.kind !== 'precondition');
  const reduced = transitiveReduction(flowEdges);
  const finalEdges = [
    ...reduced.kept,
    ...(activitiesOnly ? [] : edges.filter((e) => e.kind === 'precondition')),
    ...(activitiesOnly ? [] : alarmEdges),
  ].filter((e) => isDrawn(e.from) && isDrawn(e.to));

  const connected = new Set(finalEdges.flatMap((e) => [e.from, e.to]));
  const nodes: GraphNode[] = [];
  for (const d of all.values()) {
    if (!isDrawn(d.obj.id)) continue;
    const text = nodeText(d.obj, d.kind, d.type, showRunner ? activityRunner(d.obj) : undefined);
    let cluster = byObject.get(d.obj.id);
    if (!cluster && (PIPELINE_LEVEL.has(d.kind) || (d.kind === 'alarm' && !connected.has(d.obj.id)))) {
      cluster = SETTINGS_CLUSTER;
    }
    const status = opts.status?.get(d.obj.id);
    nodes.push({
      id: d.obj.id,
      kind: d.kind,
      type: d.type,
      label: text.label,
      details: text.details,
      notes: notes.get(d.obj.id) ?? [],
      ...(cluster ? { cluster } : {}),
      fields: redactFields(d.obj.fields),
      ...(d.obj.origin ? { origin: originOf(d.obj) } : {}),
      ...(status ? { status } : {}),
    });
  }
  for (const id of missing) {
    if (activitiesOnly) continue;
    nodes.push({ id, kind: 'other', type: '', label: id, details: ['not defined'], notes: [], fields: {} });
  }

  const used = new Set(nodes.map((n) => n.cluster));
  const clusters = stepList.filter((c) => used.has(c.id));
  if (used.has(SETTINGS_CLUSTER)) clusters.unshift({ id: SETTINGS_CLUSTER, label: 'pipeline' });

  const mode = def.meta?.mode ? ` — mode ${def.meta.mode}` : '';
  return {
    title: `${def.meta?.pipelineName ?? 'pipeline'}${mode}`,
    direction: opts.direction ?? 'LR',
    nodes,
    edges: finalEdges,
    clusters,
    parameters: def.parameters.map((p) => ({ id: p.id, attributes: redactParameter(p.attributes) })),
    reducedEdges: reduced.removed,
    hasCycle: reduced.cycle,
  };
}

/**
 * S3 nodes written by one activity and read, under another node id, by another: Dataduct
 * draws these as grey edges; without them the data flow looks cut between steps.
 */
function samePathEdges(drawn: Drawn[], edges: readonly GraphEdge[]): GraphEdge[] {
  const written = new Set(edges.filter((e) => e.kind === 'data').map((e) => e.to));
  const read = new Set(edges.filter((e) => e.kind === 'data').map((e) => e.from));
  const byPath = new Map<string, string[]>();
  for (const d of drawn) {
    if (d.kind !== 's3') continue;
    const path = stringField(d.obj, 'directoryPath') ?? stringField(d.obj, 'filePath');
    if (!path) continue;
    const key = path.replace(/\/+$/, '');
    byPath.set(key, [...(byPath.get(key) ?? []), d.obj.id]);
  }
  const result: GraphEdge[] = [];
  for (const ids of byPath.values()) {
    for (const from of ids.filter((id) => written.has(id))) {
      for (const to of ids) {
        if (to !== from && read.has(to) && !written.has(to)) result.push({ from, to, kind: 'samePath' });
      }
    }
  }
  return result;
}

/** Activity → activity "runs after" edges, following dependsOn and data paths through non-activities. */
function activityOrder(edges: readonly GraphEdge[], isActivity: (id: string) => boolean): GraphEdge[] {
  const succ = new Map<string, string[]>();
  for (const e of edges) {
    if (e.kind === 'precondition') continue;
    const list = succ.get(e.from) ?? [];
    list.push(e.to);
    succ.set(e.from, list);
  }
  const order: GraphEdge[] = [];
  const sources = [...new Set(edges.map((e) => e.from))].filter(isActivity);
  for (const a of sources) {
    const seen = new Set<string>([a]);
    const stack = [...(succ.get(a) ?? [])];
    while (stack.length > 0) {
      const n = stack.pop() as string;
      if (seen.has(n)) continue;
      seen.add(n);
      if (isActivity(n)) order.push({ from: a, to: n, kind: 'order' });
      else stack.push(...(succ.get(n) ?? []));
    }
  }
  return order;
}
