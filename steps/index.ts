/**
 * The step registry: every built-in step type. Each file exports one StepPlugin as default.
 * Both `extract-rds` and `extract_rds` spellings resolve to the same plugin.
 */
import type { JsonSchema, StepPlugin } from './types.js';
import { COMMON_STEP_KEYS } from './common.js';
import extractRds from './extract-rds.js';
import createLoadRedshift from './create-load-redshift.js';
import upsert from './upsert.js';
import sqlCommand from './sql-command.js';
import transform from './transform.js';

export const STEP_PLUGINS: StepPlugin[] = [extractRds, createLoadRedshift, upsert, sqlCommand, transform];

const byName = new Map<string, StepPlugin>();
for (const p of STEP_PLUGINS) {
  for (const n of [p.type, ...(p.aliases ?? [])]) {
    byName.set(n, p);
    byName.set(n.replace(/-/g, '_'), p);
  }
}

export function findStep(type: string): StepPlugin | undefined {
  return byName.get(type) ?? byName.get(type.trim().toLowerCase());
}

export function stepTypeNames(): string[] {
  return STEP_PLUGINS.map((p) => p.type);
}

const schemas = new WeakMap<StepPlugin, JsonSchema>();

/** The full schema of a step: common keys + the plugin's own, closed to unknown keys. */
export function stepSchema(p: StepPlugin): JsonSchema {
  let s = schemas.get(p);
  if (!s) {
    s = {
      type: 'object',
      properties: { ...COMMON_STEP_KEYS, ...p.params.properties },
      required: ['step_type', ...(p.params.required ?? [])],
      additionalProperties: false,
    };
    schemas.set(p, s);
  }
  return s;
}
