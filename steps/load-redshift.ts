/**
 * load-redshift: COPY the input S3 data into an existing Redshift table with a native
 * RedshiftCopyActivity. Unlike create-load-redshift it creates nothing: the table must exist.
 */
import { ref } from '../src/definition/model.js';
import { schemaAndTable } from './connections.js';
import { DATABASE_PARAM, TSV_COPY_OPTIONS } from './common.js';
import { INSERT_MODES } from './create-load-redshift.js';
import { s3InputAs, singleInput } from './s3-input.js';
import { INPUT_COLUMNS_PARAM, LOAD_TRANSFORMS_PARAM, loadInput } from './pii-load.js';
import type { StepPlugin } from './types.js';

const COMPRESSION: Record<string, string | undefined> = {
  none: undefined,
  gzip: 'GZIP',
  bzip2: 'BZIP2',
  lzo: 'LZOP',
};

const plugin: StepPlugin = {
  type: 'load-redshift',
  summary: 'Load the input S3 data into an existing Redshift table (COPY)',
  input: 'required',
  params: {
    properties: {
      schema: { type: 'string', minLength: 1, description: 'schema of the table' },
      table: { type: 'string', minLength: 1, description: 'table name, without the schema' },
      insert_mode: { type: 'string', enum: INSERT_MODES, description: 'default TRUNCATE' },
      max_errors: {
        type: 'integer',
        minimum: 0,
        description: 'COPY MAXERROR: rows that may fail before the load fails',
      },
      replace_invalid_char: {
        type: 'string',
        description: 'COPY ACCEPTINVCHARS: one ASCII character replacing invalid UTF-8',
      },
      compression: {
        type: 'string',
        enum: Object.keys(COMPRESSION),
        description: 'compression of the input files',
      },
      database: DATABASE_PARAM,
      transforms: LOAD_TRANSFORMS_PARAM,
      input_columns: INPUT_COLUMNS_PARAM,
    },
    required: ['schema', 'table'],
  },
  compile(ctx) {
    const names = schemaAndTable(ctx);
    let ok = names !== undefined;
    const replace = ctx.str('replace_invalid_char');
    if (replace !== undefined && !/^[\x21-\x7e ]$/.test(replace)) {
      ctx.error(
        'ETL1112',
        `replace_invalid_char must be exactly one printable ASCII character, got '${replace}'`,
        ['replace_invalid_char'],
        "Redshift's ACCEPTINVCHARS takes a single ASCII replacement, e.g. '?'",
      );
      ok = false;
    }
    const input = singleInput(ctx);
    const target = ctx.database('database', { engines: ['redshift', 'postgres'] });
    if (!ok || !names || !target || !input) return;
    const data = loadInput(ctx, input, target);
    if (data === null) return;
    const options = [...TSV_COPY_OPTIONS, 'TRUNCATECOLUMNS'];
    const compression = COMPRESSION[ctx.str('compression') ?? 'none'];
    if (compression) options.push(compression);
    if (typeof ctx.params.max_errors === 'number') options.push(`MAXERROR ${ctx.params.max_errors}`);
    if (replace !== undefined) options.push(`ACCEPTINVCHARS AS '${replace.replace(/'/g, "''")}'`);
    const node = ctx.add('Table', {
      type: 'RedshiftDataNode',
      database: ref(target.id),
      schemaName: names.schema,
      tableName: names.table,
      schedule: ctx.pipeline.frequency.kind === 'on-demand' ? undefined : ref('DefaultSchedule'),
    });
    ctx.activity('Load', 'RedshiftCopyActivity', {
      input: ref(s3InputAs(ctx, data, 'none')),
      output: ref(node),
      insertMode: ctx.str('insert_mode') ?? 'TRUNCATE',
      commandOptions: options,
    });
    return {};
  },
};

export default plugin;
