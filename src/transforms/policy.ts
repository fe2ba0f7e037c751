/**
 * The PII policy across steps (issue 17): which load steps take an extract's data, which of their
 * columns are personal data, and whether each such column is transformed on the way or lands in a
 * connection marked `restricted`. Pure functions over the pipeline's YAML steps; the compiler
 * feeds them the table definitions.
 */
import type { PiiLevel } from '../compile/table-comments.js';
import type { TransformKind, TransformSpec } from './spec.js';

export interface FlowStep {
  index: number;
  name?: string;
  /** Normalised step type (`extract_rds` → `extract-rds`). */
  type: string;
  raw: Record<string, unknown>;
}

/** Step types that load S3 data into a table described by a table definition, and that key. */
const LOADS: Record<string, string[]> = {
  'create-load-redshift': ['table_definition'],
  'load-redshift': ['table_definition'],
  'load-postgres': ['table_definition'],
  'load-reload-pk': ['staging_table_definition'],
};

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function flowSteps(pipelineValue: unknown): FlowStep[] {
  const steps = isRecord(pipelineValue) && Array.isArray(pipelineValue.steps) ? pipelineValue.steps : [];
  return steps.flatMap((raw, index) =>
    isRecord(raw) && typeof raw.step_type === 'string'
      ? [
          {
            index,
            name: typeof raw.name === 'string' ? raw.name : undefined,
            type: raw.step_type.replace(/_/g, '-'),
            raw,
          },
        ]
      : [],
  );
}

/** Whether a step writes S3 data a following step reads by default. */
function producesData(s: FlowStep): boolean {
  return (
    !LOADS[s.type] &&
    !/^(qa-|primary-key-check|count-check|column-check|sql-command|upsert|reload|pipeline-dependencies)/.test(
      s.type,
    )
  );
}

/** The step whose output `s` reads: its input_node, else the nearest earlier data producer. */
export function producerOf(steps: FlowStep[], s: FlowStep): FlowStep | undefined {
  if (typeof s.raw.input_node === 'string') return steps.find((x) => x.name === s.raw.input_node);
  if (s.raw.input_node !== undefined || s.raw.input_path !== undefined) return undefined;
  for (let i = steps.indexOf(s) - 1; i >= 0; i--) if (producesData(steps[i])) return steps[i];
  return undefined;
}

export interface FedLoad {
  step: FlowStep;
  /** The key holding its table definition, and the file. */
  key: string;
  definition: string;
  /** The connection it loads into (the step's `database`, else the default warehouse). */
  connection?: string;
}

/** The load steps that read the output of `extract`, with their table definitions. */
export function loadsFedBy(steps: FlowStep[], extract: FlowStep, warehouse?: string): FedLoad[] {
  const out: FedLoad[] = [];
  for (const s of steps) {
    const keys = LOADS[s.type];
    if (!keys || producerOf(steps, s) !== extract) continue;
    for (const key of keys) {
      const definition = s.raw[key];
      if (typeof definition !== 'string') continue;
      const connection = typeof s.raw.database === 'string' ? s.raw.database : warehouse;
      out.push({ step: s, key, definition, connection });
    }
  }
  return out;
}

/** The transform a finding's hint proposes for a column of a level. */
export function suggestedTransform(level: PiiLevel, column: string): TransformKind {
  if (level === 'sensitive') return 'drop';
  return /e_?mail/i.test(column) ? 'mask' : 'hmac_sha256';
}

export function covered(specs: readonly TransformSpec[], column: string): boolean {
  const c = column.toLowerCase();
  return specs.some((s) => s.column.toLowerCase() === c);
}
