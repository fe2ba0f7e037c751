/**
 * load-postgres: the input S3 data (TSV) into a Postgres table with a native CopyActivity into a
 * SqlDataNode. The connection is `database`, or the config's only Postgres connection; its
 * database object is shared with other steps (Dataduct emitted a second, unused one).
 */
import { ref } from '../src/definition/model.js';
import { postgresConnection } from './connections.js';
import { s3InputAs, singleInput } from './s3-input.js';
import { sqlNameParam, sqlTable } from './sql-names.js';
import { checkSingleStatement } from './sql-text.js';
import { INPUT_COLUMNS_PARAM, LOAD_TRANSFORMS_PARAM, loadInput } from './pii-load.js';
import type { StepPlugin } from './types.js';

const plugin: StepPlugin = {
  type: 'load-postgres',
  summary: 'Load the input S3 data into a Postgres table (CopyActivity)',
  input: 'required',
  params: {
    properties: {
      table: {
        type: 'string',
        minLength: 1,
        description: 'target table (default: the table of table_definition)',
      },
      insert_query: {
        type: 'string',
        minLength: 1,
        description: 'INSERT with one ? per column, run per row',
      },
      table_definition: {
        type: 'string',
        description: 'CREATE TABLE file; its columns give the default insert_query',
      },
      database: {
        type: 'string',
        description: 'Postgres connection name (default: the only Postgres connection in the config)',
      },
      transforms: LOAD_TRANSFORMS_PARAM,
      input_columns: INPUT_COLUMNS_PARAM,
    },
  },
  compile(ctx) {
    const input = singleInput(ctx);
    const target = postgresConnection(ctx, 'database');
    const named = sqlNameParam(ctx, 'table');
    const insert = ctx.str('insert_query');
    const oneStatement = insert === undefined || checkSingleStatement(ctx, 'insert_query', insert);
    const def =
      ctx.str('table_definition') !== undefined ? ctx.tableDefinition('table_definition') : undefined;
    if (!input || !target || named === null || !oneStatement) return;
    if (ctx.str('table_definition') !== undefined && !def) return;
    const data = loadInput(ctx, input, target, def ? { def, key: 'table_definition' } : undefined);
    if (data === null) return;
    const table = named?.sql ?? (def ? sqlTable(def).full : undefined);
    let insertQuery = insert;
    if (insertQuery === undefined && def) {
      const cols = sqlTable(def).columns;
      insertQuery = `INSERT INTO ${table} (${cols.join(', ')}) VALUES (${cols.map(() => '?').join(', ')})`;
    }
    if (!table || !insertQuery) {
      ctx.error(
        'ETL1114',
        `load-postgres needs ${!table ? 'table' : 'insert_query'} (or table_definition, from which both follow)`,
        [],
        'e.g. table: public.events and insert_query: "INSERT INTO public.events (id, name) VALUES (?, ?)"',
      );
      return;
    }
    const node = ctx.add('Table', {
      type: 'SqlDataNode',
      database: ref(target.id),
      table,
      insertQuery,
      schedule: ctx.pipeline.frequency.kind === 'on-demand' ? undefined : ref('DefaultSchedule'),
    });
    ctx.activity('Load', 'CopyActivity', { input: ref(s3InputAs(ctx, data, 'tsv')), output: ref(node) });
    return {};
  },
};

export default plugin;
