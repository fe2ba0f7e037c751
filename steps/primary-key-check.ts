/**
 * primary-key-check (Dataduct): no duplicate (or null) primary keys in the table of a
 * table_definition. Compiles to the qa-check task with one `primary-key` check, tolerance 0.
 */
import { DATABASE_PARAM, SCRIPT_ARGUMENTS } from './common.js';
import { qaDatabase } from './qa-check.js';
import { sqlTable } from './sql-names.js';
import { defaultSeverity, emitQaActivity, LOG_TO_S3, qaLogUri, SEVERITY } from './qa-common.js';
import type { StepPlugin } from './types.js';

const plugin: StepPlugin = {
  type: 'primary-key-check',
  summary: 'Fail (or warn) when the primary key of a table has duplicates (Dataduct)',
  input: 'none',
  params: {
    properties: {
      table_definition: { type: 'string', description: 'CREATE TABLE file with the PRIMARY KEY' },
      database: DATABASE_PARAM,
      log_to_s3: LOG_TO_S3,
      severity: {
        ...SEVERITY,
        description: 'default: warn when alerts.warning_topic is set, else error (Dataduct)',
      },
      script_arguments: SCRIPT_ARGUMENTS,
    },
    required: ['table_definition'],
  },
  compile(ctx) {
    const database = qaDatabase(ctx);
    const def = ctx.tableDefinition('table_definition');
    if (!def || !database) return;
    if (def.primaryKey.length === 0) {
      ctx.error(
        'ETL3205',
        `${def.fullName} has no PRIMARY KEY, so there is nothing for primary-key-check to check`,
        ['table_definition'],
        'declare the key in the CREATE TABLE file, e.g. `id INTEGER PRIMARY KEY` or `PRIMARY KEY (a, b)`',
      );
      return;
    }
    if (ctx.params.script_arguments !== undefined)
      ctx.warn('ETL3216', 'script_arguments are ignored: the check runs etlctl’s built-in task', [
        'script_arguments',
      ]);
    emitQaActivity(ctx, database, [
      {
        kind: 'primary-key',
        name: 'primary-key',
        severity: defaultSeverity(ctx),
        threshold: 0,
        table: sqlTable(def).full,
        columns: sqlTable(def).primaryKey,
        logUri: ctx.params.log_to_s3 === true ? qaLogUri(ctx) : undefined,
      },
    ]);
  },
};

export default plugin;
