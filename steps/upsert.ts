/**
 * upsert: merge a source (table definition, query or SQL file) into a destination table on its
 * primary key, in one transaction (reference/dataduct.md §4.5). `reload` and `delta-load`
 * reuse this with other defaults. The SQL runs as a native SqlActivity.
 */
import { readFileSync } from 'node:fs';
import { ref } from '../src/definition/model.js';
import type { StepContext } from '../src/compile/context.js';
import { createIfMissing } from './create-load-redshift.js';
import { DATABASE_PARAM } from './common.js';
import type { JsonSchema, StepPlugin } from './types.js';

export const UPSERT_PARAMS: Record<string, JsonSchema> = {
  destination: { type: 'string', description: 'CREATE TABLE file of the destination' },
  source: { type: 'string', description: 'CREATE TABLE file of the source table' },
  sql: { type: 'string', description: 'query producing the rows' },
  script: { type: 'string', description: 'file holding the query' },
  enforce_primary_key: { type: 'boolean', description: 'keep one row per key (default true)' },
  delete_existing: { type: 'boolean', description: 'replace the whole table (default false)' },
  history: { type: 'string', description: 'CREATE TABLE file of an SCD2 history table' },
  analyze_table: { type: 'boolean', description: 'ANALYZE the destination afterwards (default true)' },
  filter_clause: { type: 'string', description: 'WHERE clause applied to the source rows' },
  database: DATABASE_PARAM,
};

export interface UpsertVariant {
  deleteExisting?: boolean;
  /** delta-load: only source rows newer than the destination's latest date_column minus window days. */
  delta?: { column: string; window: number };
}

export function compileUpsert(ctx: StepContext, variant: UpsertVariant = {}): void {
  const dest = ctx.tableDefinition('destination');
  const target = ctx.database('database', { engines: ['redshift', 'postgres'] });
  let source: string | undefined;
  if (ctx.str('source')) {
    const src = ctx.tableDefinition('source');
    if (src) {
      source = `SELECT * FROM ${src.fullName}`;
      if (dest && src.columns.length > dest.columns.length)
        ctx.error(
          'ETL3110',
          `source ${src.fullName} has ${src.columns.length} columns, more than destination ${dest.fullName} (${dest.columns.length})`,
          ['source'],
          'the source columns must be a subset of the destination columns',
        );
    }
  } else if (ctx.str('sql')) source = String(ctx.str('sql')).trim().replace(/;\s*$/, '');
  else if (ctx.str('script')) {
    const p = ctx.localPath('script');
    if (p) source = readFileSync(p, 'utf8').trim().replace(/;\s*$/, '');
  }
  if (!dest || !target || source === undefined) return;
  const enforce = ctx.params.enforce_primary_key !== false;
  const deleteAll = variant.deleteExisting ?? ctx.params.delete_existing === true;
  if (dest.primaryKey.length === 0 && !deleteAll) {
    ctx.error(
      'ETL3111',
      `destination ${dest.fullName} has no primary key, so ${ctx.step.type} cannot match rows`,
      ['destination'],
      'add PRIMARY KEY (…) to the table definition, or use reload / delete_existing: true',
    );
    return;
  }
  let filter = ctx.str('filter_clause');
  if (variant.delta) {
    const { column, window } = variant.delta;
    const cond = `${column} >= COALESCE((SELECT MAX(${column}) FROM ${dest.fullName}), '1800-01-01'::DATE) - INTERVAL '${window} days'`;
    filter = filter ? `WHERE (${filter.replace(/^\s*where\s+/i, '')}) AND ${cond}` : `WHERE ${cond}`;
  }
  if (filter && !/^\s*where\b/i.test(filter)) filter = `WHERE ${filter}`;
  let historySql: string | undefined;
  if (ctx.str('history')) {
    const h = ctx.tableDefinition('history');
    if (!h) return;
    const cols = h.columns.map((c) => c.name);
    if (!cols.includes('effective_ts') || !cols.includes('expiration_ts')) {
      ctx.error('ETL3112', `history table ${h.fullName} needs effective_ts and expiration_ts columns`, [
        'history',
      ]);
      return;
    }
    historySql = ctx.render('history.sql', {
      history: h.fullName,
      destination: dest.fullName,
      columns: dest.columns.map((c) => c.name),
      primaryKey: dest.primaryKey,
      // Only the rows this run inserts or replaces get a new history version.
      dedup: deleteAll ? `${dest.name}_etlctl_dedup` : `${dest.name}_etlctl_changed`,
      createSql: createIfMissing(h.sql),
    });
  }
  const sql = ctx.render('upsert.sql', {
    createSql: createIfMissing(dest.sql),
    destination: dest.fullName,
    stage: `${dest.name}_etlctl_stage`,
    dedup: `${dest.name}_etlctl_dedup`,
    changed: `${dest.name}_etlctl_changed`,
    columns: dest.columns.map((c) => c.name),
    primaryKey: dest.primaryKey,
    valueColumns: dest.columns.map((c) => c.name).filter((c) => !dest.primaryKey.includes(c)),
    source,
    filter,
    dedupe: enforce && dest.primaryKey.length > 0,
    deleteAll,
    history: historySql,
  });
  const script = `BEGIN;\n${sql}COMMIT;\n${ctx.params.analyze_table === false ? '' : `ANALYZE ${dest.fullName};\n`}`;
  ctx.activity('Upsert', 'SqlActivity', { database: ref(target.id), ...ctx.sqlScript(script, 'upsert') });
}

const plugin: StepPlugin = {
  type: 'upsert',
  summary: 'Merge rows from a source table or query into a destination table on its primary key',
  input: 'none',
  params: { properties: UPSERT_PARAMS, required: ['destination'] },
  exactlyOne: [['source', 'sql', 'script']],
  compile(ctx) {
    compileUpsert(ctx);
  },
};

export default plugin;
