/**
 * create-load-redshift: create the table from its definition if missing, then load the input
 * S3 data into it (TRUNCATE by default). Native objects only: a RedshiftDataNode with
 * `createTableSql` and a RedshiftCopyActivity, instead of Dataduct's python executor.
 */
import { ref } from '../src/definition/model.js';
import { DATABASE_PARAM, SCRIPT_ARGUMENTS, scriptArguments, TSV_COPY_OPTIONS } from './common.js';
import { INPUT_COLUMNS_PARAM, LOAD_TRANSFORMS_PARAM, loadInput } from './pii-load.js';
import { s3InputAs, singleInput } from './s3-input.js';
import { sqlTable } from './sql-names.js';
import type { StepPlugin } from './types.js';

export const INSERT_MODES = ['KEEP_EXISTING', 'OVERWRITE_EXISTING', 'TRUNCATE', 'APPEND'];

/** Dataduct's create-load-redshift script arguments → COPY options. */
export function copyOptionsFromArguments(args: string[]): { options: string[]; unknown: string[] } {
  const options = [...TSV_COPY_OPTIONS];
  const unknown: string[] = [];
  for (const a of args) {
    const [k, v] = a.replace(/^--/, '').split(/=(.*)/s);
    if (k === 'max_error') options.push(`MAXERROR ${Number(v)}`);
    else if (k === 'replace_invalid_char')
      options.push(`ACCEPTINVCHARS AS '${String(v).replace(/'/g, "''")}'`);
    else if (k === 'no_escape') options.splice(options.indexOf('ESCAPE'), 1);
    else if (k === 'gzip') options.push('GZIP');
    else if (k === 'truncate_columns') options.push('TRUNCATECOLUMNS');
    else if (k === 'command_options' && v) options.push(v);
    else unknown.push(a);
  }
  return { options, unknown };
}

export function createIfMissing(sql: string): string {
  return sql.replace(/^\s*create\s+table\s+(?!if\s+not\s+exists)/i, 'CREATE TABLE IF NOT EXISTS ');
}

const plugin: StepPlugin = {
  type: 'create-load-redshift',
  summary: 'Create a Redshift table from its definition if missing and load the input S3 data into it',
  input: 'required',
  params: {
    properties: {
      table_definition: { type: 'string', description: 'CREATE TABLE file' },
      database: DATABASE_PARAM,
      insert_mode: { type: 'string', enum: INSERT_MODES, description: 'default TRUNCATE' },
      script_arguments: SCRIPT_ARGUMENTS,
      transforms: LOAD_TRANSFORMS_PARAM,
      input_columns: INPUT_COLUMNS_PARAM,
    },
    required: ['table_definition'],
  },
  compile(ctx) {
    const input = singleInput(ctx);
    const table = ctx.tableDefinition('table_definition');
    const target = ctx.database('database', { engines: ['redshift', 'postgres'] });
    if (!table || !target || !input) return;
    const data = loadInput(ctx, input, target, { def: table, key: 'table_definition' });
    if (data === null) return;
    const { options, unknown } = copyOptionsFromArguments(scriptArguments(ctx.params.script_arguments));
    for (const u of unknown)
      ctx.error(
        'ETL1020',
        `unknown script argument '${u}' for create-load-redshift`,
        ['script_arguments'],
        'known: --max_error=N, --replace_invalid_char=C, --no_escape, --gzip, --truncate_columns, --command_options=…',
      );
    const names = sqlTable(table);
    const node = ctx.add('Table', {
      type: 'RedshiftDataNode',
      database: ref(target.id),
      schemaName: names.schema,
      tableName: names.name,
      createTableSql: createIfMissing(table.sql),
      primaryKeys: table.primaryKey.length ? table.primaryKey : undefined,
      schedule: ctx.pipeline.frequency.kind === 'on-demand' ? undefined : ref('DefaultSchedule'),
    });
    ctx.activity('Load', 'RedshiftCopyActivity', {
      // commandOptions only apply when the input node has no dataFormat (AWS ignores them otherwise).
      input: ref(s3InputAs(ctx, data, 'none')),
      output: ref(node),
      insertMode: ctx.str('insert_mode') ?? 'TRUNCATE',
      commandOptions: options,
    });
    return {};
  },
};

export default plugin;
