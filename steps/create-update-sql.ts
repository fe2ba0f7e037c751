/**
 * create-update-sql: create a table from its definition when missing, then run SQL that fills
 * or updates it, as one native SqlActivity (Dataduct ran a python sql_runner on the worker).
 * `script_arguments` bind to placeholders: `?` (SqlActivity) or Dataduct's `%s`, rewritten to `?`.
 */
import { readFileSync } from 'node:fs';
import { ref } from '../src/definition/model.js';
import { DATABASE_PARAM } from './common.js';
import { createIfMissing } from './create-load-redshift.js';
import { sqlTable } from './sql-names.js';
import { bindArgumentPlaceholders, statementBody } from './sql-text.js';
import type { StepPlugin } from './types.js';

const plugin: StepPlugin = {
  type: 'create-update-sql',
  summary: 'Create a table if missing, then run SQL that updates it (one transaction), then ANALYZE',
  input: 'none',
  params: {
    properties: {
      table_definition: { type: 'string', description: 'CREATE TABLE file of the table the SQL updates' },
      command: { type: 'string', minLength: 1, description: 'SQL to run' },
      script: { type: 'string', description: 'file holding the SQL' },
      script_arguments: {
        type: 'array',
        items: { type: ['string', 'number', 'boolean'] },
        description: 'values bound to the ? (or %s) placeholders, in order; a list',
      },
      analyze_table: { type: 'boolean', description: 'ANALYZE the table afterwards (default true)' },
      non_transactional: { type: 'boolean', description: 'run without BEGIN … COMMIT (default false)' },
      database: DATABASE_PARAM,
    },
    required: ['table_definition'],
  },
  exactlyOne: [['command', 'script']],
  compile(ctx) {
    const table = ctx.tableDefinition('table_definition');
    const target = ctx.database('database', { engines: ['redshift', 'postgres'] });
    let sql = ctx.str('command');
    let name = 'command';
    if (ctx.str('script') !== undefined) {
      const p = ctx.localPath('script');
      sql = p ? readFileSync(p, 'utf8') : undefined;
      name = 'script';
    }
    if (!table || !target || sql === undefined) return;
    const args = ((ctx.params.script_arguments as unknown[] | undefined) ?? []).map(String);
    const bound = bindArgumentPlaceholders(ctx, sql, args);
    if (bound === undefined) return;
    const transactional = ctx.params.non_transactional !== true;
    const script = [
      transactional ? 'BEGIN;' : '',
      `${createIfMissing(table.sql)};`,
      `${statementBody(bound)};`,
      transactional ? 'COMMIT;' : '',
      ctx.params.analyze_table === false ? '' : `ANALYZE ${sqlTable(table).full};`,
    ]
      .filter(Boolean)
      .join('\n');
    ctx.activity('Sql', 'SqlActivity', {
      database: ref(target.id),
      ...ctx.sqlScript(`${script}\n`, name),
      scriptArgument: args,
    });
  },
};

export default plugin;
