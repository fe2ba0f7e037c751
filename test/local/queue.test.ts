/** The ready queue decides what may start (dependencies, order, parallelism, overlap) and what a failure cascades to. */
import { describe, expect, it } from 'vitest';
import type { FileObjectJson } from '../../src/definition/json.js';
import { nextState } from '../../src/local/attempt.js';
import type { RunInstance } from '../../src/local/instance.js';
import { ObjectGraph } from '../../src/local/objects.js';
import { activitiesOf, planInstances, schedulesOf } from '../../src/local/plan.js';
import { ReadyQueue } from '../../src/local/queue.js';
import { definition, onDemandDefault, shell } from './helpers.js';

/** A queue over a planned definition, with instance rows as a fresh store would give them. */
function queueOf(
  objects: FileObjectJson[],
  opts: { parallel?: number; handoffs?: Map<string, string>; now?: Date } = {},
) {
  const graph = new ObjectGraph(definition('q', objects));
  const activities = activitiesOf(graph);
  const now = opts.now ?? new Date('2024-03-01T01:00:00Z');
  const plan = planInstances({
    graph,
    activities,
    schedules: schedulesOf(graph, activities, now),
    generation: 1,
    existing: [],
    now,
    horizon: now,
    rerunFailed: true,
  });
  const instances: RunInstance[] = plan.items.map((item, k) => ({
    row: {
      id: k + 1,
      scheduled_start: item.slot.scheduledStart.toISOString(),
    } as RunInstance['row'],
    obj: item.obj,
    type: graph.type(item.obj)!,
    slot: item.slot,
    status: 'WAITING_ON_DEPENDENCIES',
    inRun: item.runs,
    upstream: [],
    downstream: [],
    failures: 0,
    attempts: 0,
    maxRetries: item.maxRetries,
    retryDelayMs: item.retryDelayMs,
  }));
  const queue = new ReadyQueue(
    graph,
    instances,
    plan.upstreamOf,
    opts.handoffs ?? new Map(),
    opts.parallel ?? 4,
  );
  const by = (id: string, at = 0) => instances.filter((l) => l.obj.id === id)[at];
  /** Start everything startable (as the run does), returning what started. */
  const startAll = (at = now.getTime()): string[] => {
    const started: string[] = [];
    const running = () => instances.filter((l) => l.status === 'RUNNING').length;
    for (const s of queue.startable(at, running)) {
      for (const l of [s.instance, ...(s.reader ? [s.reader] : [])]) {
        l.status = 'RUNNING';
        started.push(
          `${l.obj.id}@${l.row.scheduled_start.slice(11, 16)}${l === s.reader ? ' (alongside)' : ''}`,
        );
      }
    }
    return started;
  };
  return { queue, instances, by, startAll };
}

const chain = (extra: Record<string, unknown> = {}) => [
  onDemandDefault(extra),
  shell('A', 'true'),
  shell('B', 'true', { dependsOn: { ref: 'A' } }),
  shell('C', 'true', { dependsOn: { ref: 'B' } }),
  shell('D', 'true'),
];

describe('ready queue: readiness', () => {
  it('starts what has no unfinished upstream, then the next as each finishes', () => {
    const { by, startAll } = queueOf(chain());
    expect(startAll()).toEqual(['A@01:00', 'D@01:00']);
    expect(startAll()).toEqual([]);
    by('A').status = 'FINISHED';
    expect(startAll()).toEqual(['B@01:00']);
  });

  it('never runs more than `parallel` at once', () => {
    const objects = [onDemandDefault(), ...['A', 'B', 'C', 'D', 'E'].map((id) => shell(id, 'true'))];
    const { by, startAll } = queueOf(objects, { parallel: 2 });
    expect(startAll()).toEqual(['A@01:00', 'B@01:00']);
    by('A').status = 'FINISHED';
    expect(startAll()).toEqual(['C@01:00']);
  });

  it('periods of one activity start in order, maxActiveInstances at a time', () => {
    const objects = (max?: string) => [
      { id: 'Default', name: 'Default', scheduleType: 'cron', schedule: { ref: 'S' } },
      { id: 'S', name: 'S', type: 'Schedule', period: '15 minutes', startDateTime: '2024-03-01T00:00:00' },
      shell('T', 'true', max ? { maxActiveInstances: max } : {}),
    ];
    const one = queueOf(objects());
    expect(one.startAll()).toEqual(['T@00:00']);
    one.by('T', 0).status = 'FINISHED';
    expect(one.startAll()).toEqual(['T@00:15']);
    const two = queueOf(objects('2'));
    expect(two.startAll()).toEqual(['T@00:00', 'T@00:15']);
  });

  it('a failed instance waits for its retry time; the queue says when that is', () => {
    const { queue, by, startAll } = queueOf(chain());
    const t = Date.parse('2024-03-01T01:00:00Z');
    by('A').retryAt = t + 5000;
    expect(queue.nextRetryAt()).toBe(t + 5000);
    expect(startAll(t)).toEqual(['D@01:00']);
    expect(startAll(t + 5000)).toEqual(['A@01:00']);
  });

  it('an upstream that failed, or that is not in the run and not finished, blocks', () => {
    const { queue, by } = queueOf(chain());
    by('A').status = 'FAILED';
    expect(queue.blocked(by('B'))).toBe(true);
    by('A').status = 'WAITING_ON_DEPENDENCIES';
    by('A').inRun = false;
    expect(queue.blocked(by('B'))).toBe(true);
    by('A').status = 'FINISHED';
    expect(queue.blocked(by('B'))).toBe(false);
  });
});

