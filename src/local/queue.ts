/**
 * The ready queue (dbt's graph/queue.py): from the run's instances and their dependencies it
 * decides what may start now — upstream finished, earlier periods of the same activity first,
 * maxActiveInstances, the run's parallelism, retry delays — which reader may start alongside its
 * writer (handoff.ts), and which instances a failure cascades to. It decides only; the run
 * (run.ts) records every change in the store and then updates the instances.
 */
import type { PipelineObject } from '../definition/model.js';
import type { RunInstance } from './instance.js';
import type { ObjectGraph } from './objects.js';
import { matchSlot } from './plan.js';
import { TERMINAL } from './state/store.js';

const isFailed = (s: string): boolean => TERMINAL.has(s) && s !== 'FINISHED';
const compareText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

export interface Startable {
  instance: RunInstance;
  /** An instance that reads `instance`'s output as it is written, starting with it. */
  reader?: RunInstance;
}

export class ReadyQueue {
  /** The instances this run takes, oldest period first. */
  readonly ordered: RunInstance[];
  private readonly byObject = new Map<string, RunInstance[]>();

  /**
   * @param instances every planned instance (those of earlier runs too: they gate dependencies)
   * @param handoffs writer activity id → the reader activity that may stream from it
   */
  constructor(
    private readonly graph: ObjectGraph,
    instances: RunInstance[],
    upstreamOf: Map<string, PipelineObject[]>,
    private readonly handoffs: Map<string, string>,
    readonly parallel: number,
  ) {
    for (const l of instances) {
      const list = this.byObject.get(l.obj.id) ?? [];
      list.push(l);
      this.byObject.set(l.obj.id, list);
    }
    for (const list of this.byObject.values())
      list.sort((a, b) => a.slot.scheduledStart.getTime() - b.slot.scheduledStart.getTime());
    for (const l of instances) {
      for (const u of upstreamOf.get(l.obj.id) ?? []) {
        const match = matchSlot(this.byObject.get(u.id) ?? [], l.slot.scheduledStart.getTime());
        if (match) {
          l.upstream.push(match);
          match.downstream.push(l);
        }
      }
    }
    // ISO 8601 UTC times order as plain strings; localeCompare would load ICU collation (~15 ms).
    this.ordered = instances
      .filter((l) => l.inRun)
      .sort((a, b) => compareText(a.row.scheduled_start, b.row.scheduled_start) || a.row.id - b.row.id);
  }

  /** An upstream ended badly, or is not part of this run and not finished: `l` cannot run. */
  blocked(l: RunInstance): boolean {
    return l.upstream.some((u) => isFailed(u.status) || (!u.inRun && u.status !== 'FINISHED'));
  }

  /** Whether `l` may start at `at`; `startingWith` is an upstream starting alongside it (overlap). */
  ready(l: RunInstance, at: number, startingWith?: RunInstance): boolean {
    if (!l.inRun || l.status === 'RUNNING' || TERMINAL.has(l.status)) return false;
    if (l.retryAt !== undefined && l.retryAt > at) return false;
    if (!l.upstream.every((u) => u === startingWith || u.status === 'FINISHED')) return false;
    const same = this.byObject.get(l.obj.id)!;
    const maxActive = Math.max(1, Number(this.graph.str(l.obj, 'maxActiveInstances') ?? '1') || 1);
    const active = same.filter(
      (s) =>
        s !== l && s.inRun && (s.status === 'RUNNING' || s.retryAt !== undefined) && !TERMINAL.has(s.status),
    ).length;
    if (active >= maxActive) return false;
    // Instances of one object start in scheduled order.
    return !same.some(
      (s) =>
        s !== l &&
        s.inRun &&
        s.row.scheduled_start < l.row.scheduled_start &&
        s.status !== 'RUNNING' &&
        s.retryAt === undefined &&
        !TERMINAL.has(s.status) &&
        !this.blocked(s),
    );
  }

  /** The instance that can read `w`'s output while `w` writes it, if one may start with it. */
  private overlapReader(w: RunInstance, at: number, running: number): RunInstance | undefined {
    const readerId = this.handoffs.get(w.obj.id);
    if (readerId === undefined || running + 2 > this.parallel) return undefined;
    const r = w.downstream.find((d) => d.obj.id === readerId);
    if (!r || r.upstream.length !== 1 || r.upstream[0] !== w) return undefined;
    return this.ready(r, at, w) ? r : undefined;
  }

  /**
   * What may start at `at`, in order. Lazy: the caller starts each one (marking it RUNNING)
   * before asking for the next, so later decisions see it running.
   */
  *startable(at: number, running: () => number): Generator<Startable> {
    for (const l of this.ordered) {
      if (running() >= this.parallel) return;
      if (!this.ready(l, at)) continue;
      yield { instance: l, reader: this.overlapReader(l, at, running()) };
    }
  }

  /** The earliest time a failed instance waiting to retry may start again. */
  nextRetryAt(): number | undefined {
    let next: number | undefined;
    for (const l of this.ordered) {
      if (l.retryAt !== undefined && !TERMINAL.has(l.status) && (next === undefined || l.retryAt < next))
        next = l.retryAt;
    }
    return next;
  }

  /**
   * With failureAndRerunMode cascade, the instances downstream of a failed one that fail with it:
   * those of this run not yet running or ended, breadth first.
   */
  cascadeTargets(from: RunInstance): RunInstance[] {
    const mode = (this.graph.str(from.obj, 'failureAndRerunMode') ?? 'none').toLowerCase();
    if (mode !== 'cascade') return [];
    const out: RunInstance[] = [];
    const seen = new Set<RunInstance>();
    const queue = [...from.downstream];
    while (queue.length > 0) {
      const d = queue.shift()!;
      if (seen.has(d) || !d.inRun || TERMINAL.has(d.status) || d.status === 'RUNNING') continue;
      seen.add(d);
      out.push(d);
      queue.push(...d.downstream);
    }
    return out;
  }
}
