/**
 * extract-rds: a MySQL (or Postgres) table or query → TSV files on S3, through a native
 * CopyActivity from a SqlDataNode (reference/dataduct.md §2.3). With `splits: N` a
 * ShellCommandActivity then splits the extract into N part files without breaking records.
 */
import { ref } from '../src/definition/model.js';
import type { StepContext } from '../src/compile/context.js';
import type { DatabaseConfig } from '../src/config/types.js';
import { emitCopyTask, SOURCE_DEFINITION_PARAM, stepTransforms, TRANSFORMS_PARAM } from './pii-common.js';
import { sqlNameParam } from './sql-names.js';
import { checkSingleStatement } from './sql-text.js';
import type { StepOutput, StepPlugin } from './types.js';

export interface SqlExtractOptions {
  /** The source connection, resolved by the step (undefined: reported; only the names are checked). */
  source: { id: string; db?: DatabaseConfig } | undefined;
  /** Number of part files; 1 = whatever the CopyActivity writes. */
  splits?: number;
}

/** SqlDataNode → CopyActivity → S3 (→ split), shared by extract-rds and extract-postgres. */
export function compileSqlExtract(ctx: StepContext, opts: SqlExtractOptions): StepOutput | undefined {
  // `table` is a name in the source's dialect (MySQL takes `db`.`table` too), quoted where it must be.
  const name = sqlNameParam(ctx, 'table', {
    dialect: opts.source?.db?.engine === 'mysql' ? 'mysql' : 'postgres',
  });
  const sql = ctx.str('sql');
  const oneStatement = sql === undefined || checkSingleStatement(ctx, 'sql', sql);
  const sourceDef =
    ctx.str('table_definition') !== undefined ? ctx.tableDefinition('table_definition') : undefined;
  const transforms = stepTransforms(ctx, sourceDef);
  if (!opts.source || name === null || !oneStatement || transforms === null) return undefined;
  const table = name?.sql;
  const query = (sql ?? `SELECT * FROM ${table}`).trim().replace(/;\s*$/, '');
  const input = ctx.add('Source', {
    type: 'SqlDataNode',
    database: ref(opts.source.id),
    table: table ?? sqlTableHint(query),
    selectQuery: query,
    schedule: ctx.pipeline.frequency.kind === 'on-demand' ? undefined : ref('DefaultSchedule'),
  });
  const outputPath = ctx.str('output_path') ?? ctx.dataPath('output');
  const splits = opts.splits ?? 1;
  if (transforms) {
    if (splits > 1) {
      ctx.error(
        'ETL3708',
        'transforms cannot be combined with splits',
        ['splits'],
        'drop `splits:` from this step',
      );
      return undefined;
    }
    const output = ctx.s3Node('Output', { path: outputPath, directory: true, format: 'tsv' });
    emitCopyTask(ctx, {
      connection: opts.source.db?.name ?? opts.source.id,
      query,
      outputPath,
      transforms,
      input,
      output,
    });
    return { output };
  }
  if (splits <= 1) {
    const output = ctx.s3Node('Output', { path: outputPath, directory: true, format: 'tsv' });
    ctx.activity('Extract', 'CopyActivity', { input: ref(input), output: ref(output) });
    return { output };
  }
  const extracted = ctx.s3Node('Extracted', {
    path: ctx.dataPath('extracted'),
    directory: true,
    format: 'tsv',
  });
  ctx.activity('Extract', 'CopyActivity', { input: ref(input), output: ref(extracted) });
  const output = ctx.s3Node('Output', { path: outputPath, directory: true, format: 'tsv' });
  ctx.activity('Split', 'ShellCommandActivity', {
    command: ctx.render('split-tsv.sh', { splits }).trim(),
    input: [ref(extracted)],
    output: [ref(output)],
    stage: 'true',
  });
  return { output };
}

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
      transforms: TRANSFORMS_PARAM,
      table_definition: SOURCE_DEFINITION_PARAM,
      splits: {
        type: 'integer',
        minimum: 1,
        maximum: 1000,
        description: 'number of output part files (default 1)',
      },
    },
    required: ['host_name'],
  },
  exactlyOne: [['table', 'sql']],
  compile(ctx) {
    const source = ctx.database('host_name', { engines: ['mysql', 'postgres'], fallbackToWarehouse: false });
    return compileSqlExtract(ctx, {
      source,
      splits: typeof ctx.params.splits === 'number' ? ctx.params.splits : 1,
    });
  },
};

/** SqlDataNode requires `table`; for a query, name the first table it reads. */
export function sqlTableHint(query: string): string {
  const m = /\bfrom\s+([A-Za-z0-9_."`]+)/i.exec(query);
  return m ? m[1].replace(/[`"]/g, '') : 'query';
}

export default plugin;
