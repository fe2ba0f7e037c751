/** Planning is pure: definition + state snapshot + clock → the instances due. No store, no files. */
import { describe, expect, it } from 'vitest';
import type { FileObjectJson } from '../../src/definition/json.js';
import { ObjectGraph } from '../../src/local/objects.js';
import type { PlanInput } from '../../src/local/plan.js';
import { activitiesOf, planInstances, runnableProblems, schedulesOf } from '../../src/local/plan.js';
import type { InstanceRow, InstanceStatus } from '../../src/local/state/store.js';
import { definition, onDemandDefault, shell } from './helpers.js';

function graphOf(objects: FileObjectJson[]): ObjectGraph {
  return new ObjectGraph(definition('p', objects));
}

function input(graph: ObjectGraph, extra: Partial<PlanInput> & { now: Date }): PlanInput {
  const activities = activitiesOf(graph);
  return {
    graph,
    activities,
    schedules: schedulesOf(graph, activities, extra.now),
    generation: 1,
    existing: [],
    horizon: extra.now,
    rerunFailed: true,
    ...extra,
  };
}

let nextId = 1;
function row(objectId: string, start: string, status: InstanceStatus, generation = 1): InstanceRow {
  return {
    id: nextId++,
    pipeline: 'p',
    generation,
    object_id: objectId,
    object_type: 'ShellCommandActivity',
    scheduled_start: start,
    scheduled_end: start,
    status,
    run_id: 1,
    attempts: 1,
    rows: null,
    error: null,
    started_at: null,
    ended_at: null,
    worker_id: null,
    lease_expires_at: null,
    max_retries: 0,
    retry_delay_ms: 0,
    failures: 0,
    retry_at: null,
  };
}

const every15 = (scheduleType: string, extra: Record<string, unknown> = {}): FileObjectJson[] => [
  { id: 'Default', name: 'Default', scheduleType, schedule: { ref: 'S' }, ...extra },
  { id: 'S', name: 'S', type: 'Schedule', period: '15 minutes', startDateTime: '2024-03-01T00:00:00' },
];

const startsOf = (items: { obj: { id: string }; slot: { scheduledStart: Date } }[]) =>
  items.map((i) => `${i.obj.id}@${i.slot.scheduledStart.toISOString().slice(11, 16)}`);

describe('plan: on-demand pipelines', () => {
  const now = new Date('2024-05-01T10:00:00Z');
  const graph = graphOf([
    onDemandDefault({ maximumRetries: '2', retryDelay: '5 minutes' }),
    shell('Extract', 'true'),
    shell('Load', 'true', { dependsOn: { ref: 'Extract' }, maximumRetries: '0' }),
  ]);

  it('a first activation plans one instance per activity at the activation time, with its retry policy', () => {
    const plan = planInstances(input(graph, { now }));
    expect(plan).toMatchObject({ generation: 1, newGeneration: false, toRun: 2, newPeriods: 1 });
    expect(
      plan.items.map((i) => [i.obj.id, i.slot.scheduledStart, i.runs, i.maxRetries, i.retryDelayMs]),
    ).toEqual([
      ['Extract', now, true, 2, 300_000],
      ['Load', now, true, 0, 300_000],
    ]);
    expect(plan.upstreamOf.get('Load')?.map((o) => o.id)).toEqual(['Extract']);
    expect(plan.nextDue).toBeUndefined();
  });

  it('--retry-delay replaces every retryDelay', () => {
    const plan = planInstances(input(graph, { now, retryDelayMs: 0 }));
    expect(plan.items.map((i) => i.retryDelayMs)).toEqual([0, 0]);
  });

  it('an interrupted run is resumed: finished instances stay, the rest keep their scheduled time', () => {
    const earlier = '2024-05-01T09:00:00.000Z';
    const plan = planInstances(
      input(graph, { now, existing: [row('Extract', earlier, 'FINISHED'), row('Load', earlier, 'RUNNING')] }),
    );
    expect(plan).toMatchObject({ generation: 1, newGeneration: false, toRun: 1, newPeriods: 0 });
    expect(plan.items.map((i) => [i.obj.id, i.slot.scheduledStart.toISOString(), i.runs])).toEqual([
      ['Extract', earlier, false],
      ['Load', earlier, true],
    ]);
  });

  it('once every instance ended, the next activation is a new generation', () => {
    const earlier = '2024-05-01T09:00:00.000Z';
    const plan = planInstances(
      input(graph, { now, existing: [row('Extract', earlier, 'FINISHED'), row('Load', earlier, 'FAILED')] }),
    );
    expect(plan).toMatchObject({ generation: 2, newGeneration: true, toRun: 2 });
    expect(plan.items.every((i) => i.row === undefined && i.slot.scheduledStart === now)).toBe(true);
  });
});

