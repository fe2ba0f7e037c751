/**
 * upsert: merge a source (table definition, query or SQL file) into a destination table on its
 * primary key, in one transaction (reference/dataduct.md §4.5). `reload` and `delta-load`
 * reuse this with other defaults. The SQL runs as a native SqlActivity.
 */
import { readFileSync } from 'node:fs';
import { ref } from '../src/definition/model.js';
import type { StepContext } from '../src/compile/context.js';
import type { TableDef } from '../src/compile/table-definition.js';
import { createIfMissing } from './create-load-redshift.js';
import { DATABASE_PARAM } from './common.js';
import { sqlTable } from './sql-names.js';
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

/** The source rows: a table definition's table, a query, or a query file. */
function upsertSource(ctx: StepContext, dest: TableDef | undefined): string | undefined {
  if (ctx.str('source')) {
    const src = ctx.tableDefinition('source');
    if (src) {
      if (dest && src.columns.length > dest.columns.length)
        ctx.error(
          'ETL3110',
          `source ${src.fullName} has ${src.columns.length} columns, more than destination ${dest.fullName} (${dest.columns.length})`,
          ['source'],
          'the source columns must be a subset of the destination columns',
        );
      return `SELECT * FROM ${sqlTable(src).full}`;
    }
    return undefined;
  }
  let query: string | undefined;
  if (ctx.str('sql')) query = String(ctx.str('sql'));
  else if (ctx.str('script')) {
    const p = ctx.localPath('script');
    if (p) query = readFileSync(p, 'utf8');
  }
  return query?.trim().replace(/;\s*$/, '');
}

export function compileUpsert(ctx: StepContext, variant: UpsertVariant = {}): void {
  const dest = ctx.tableDefinition('destination');
  const target = ctx.database('database', { engines: ['redshift', 'postgres'] });
  const source = upsertSource(ctx, dest);
  if (!dest || !target || source === undefined) return;
  const d = sqlTable(dest);
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
    const { window } = variant.delta;
    const column = d.column(variant.delta.column);
    const cond = `${column} >= COALESCE((SELECT MAX(${column}) FROM ${d.full}), '1800-01-01'::DATE) - INTERVAL '${window} days'`;
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
      history: sqlTable(h).full,
      destination: d.full,
      columns: d.columns,
      primaryKey: d.primaryKey,
      // Only the rows this run inserts or replaces get a new history version.
      dedup: deleteAll ? d.derived('_etlctl_dedup') : d.derived('_etlctl_changed'),
      createSql: createIfMissing(h.sql),
    });
  }
  const sql = ctx.render('upsert.sql', {
    createSql: createIfMissing(dest.sql),
    destination: d.full,
    stage: d.derived('_etlctl_stage'),
    dedup: d.derived('_etlctl_dedup'),
    changed: d.derived('_etlctl_changed'),
    columns: d.columns,
    primaryKey: d.primaryKey,
    valueColumns: d.columns.filter((c) => !d.primaryKey.includes(c)),
    source,
    filter,
    dedupe: enforce && dest.primaryKey.length > 0,
    deleteAll,
    history: historySql,
  });
  const script = `BEGIN;\n${sql}COMMIT;\n${ctx.params.analyze_table === false ? '' : `ANALYZE ${d.full};\n`}`;
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