describe('ready queue: overlap', () => {
  const pair = [
    onDemandDefault(),
    shell('Extract', 'true'),
    shell('Load', 'true', { dependsOn: { ref: 'Extract' } }),
  ];

  it('a reader paired with its writer starts alongside it when two slots are free', () => {
    const { startAll } = queueOf(pair, { handoffs: new Map([['Extract', 'Load']]) });
    expect(startAll()).toEqual(['Extract@01:00', 'Load@01:00 (alongside)']);
  });

  it('…and after it when only one is', () => {
    const { startAll } = queueOf(pair, { handoffs: new Map([['Extract', 'Load']]), parallel: 1 });
    expect(startAll()).toEqual(['Extract@01:00']);
  });
});

describe('ready queue: cascade', () => {
  it('with failureAndRerunMode cascade, what waits downstream fails with it, breadth first', () => {
    const { queue, by } = queueOf([
      onDemandDefault({ failureAndRerunMode: 'cascade' }),
      shell('A', 'true'),
      shell('B', 'true', { dependsOn: { ref: 'A' } }),
      shell('C', 'true', { dependsOn: { ref: 'A' } }),
      shell('D', 'true', { dependsOn: [{ ref: 'B' }, { ref: 'C' }] }),
      shell('E', 'true', { dependsOn: { ref: 'D' } }),
    ]);
    by('A').status = 'FAILED';
    expect(queue.cascadeTargets(by('A')).map((l) => l.obj.id)).toEqual(['B', 'C', 'D', 'E']);
    by('C').status = 'RUNNING';
    expect(queue.cascadeTargets(by('A')).map((l) => l.obj.id)).toEqual(['B', 'D', 'E']);
  });

  it('without it, nothing cascades', () => {
    const { queue, by } = queueOf(chain());
    expect(queue.cascadeTargets(by('A'))).toEqual([]);
  });
});

describe('after an attempt (Data Pipeline retry rules)', () => {
  const policy = { maxRetries: 2, retryDelayMs: 1000, stopping: false, now: 5000 };
  const fresh = { failures: 0, canceled: false };

  it('finished → FINISHED with its rows; failed → retry after retryDelay until maximumRetries, then FAILED', () => {
    expect(nextState({ status: 'FINISHED', rows: 7 }, fresh, policy)).toEqual({
      kind: 'finished',
      update: { status: 'FINISHED', rows: 7, error: null },
    });
    expect(nextState({ status: 'FAILED', error: 'x' }, fresh, policy)).toEqual({
      kind: 'retry',
      retryAt: 6000,
      delayMs: 1000,
      update: {
        status: 'WAITING_FOR_RUNNER',
        error: 'x',
        failures: 1,
        retryAt: new Date(6000).toISOString(),
      },
    });
    expect(nextState({ status: 'TIMEDOUT', error: 'x' }, { failures: 2, canceled: false }, policy)).toEqual({
      kind: 'failed',
      update: { status: 'FAILED', error: 'x', failures: 3 },
    });
  });

  it('stopped or interrupted by its upstream → waits to run again, not counted; late or stopping → no retry', () => {
    expect(nextState({ status: 'INTERRUPTED', why: 'upstream' }, fresh, policy).kind).toBe('interrupted');
    expect(nextState({ status: 'INTERRUPTED', why: 'stop' }, fresh, policy).update.status).toBe(
      'WAITING_ON_DEPENDENCIES',
    );
    expect(nextState({ status: 'CANCELED', why: 'late' }, fresh, policy).update.status).toBe('CANCELED');
    expect(nextState({ status: 'FAILED' }, fresh, { ...policy, stopping: true }).update.status).toBe(
      'FAILED',
    );
  });
});