describe('plan: scheduled pipelines', () => {
  it('cron: periods starting before the activation are due; the next one is when the agent wakes', () => {
    const graph = graphOf([...every15('cron'), shell('Tick', 'true')]);
    const now = new Date('2024-03-01T01:00:00Z');
    const plan = planInstances(input(graph, { now }));
    expect(startsOf(plan.items)).toEqual(['Tick@00:00', 'Tick@00:15', 'Tick@00:30', 'Tick@00:45']);
    expect(plan.nextDue).toEqual(now);
    expect(plan.newPeriods).toBe(4);
  });

  it('timeseries: a period is due at its end; --until moves the horizon', () => {
    const graph = graphOf([...every15('timeseries'), shell('Tick', 'true')]);
    const now = new Date('2024-03-01T01:00:00Z');
    expect(startsOf(planInstances(input(graph, { now })).items)).toEqual([
      'Tick@00:00',
      'Tick@00:15',
      'Tick@00:30',
      'Tick@00:45',
    ]);
    const until = planInstances(input(graph, { now, horizon: new Date('2024-03-01T00:31:00Z') }));
    expect(startsOf(until.items)).toEqual(['Tick@00:00', 'Tick@00:15']);
    expect(until.nextDue).toEqual(new Date('2024-03-01T00:45:00Z'));
  });

  it('finished periods are not planned to run again; failed ones are when the run reruns failures', () => {
    const graph = graphOf([
      ...every15('cron'),
      shell('A', 'true'),
      shell('B', 'true', { dependsOn: { ref: 'A' } }),
    ]);
    const now = new Date('2024-03-01T00:30:00Z');
    const existing = [
      row('A', '2024-03-01T00:00:00.000Z', 'FINISHED'),
      row('B', '2024-03-01T00:00:00.000Z', 'FINISHED'),
      row('A', '2024-03-01T00:15:00.000Z', 'FAILED'),
      row('B', '2024-03-01T00:15:00.000Z', 'CASCADE_FAILED'),
    ];
    const activate = planInstances(input(graph, { now, existing }));
    expect(activate.items.filter((i) => i.runs).map((i) => i.row?.id)).toEqual([
      existing[2].id,
      existing[3].id,
    ]);
    expect(activate.newPeriods).toBe(0);
  });

  it('the agent (no reruns) leaves out what waits behind a failure it will not retry', () => {
    const graph = graphOf([
      ...every15('cron'),
      shell('A', 'true'),
      shell('B', 'true', { dependsOn: { ref: 'A' } }),
    ]);
    const now = new Date('2024-03-01T00:45:00Z');
    const existing = [row('A', '2024-03-01T00:15:00.000Z', 'FAILED')];
    const plan = planInstances(input(graph, { now, existing, rerunFailed: false }));
    const runs = plan.items.filter((i) => i.runs);
    // 00:00 and 00:30 of both run; A@00:15 failed and stays failed, so B@00:15 waits out of the run.
    expect(startsOf(runs)).toEqual(['A@00:00', 'A@00:30', 'B@00:00', 'B@00:30']);
    expect(plan.toRun).toBe(4);
  });

  it('an activity reading a data node waits for the activity that writes it', () => {
    const graph = graphOf([
      onDemandDefault(),
      { id: 'Node', name: 'Node', type: 'S3DataNode', directoryPath: 's3://b/x' },
      shell('Write', 'true', { output: { ref: 'Node' } }),
      shell('Read', 'true', { input: { ref: 'Node' } }),
      shell('After', 'true', { dependsOn: [{ ref: 'Read' }, { ref: 'Write' }] }),
    ]);
    const plan = planInstances(input(graph, { now: new Date() }));
    expect(Object.fromEntries([...plan.upstreamOf].map(([k, v]) => [k, v.map((o) => o.id)]))).toEqual({
      Write: [],
      Read: ['Write'],
      After: ['Read', 'Write'],
    });
  });

  it('the same inputs give the same plan', () => {
    const graph = graphOf([...every15('cron'), shell('A', 'true')]);
    const now = new Date('2024-03-01T02:00:00Z');
    const a = planInstances(input(graph, { now }));
    const b = planInstances(input(graph, { now }));
    expect(startsOf(b.items)).toEqual(startsOf(a.items));
    expect(b.toRun).toBe(a.toRun);
  });
});

