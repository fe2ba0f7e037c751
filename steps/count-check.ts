/**
 * count-check (Dataduct): the destination row count is within `tolerance` % of the source's.
 * Compiles to the qa-check task with one `row-count` check.
 */
import { DATABASE_PARAM } from './common.js';
import { qaDatabase, sourceTableName } from './qa-check.js';
import { sqlNameParam, sqlTable } from './sql-names.js';
import {
  checkConnection,
  defaultSeverity,
  emitQaActivity,
  LOG_TO_S3,
  qaLogUri,
  SEVERITY,
} from './qa-common.js';
import type { StepPlugin } from './types.js';

const plugin: StepPlugin = {
  type: 'count-check',
  summary: 'Compare the row count of a destination table with a source query (Dataduct)',
  input: 'none',
  params: {
    properties: {
      source_host: { type: 'string', description: 'connection of the source (Dataduct: a mysql alias)' },
      source_sql: { type: 'string', description: 'source query; its rows are counted' },
      source_table_name: { type: 'string', description: 'source table; its rows are counted' },
      source_count_sql: { type: 'string', description: 'source query returning the count itself' },
      destination_sql: { type: 'string', description: 'destination query; its rows are counted' },
      destination_table_name: { type: 'string', description: 'destination schema.table' },
      destination_table_definition: { type: 'string', description: 'CREATE TABLE file of the destination' },
      tolerance: { type: 'number', minimum: 0, description: 'error rate allowed, in % (default 1.0)' },
      database: DATABASE_PARAM,
      log_to_s3: LOG_TO_S3,
      severity: {
        ...SEVERITY,
        description: 'default: warn when alerts.warning_topic is set, else error (Dataduct)',
      },
    },
    required: ['source_host'],
  },
  exactlyOne: [
    ['source_sql', 'source_table_name', 'source_count_sql'],
    ['destination_sql', 'destination_table_name', 'destination_table_definition'],
  ],
  compile(ctx) {
    const database = qaDatabase(ctx);
    const source = ctx.str('source_host') as string;
    const sourceOk = checkConnection(ctx, source, ['source_host']);
    const named = sqlNameParam(ctx, 'destination_table_name');
    const sourceTable = ctx.str('source_table_name');
    const sourceTableOk =
      sourceTable === undefined || sourceTableName(ctx, source, sourceTable, ['source_table_name']);
    // As written: the task parses it and quotes it for the database it runs on.
    let table = ctx.str('destination_table_name');
    if (ctx.str('destination_table_definition')) {
      const def = ctx.tableDefinition('destination_table_definition');
      if (!def) return;
      table = sqlTable(def).full;
    }
    if (!database || !sourceOk || named === null || !sourceTableOk) return;
    emitQaActivity(ctx, database, [
      {
        kind: 'row-count',
        name: 'count-check',
        severity: defaultSeverity(ctx),
        threshold: typeof ctx.params.tolerance === 'number' ? ctx.params.tolerance : 1.0,
        table,
        source,
        sourceSql: ctx.str('source_sql'),
        sourceTable: ctx.str('source_table_name'),
        sourceCountSql: ctx.str('source_count_sql'),
        destinationSql: ctx.str('destination_sql'),
        logUri: ctx.params.log_to_s3 === true ? qaLogUri(ctx) : undefined,
      },
    ]);
  },
};

export default plugin;
