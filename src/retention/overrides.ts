/**
 * `retention:` in a pipeline file (top level) and on a step, overriding the config's ages for that
 * pipeline's or step's data. The janitor finds each pipeline's file through the state store (the
 * file it was activated from) and reads the ages there, so a change to the YAML applies at the
 * next clean-up without re-activating.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { parse } from 'yaml';
import type { Diagnostic } from '../diagnostics.js';
import { diag } from '../diagnostics.js';
import { parseDuration } from '../duration.js';
import type { JsonSchema } from '../../steps/types.js';
import type { PipelineRow } from '../local/state/store.js';

/** The kinds a pipeline or step may override (the disk threshold is machine-wide: config only). */
export const OVERRIDABLE = [
  'staging_s3',
  'staging_tables',
  'step_logs',
  'attempt_history',
  'alert_logs',
] as const;
export type OverridableKind = (typeof OVERRIDABLE)[number];

export const RETENTION_OVERRIDE_SCHEMA: JsonSchema = {
  type: 'object',
  additionalProperties: false,
  description: 'retention ages for this data, overriding config retention (e.g. staging_s3: 2d)',
  properties: Object.fromEntries(
    OVERRIDABLE.map((k) => [k, { type: 'string', minLength: 1, description: `age of ${k} before clean-up` }]),
  ),
};

export type Ages = Partial<Record<OverridableKind, number>>;

export interface PipelineAges {
  pipeline: Ages;
  /** Step name (with `.` as `_`, as in data paths) → its ages. */
  steps: Map<string, Ages>;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function readAges(raw: unknown, where: string, problems: Diagnostic[]): Ages {
  const out: Ages = {};
  if (!isRecord(raw)) return out;
  for (const k of OVERRIDABLE) {
    if (raw[k] === undefined) continue;
    const ms = parseDuration(String(raw[k]));
    if (ms === undefined || ms <= 0)
      problems.push(
        diag(
          'ETL3720',
          `${where} retention.${k}: '${String(raw[k])}' is not a duration such as 14d, 36h or 90m`,
        ),
      );
    else out[k] = ms;
  }
  return out;
}

/** The overrides of the pipelines the store knows, by pipeline name; unreadable files give none. */
export async function pipelineAges(
  rows: PipelineRow[],
  problems: Diagnostic[],
): Promise<Map<string, PipelineAges>> {
  const out = new Map<string, PipelineAges>();
  for (const row of rows) {
    if (!row.source_file) continue;
    const file = resolve(row.cwd ?? '.', row.source_file);
    let doc: unknown;
    try {
      doc = parse(await readFile(file, 'utf8'));
    } catch {
      continue; // moved or not YAML (a definition JSON): the config's ages apply
    }
    if (!isRecord(doc)) continue;
    const steps = new Map<string, Ages>();
    for (const s of Array.isArray(doc.steps) ? doc.steps : []) {
      if (isRecord(s) && typeof s.name === 'string' && s.retention !== undefined)
        steps.set(s.name.replace(/\./g, '_'), readAges(s.retention, `${file}: step ${s.name}`, problems));
    }
    out.set(row.name, { pipeline: readAges(doc.retention, file, problems), steps });
  }
  return out;
}

/** The age of `kind` for data of `pipeline`/`step`: step, else pipeline, else config; and which. */
export function ageFor(
  kind: OverridableKind,
  config: Ages,
  overrides: Map<string, PipelineAges>,
  pipeline?: string,
  step?: string,
): { ms: number; from: string } | undefined {
  const p = pipeline === undefined ? undefined : overrides.get(pipeline);
  const s = step === undefined ? undefined : p?.steps.get(step.replace(/\./g, '_'));
  if (s?.[kind] !== undefined) return { ms: s[kind], from: `step ${step} retention` };
  if (p?.pipeline[kind] !== undefined)
    return { ms: p.pipeline[kind], from: `pipeline ${pipeline} retention` };
  if (config[kind] !== undefined) return { ms: config[kind], from: 'config retention' };
  return undefined;
}