describe('plan: what cannot run here', () => {
  it('names activities that need EMR, unsupported preconditions, and an empty definition', () => {
    const graph = graphOf([
      onDemandDefault(),
      { id: 'Hive', name: 'Hive', type: 'HiveActivity', hiveScript: 'select 1' },
      { id: 'Pre', name: 'Pre', type: 'DynamoDBTableExists', tableName: 't' },
      shell('A', 'true', { precondition: { ref: 'Pre' } }),
    ]);
    const problems = runnableProblems(graph, activitiesOf(graph), 'p');
    expect(problems.map((d) => d.code)).toEqual(['ETL7540', 'ETL7545']);
    expect(runnableProblems(graphOf([onDemandDefault()]), [], 'empty').map((d) => d.message)).toEqual([
      "the definition of 'empty' has no activities to run",
    ]);
  });
});

describe('plan: one-time pipelines resumed after a kill', () => {
  // `pipeline activate` compiles a one-time schedule's start from the clock: a resume a minute
  // later sees another startDateTime. The unfinished run keeps its instances (issue 12, item 8).
  const oneTime = (start: string): FileObjectJson[] => [
    { id: 'Default', name: 'Default', scheduleType: 'cron', schedule: { ref: 'S' } },
    { id: 'S', name: 'S', type: 'Schedule', period: '15 minutes', occurrences: '1', startDateTime: start },
    shell('Load', 'true'),
    shell('Merge', 'true', { dependsOn: { ref: 'Load' } }),
  ];
  const now = new Date('2024-05-01T10:01:30Z');

  it('keeps the recorded scheduled times: the finished load is not run again', () => {
    const graph = graphOf(oneTime('2024-05-01T10:01:00'));
    const existing = [
      row('Load', '2024-05-01T10:00:00.000Z', 'FINISHED'),
      row('Merge', '2024-05-01T10:00:00.000Z', 'RUNNING'),
    ];
    const plan = planInstances(input(graph, { now, existing }));
    expect(plan.newGeneration).toBe(false);
    expect(startsOf(plan.items)).toEqual(['Load@10:00', 'Merge@10:00']);
    expect(plan.items.map((i) => i.runs)).toEqual([false, true]);
  });

  it('a one-time run that ended starts a new generation at the new start time', () => {
    const graph = graphOf(oneTime('2024-05-01T10:01:00'));
    const existing = [
      row('Load', '2024-05-01T10:00:00.000Z', 'FINISHED'),
      row('Merge', '2024-05-01T10:00:00.000Z', 'FINISHED'),
    ];
    const plan = planInstances(input(graph, { now, existing }));
    expect(plan.newGeneration).toBe(true);
    expect(startsOf(plan.items)).toEqual(['Load@10:01', 'Merge@10:01']);
  });
});
