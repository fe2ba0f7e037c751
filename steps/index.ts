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
import extractLocal from './extract-local.js';
import extractS3 from './extract-s3.js';
import extractPostgres from './extract-postgres.js';
import extractRedshift from './extract-redshift.js';
import loadRedshift from './load-redshift.js';
import loadPostgres from './load-postgres.js';
import reload from './reload.js';
import deltaLoad from './delta-load.js';
import loadReloadPk from './load-reload-pk.js';
import createUpdateSql from './create-update-sql.js';
import emrStreaming from './emr-streaming.js';
import emrStep from './emr-step.js';
import qaTransform from './qa-transform.js';
import qaCheck from './qa-check.js';
import primaryKeyCheck from './primary-key-check.js';
import countCheck from './count-check.js';
import columnCheck from './column-check.js';
import pipelineDependencies from './pipeline-dependencies.js';

export const STEP_PLUGINS: StepPlugin[] = [
  extractRds,
  createLoadRedshift,
  upsert,
  sqlCommand,
  transform,
  extractLocal,
  extractS3,
  extractPostgres,
  extractRedshift,
  loadRedshift,
  loadPostgres,
  reload,
  deltaLoad,
  loadReloadPk,
  createUpdateSql,
  emrStreaming,
  emrStep,
  qaTransform,
  qaCheck,
  primaryKeyCheck,
  countCheck,
  columnCheck,
  pipelineDependencies,
];

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
