/**
 * extract-redshift: UNLOAD a Redshift table to S3 as TSV with a native RedshiftCopyActivity
 * (RedshiftDataNode → S3DataNode). `table` must not contain a schema: give `schema`.
 */
import { ref } from '../src/definition/model.js';
import { schemaAndTable } from './connections.js';
import { DATABASE_PARAM } from './common.js';
import { INSERT_MODES } from './create-load-redshift.js';
import type { StepPlugin } from './types.js';

/** The etlctl TSV dialect for UNLOAD (COMPUPDATE/STATUPDATE are COPY-only). */
export const TSV_UNLOAD_OPTIONS = ["DELIMITER '\\t'", 'ESCAPE', "NULL AS '\\\\N'"];

const plugin: StepPlugin = {
  type: 'extract-redshift',
  summary: 'Unload a Redshift table to TSV files on S3',
  input: 'none',
  params: {
    properties: {
      schema: { type: 'string', minLength: 1, description: 'schema of the table' },
      table: { type: 'string', minLength: 1, description: 'table name, without the schema' },
      insert_mode: {
        type: 'string',
        enum: INSERT_MODES,
        description: 'RedshiftCopyActivity insertMode (default TRUNCATE)',
      },
      database: DATABASE_PARAM,
    },
    required: ['schema', 'table'],
  },
  compile(ctx) {
    const names = schemaAndTable(ctx);
    const source = ctx.database('database', { engines: ['redshift', 'postgres'] });
    if (!names || !source) return;
    const { schema, table } = names;
    const node = ctx.add('Table', {
      type: 'RedshiftDataNode',
      database: ref(source.id),
      schemaName: schema,
      // Unloading reads tableName unqualified, so it carries the schema too (Dataduct did the same).
      tableName: `${schema}.${table}`,
      schedule: ctx.pipeline.frequency.kind === 'on-demand' ? undefined : ref('DefaultSchedule'),
    });
    const output = ctx.s3Node('Output', {
      path: ctx.str('output_path') ?? ctx.dataPath('output'),
      directory: true,
    });
    ctx.activity('Unload', 'RedshiftCopyActivity', {
      input: ref(node),
      output: ref(output),
      insertMode: ctx.str('insert_mode') ?? 'TRUNCATE',
      commandOptions: TSV_UNLOAD_OPTIONS,
    });
    return { output };
  },
};

export default plugin;
