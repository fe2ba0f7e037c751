/**
 * column-check (Dataduct): a sample of source rows, compared column by column with the
 * destination rows of the same primary key; fails above `tolerance` % mismatches.
 * Compiles to the qa-check task with one `column-sample` check.
 */
import { DATABASE_PARAM } from './common.js';
import { qaDatabase } from './qa-check.js';
import { sqlTable } from './sql-names.js';
import {
  checkConnection,
  checkSqlTail,
  defaultSeverity,
  emitQaActivity,
  LOG_TO_S3,
  qaLogUri,
  SEVERITY,
} from './qa-common.js';
import type { StepPlugin } from './types.js';

const plugin: StepPlugin = {
  type: 'column-check',
  summary: 'Compare a sample of source rows with the destination, column by column (Dataduct)',
  input: 'none',
  params: {
    properties: {
      source_host: { type: 'string', description: 'connection of the source (Dataduct: a mysql alias)' },
      source_sql: { type: 'string', description: 'source query' },
      sql_tail_for_source: {
        type: 'string',
        description: 'appended to the sample query; must contain LIMIT_PLACEHOLDER',
      },
      sample_size: { type: 'integer', minimum: 1, description: 'rows sampled (default 100)' },
      destination_table_definition: {
        type: 'string',
        description: 'CREATE TABLE file of the destination (gives the key)',
      },
      destination_sql: {
        type: 'string',
        description: 'destination query: key columns first, the compared value last',
      },
      tolerance: { type: 'number', minimum: 0, description: 'mismatch rate allowed, in % (default 1.0)' },
      database: DATABASE_PARAM,
      log_to_s3: LOG_TO_S3,
      severity: {
        ...SEVERITY,
        description: 'default: warn when alerts.warning_topic is set, else error (Dataduct)',
      },
    },
    required: ['source_host', 'source_sql'],
  },
  exactlyOne: [['destination_table_definition', 'destination_sql']],
  compile(ctx) {
    const database = qaDatabase(ctx);
    const source = ctx.str('source_host') as string;
    let ok = checkConnection(ctx, source, ['source_host']);
    ok = checkSqlTail(ctx, ctx.str('sql_tail_for_source'), ['sql_tail_for_source']) && ok;
    let table: string | undefined;
    let keys: string[] = [];
    if (ctx.str('destination_table_definition')) {
      const def = ctx.tableDefinition('destination_table_definition');
      if (!def) return;
      if (def.primaryKey.length === 0) {
        ctx.error(
          'ETL3205',
          `${def.fullName} has no PRIMARY KEY, which column-check needs to match rows`,
          ['destination_table_definition'],
          'declare the key in the CREATE TABLE file, or use destination_sql (key columns first, compared value last)',
        );
        return;
      }
      const names = sqlTable(def);
      table = names.full;
      keys = names.primaryKey;
    }
    if (!database || !ok) return;
    emitQaActivity(ctx, database, [
      {
        kind: 'column-sample',
        name: 'column-check',
        severity: defaultSeverity(ctx),
        threshold: typeof ctx.params.tolerance === 'number' ? ctx.params.tolerance : 1.0,
        table,
        source,
        sourceSql: ctx.str('source_sql'),
        sqlTail: ctx.str('sql_tail_for_source'),
        sampleSize: typeof ctx.params.sample_size === 'number' ? ctx.params.sample_size : 100,
        keyColumns: keys,
        destinationSql: ctx.str('destination_sql'),
        logUri: ctx.params.log_to_s3 === true ? qaLogUri(ctx) : undefined,
      },
    ]);
  },
};

export default plugin;
