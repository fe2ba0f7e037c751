/**
 * The catalog's lineage graph (issue 16): activities of every pipeline, joined on the datasets
 * they share. Files one step writes and another reads (the S3 hand-off between an extract and its
 * load) are folded into the edges between the tables on either side, so the graph reads
 * `app_db:enrollments → staging.enrollments → analytics.enrollments`, with the steps and the
 * files on each edge.
 */
import type { ActivityLineage, InputField } from './definition-lineage.js';
import type { CatalogEdge, ColumnUpstream, StepRef } from './model.js';

export interface PipelineActivities {
  pipeline: string;
  activities: ActivityLineage[];
}

interface RawEdge {
  from: string;
  step: string;
  pipeline: string;
}

interface Producer {
  step: string;
  flows: Map<string, InputField[]>;
}

const MAX_HOPS = 8;

export class LineageGraph {
  readonly writers = new Map<string, StepRef[]>();
  readonly readers = new Map<string, StepRef[]>();
  /** target → edges into it (one per input of each activity writing it). */
  private readonly into = new Map<string, RawEdge[]>();
  private readonly producers = new Map<string, Producer[]>();
  /** Files some activity reads without writing anything (a check of the file): not folded away. */
  private readonly endsAt = new Set<string>();

  constructor(runs: readonly PipelineActivities[]) {
    for (const { pipeline, activities } of runs) {
      for (const a of activities) {
        const ref: StepRef = { pipeline, step: a.step ?? a.objectId, objectId: a.objectId };
        const stepName = `${pipeline}.${ref.step}`;
        for (const o of a.outputs) {
          push(this.writers, o, ref);
          for (const i of a.inputs) if (i !== o) push(this.into, o, { from: i, step: stepName, pipeline });
          push(this.producers, o, { step: stepName, flows: a.columns.get(o) ?? new Map() });
        }
        for (const i of a.inputs) if (!a.outputs.includes(i)) push(this.readers, i, ref);
        if (a.outputs.length === 0) for (const i of a.inputs) this.endsAt.add(i);
      }
    }
  }

  /**
   * A file written by one step and passed on by others (each reader writes something): an
   * intermediate, folded into the edges between what comes before and after it.
   */
  isIntermediate(key: string, kind: 'table' | 'file'): boolean {
    return kind === 'file' && this.writers.has(key) && this.readers.has(key) && !this.endsAt.has(key);
  }

  /** Edges between non-intermediate datasets, intermediates folded into `via`. */
  edges(kindOf: (key: string) => 'table' | 'file'): CatalogEdge[] {
    const merged = new Map<string, CatalogEdge>();
    for (const target of this.into.keys()) {
      if (this.isIntermediate(target, kindOf(target))) continue;
      const walk = (node: string, steps: string[], via: string[], pipeline: string, hops: number): void => {
        for (const e of this.into.get(node) ?? []) {
          const s = [e.step, ...steps];
          if (this.isIntermediate(e.from, kindOf(e.from)) && hops < MAX_HOPS && !via.includes(e.from)) {
            walk(e.from, s, [e.from, ...via], e.pipeline, hops + 1);
            continue;
          }
          if (e.from === target) continue;
          const k = `${e.from}\0${target}\0${e.pipeline}`;
          const prev = merged.get(k);
          s.splice(0, s.length, ...new Set(s));
          if (prev) {
            for (const x of s) if (!prev.steps.includes(x)) prev.steps.push(x);
            for (const x of via) if (!prev.via.includes(x)) prev.via.push(x);
          } else
            merged.set(k, {
              from: e.from,
              to: target,
              pipeline: e.pipeline || pipeline,
              steps: s,
              via: [...via],
            });
        }
      };
      walk(target, [], [], '', 0);
    }
    return [...merged.values()].sort(
      (a, b) =>
        a.to.localeCompare(b.to) || a.from.localeCompare(b.from) || a.pipeline.localeCompare(b.pipeline),
    );
  }

  /** Output columns some activity computes for `key`. */
  producedColumns(key: string): string[] {
    const names: string[] = [];
    for (const p of this.producers.get(key) ?? [])
      for (const c of p.flows.keys()) if (!names.includes(c)) names.push(c);
    return names;
  }

  /** Where column `column` of `key` comes from, through intermediate files, as non-intermediate columns. */
  columnUpstream(key: string, column: string, kindOf: (key: string) => 'table' | 'file'): ColumnUpstream[] {
    const out = new Map<string, ColumnUpstream>();
    const walk = (
      ds: string,
      col: string,
      via: string[],
      hops: number,
      kind: ColumnUpstream['kind'],
    ): void => {
      for (const p of this.producers.get(ds) ?? []) {
        for (const f of p.flows.get(col) ?? []) {
          const k2 = combine(kind, f.kind);
          const v = [p.step, ...via];
          if (this.isIntermediate(f.dataset, kindOf(f.dataset)) && hops < MAX_HOPS) {
            walk(f.dataset, f.column, v, hops + 1, k2);
            continue;
          }
          if (f.dataset === key && f.column === column) continue;
          // One path per source column is shown (the first found); many pipelines may copy it.
          const id = `${f.dataset}\0${f.column}`;
          if (!out.has(id)) out.set(id, { dataset: f.dataset, column: f.column, kind: k2, via: v });
        }
      }
    };
    walk(key, column, [], 0, 'identity');
    return [...out.values()];
  }
}

function combine(a: ColumnUpstream['kind'], b: ColumnUpstream['kind']): ColumnUpstream['kind'] {
  if (a === 'aggregation' || b === 'aggregation') return 'aggregation';
  return a === 'transformation' || b === 'transformation' ? 'transformation' : 'identity';
}

function push<T>(m: Map<string, T[]>, k: string, v: T): void {
  const list = m.get(k);
  if (list) list.push(v);
  else m.set(k, [v]);
}
