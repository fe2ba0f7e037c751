/** Keys every step accepts (reference/dataduct.md §2.2), plus etlctl's per-step overrides. */
import { RETENTION_OVERRIDE_SCHEMA } from '../src/retention/overrides.js';
import type { JsonSchema } from './types.js';

export const COMMON_STEP_KEYS: Record<string, JsonSchema> = {
  step_type: { type: 'string', description: 'the step type, e.g. extract-rds' },
  name: {
    type: 'string',
    minLength: 1,
    pattern: '^[A-Za-z0-9_.-]+$',
    description: 'step id, prefix of its object ids',
  },
  description: { type: 'string' },
  depends_on: {
    description: 'earlier steps this one runs after; [] means no ordering',
    anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
  },
  input_node: {
    description: 'an earlier step (or named output), {step: subdir} to merge several, or [] for none',
    anyOf: [
      { type: 'string' },
      { type: 'object', additionalProperties: { type: 'string' } },
      { type: 'array', maxItems: 0 },
    ],
  },
  input_path: { type: 'string', description: 'an S3 URI read as the input' },
  output_node: {
    description: 'named sub-outputs of this step',
    anyOf: [{ type: 'string' }, { type: 'array', items: { type: 'string' } }],
  },
  output_path: { type: 'string', description: 'S3 URI for the output instead of the default data path' },
  max_retries: { type: 'integer', minimum: 0 },
  retry_delay: { type: 'string' },
  retention: RETENTION_OVERRIDE_SCHEMA,
  late_after: { type: 'string', description: 'Data Pipeline period after which the step alerts as late' },
  timeout: { type: 'string', description: 'attemptTimeout, e.g. "2 Hours"' },
  worker_group: { type: 'string' },
};

/**
 * Redshift COPY options matching etlctl's TSV dialect (src/local/tsv.ts): tab-separated,
 * backslash escapes (a backslash before a tab, newline, CR or backslash), NULL written as \N.
 * COMPUPDATE/STATUPDATE OFF as Dataduct did (PR #149).
 */
export const TSV_COPY_OPTIONS = [
  "DELIMITER '\\t'",
  'ESCAPE',
  "NULL AS '\\\\N'",
  'COMPUPDATE OFF',
  'STATUPDATE OFF',
];

/** `script_arguments` as Dataduct takes them: a string, a list, or `{k: v}` items meaning `--k=v`. */
export const SCRIPT_ARGUMENTS: JsonSchema = {
  anyOf: [
    { type: 'string' },
    {
      type: 'array',
      items: {
        anyOf: [
          { type: ['string', 'number', 'boolean'] },
          { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } },
        ],
      },
    },
  ],
};

export function scriptArguments(v: unknown, substitute: (s: string) => string = (s) => s): string[] {
  if (v === undefined || v === null) return [];
  const items = Array.isArray(v) ? v : [v];
  const out: string[] = [];
  for (const item of items) {
    if (item !== null && typeof item === 'object') {
      for (const [k, val] of Object.entries(item as Record<string, unknown>))
        out.push(substitute(`--${k}=${String(val)}`));
    } else out.push(substitute(String(item)));
  }
  return out;
}

export const DATABASE_PARAM: JsonSchema = {
  type: 'string',
  description: 'name of a connection under `databases:` in the config (default: defaults.warehouse)',
};
