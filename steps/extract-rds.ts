/**
 * extract-rds: a MySQL (or Postgres) table or query → TSV files on S3, through a native
 * CopyActivity from a SqlDataNode (reference/dataduct.md §2.3).
 */
import { ref } from '../src/definition/model.js';
import type { StepPlugin } from './types.js';

const plugin: StepPlugin = {
  type: 'extract-rds',
  summary: 'Extract a table or query from an RDS MySQL/Postgres database to TSV files on S3',
  input: 'none',
  params: {
    properties: {
      table: { type: 'string', description: 'table to extract (SELECT * FROM table)' },
      sql: { type: 'string', description: 'query to extract' },
      host_name: { type: 'string', description: 'source connection name (Dataduct: the alias under mysql:)' },
      database: {
        type: 'string',
        description: 'database name on that host, when it differs from the connection',
      },
      splits: { type: 'integer', minimum: 1, description: 'number of output files' },
    },
    required: ['host_name'],
  },
  exactlyOne: [['table', 'sql']],
  compile(ctx) {
    const source = ctx.database('host_name', { engines: ['mysql', 'postgres'], fallbackToWarehouse: false });
    if (!source) return;
    const table = ctx.str('table');
    const sql = ctx.str('sql');
    const query = (sql ?? `SELECT * FROM ${table}`).trim().replace(/;\s*$/, '');
    const input = ctx.add('Source', {
      type: 'SqlDataNode',
      database: ref(source.id),
      table: table ?? sqlTableHint(query),
      selectQuery: query,
      schedule: ctx.pipeline.frequency.kind === 'on-demand' ? undefined : ref('DefaultSchedule'),
    });
    const output = ctx.s3Node('Output', {
      path: ctx.str('output_path') ?? ctx.dataPath('output'),
      directory: true,
      format: 'tsv',
    });
    ctx.activity('Extract', 'CopyActivity', {
      input: ref(input),
      output: ref(output),
    });
    return { output };
  },
};

/** SqlDataNode requires `table`; for a query, name the first table it reads. */
function sqlTableHint(query: string): string {
  const m = /\bfrom\s+([A-Za-z0-9_."`]+)/i.exec(query);
  return m ? m[1].replace(/[`"]/g, '') : 'query';
}

export default plugin;
