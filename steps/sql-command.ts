/** sql-command: run SQL (inline or from a file) on a database as a native SqlActivity. */
import { readFileSync } from 'node:fs';
import { ref } from '../src/definition/model.js';
import { DATABASE_PARAM, SCRIPT_ARGUMENTS, scriptArguments } from './common.js';
import { bindArgumentPlaceholders } from './sql-text.js';
import type { StepPlugin } from './types.js';

const plugin: StepPlugin = {
  type: 'sql-command',
  summary: 'Run SQL on a database (wrapped in a transaction by default)',
  input: 'none',
  params: {
    properties: {
      command: { type: 'string', description: 'SQL to run' },
      script: { type: 'string', description: 'file holding the SQL' },
      script_arguments: SCRIPT_ARGUMENTS,
      queue: { type: 'string', description: 'Redshift WLM query group' },
      wrap_transaction: { type: 'boolean', description: 'wrap in BEGIN … COMMIT (default true)' },
      database: DATABASE_PARAM,
    },
  },
  exactlyOne: [['command', 'script']],
  compile(ctx) {
    const target = ctx.database('database');
    let sql = ctx.str('command');
    let name = 'command';
    if (ctx.str('script')) {
      const p = ctx.localPath('script');
      if (!p) return;
      sql = readFileSync(p, 'utf8');
      name = 'script';
    }
    if (!target || sql === undefined) return;
    sql = sql.trim();
    const args = scriptArguments(ctx.params.script_arguments);
    const bound = bindArgumentPlaceholders(ctx, sql, args);
    if (bound === undefined) return;
    sql = bound;
    if (!sql.endsWith(';')) sql += ';';
    const wrapped = ctx.params.wrap_transaction === false ? `${sql}\n` : `BEGIN;\n${sql}\nCOMMIT;\n`;
    ctx.activity('Sql', 'SqlActivity', {
      database: ref(target.id),
      ...ctx.sqlScript(wrapped, name),
      scriptArgument: args,
      queue: ctx.str('queue'),
    });
  },
};

export default plugin;
