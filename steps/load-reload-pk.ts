/**
 * load-reload-pk: three chained activities (reference/dataduct.md §2.3):
 *   <step>.CreateAndLoad   create the staging table if missing, COPY the input into it (TRUNCATE)
 *   <step>.Reload          replace the production table's rows with the staging rows (one transaction)
 *   <step>.PrimaryKeyCheck fail when the production table has duplicate primary keys
 * All native: RedshiftCopyActivity and two SqlActivities, instead of Dataduct's python runners.
 */
import type { StepContext } from '../src/compile/context.js';
import type { TableDef } from '../src/compile/table-definition.js';
import { ref } from '../src/definition/model.js';
import { DATABASE_PARAM, SCRIPT_ARGUMENTS, scriptArguments } from './common.js';
import { copyOptionsFromArguments, createIfMissing } from './create-load-redshift.js';
import { s3InputAs, singleInput } from './s3-input.js';
import { sqlTable } from './sql-names.js';
import { INPUT_COLUMNS_PARAM, LOAD_TRANSFORMS_PARAM, loadInput } from './pii-load.js';
import type { StepPlugin } from './types.js';

function checkColumns(ctx: StepContext, staging: TableDef, production: TableDef): boolean {
  const have = new Set(staging.columns.map((c) => c.name.toLowerCase()));
  const missing = production.columns.map((c) => c.name).filter((n) => !have.has(n.toLowerCase()));
  if (missing.length === 0) return true;
  ctx.error(
    'ETL3302',
    `staging table ${staging.fullName} lacks column${missing.length === 1 ? '' : 's'} ${missing.join(', ')} of ${production.fullName}`,
    ['staging_table_definition'],
    'the reload copies every production column from the staging table; add them to the staging definition',
  );
  return false;
}

const plugin: StepPlugin = {
  type: 'load-reload-pk',
  summary: 'Load the input into a staging table, reload the production table from it, check its primary key',
  input: 'required',
  params: {
    properties: {
      staging_table_definition: { type: 'string', description: 'CREATE TABLE file of the staging table' },
      production_table_definition: {
        type: 'string',
        description: 'CREATE TABLE file of the production table (needs a PRIMARY KEY)',
      },
      script_arguments: SCRIPT_ARGUMENTS,
      analyze_table: {
        type: 'boolean',
        description: 'ANALYZE the production table after the reload (default true)',
      },
      enforce_primary_key: { type: 'boolean', description: 'keep one staging row per key (default true)' },
      non_transactional: {
        type: 'boolean',
        description: 'run the reload without BEGIN … COMMIT (default false)',
      },
      log_to_s3: {
        type: 'boolean',
        description: 'not supported here; use a primary-key-check step with log_to_s3',
      },
      database: DATABASE_PARAM,
      transforms: LOAD_TRANSFORMS_PARAM,
      input_columns: INPUT_COLUMNS_PARAM,
    },
    required: ['staging_table_definition', 'production_table_definition'],
  },
  compile(ctx) {
    const input = singleInput(ctx);
    const staging = ctx.tableDefinition('staging_table_definition');
    const production = ctx.tableDefinition('production_table_definition');
    const target = ctx.database('database', { engines: ['redshift', 'postgres'] });
    if (!input || !staging || !production || !target) return;
    if (production.primaryKey.length === 0) {
      ctx.error(
        'ETL3303',
        `production table ${production.fullName} has no primary key, so load-reload-pk has nothing to check`,
        ['production_table_definition'],
        'add PRIMARY KEY (…) to the table definition, or use create-load-redshift + reload',
      );
      return;
    }
    if (!checkColumns(ctx, staging, production)) return;
    const data = loadInput(ctx, input, target, { def: staging, key: 'staging_table_definition' });
    if (data === null) return;
    const { options, unknown } = copyOptionsFromArguments(scriptArguments(ctx.params.script_arguments));
    if (unknown.length > 0) {
      for (const u of unknown)
        ctx.error(
          'ETL1121',
          `unknown script argument '${u}' for load-reload-pk`,
          ['script_arguments'],
          'known: --max_error=N, --replace_invalid_char=C, --no_escape, --gzip, --truncate_columns, --command_options=…',
        );
      return;
    }
    if (ctx.params.log_to_s3 === true)
      ctx.warn(
        'ETL1122',
        'log_to_s3 is ignored: the primary key check of load-reload-pk fails the activity instead of logging',
        ['log_to_s3'],
        'add a primary-key-check step with log_to_s3: true after this one to log results',
      );
    const schedule = ctx.pipeline.frequency.kind === 'on-demand' ? undefined : ref('DefaultSchedule');

    const stage = sqlTable(staging);
    const prod = sqlTable(production);
    const stagingNode = ctx.add('StagingTable', {
      type: 'RedshiftDataNode',
      database: ref(target.id),
      schemaName: stage.schema,
      tableName: stage.name,
      createTableSql: createIfMissing(staging.sql),
      schedule,
    });
    ctx.activity('CreateAndLoad', 'RedshiftCopyActivity', {
      input: ref(s3InputAs(ctx, data, 'none')),
      output: ref(stagingNode),
      insertMode: 'TRUNCATE',
      commandOptions: options,
    });

    const reload = ctx.render('upsert.sql', {
      createSql: createIfMissing(production.sql),
      destination: prod.full,
      stage: prod.derived('_etlctl_stage'),
      dedup: prod.derived('_etlctl_dedup'),
      columns: prod.columns,
      primaryKey: prod.primaryKey,
      source: `SELECT * FROM ${stage.full}`,
      filter: undefined,
      dedupe: ctx.params.enforce_primary_key !== false,
      deleteAll: true,
      history: undefined,
    });
    const transactional = ctx.params.non_transactional !== true;
    const script =
      (transactional ? `BEGIN;\n${reload}COMMIT;\n` : reload) +
      (ctx.params.analyze_table === false ? '' : `ANALYZE ${prod.full};\n`);
    ctx.activity('Reload', 'SqlActivity', { database: ref(target.id), ...ctx.sqlScript(script, 'reload') });

    const check = ctx.render('primary-key-check.sql', {
      table: prod.full,
      primaryKey: prod.primaryKey,
      label: `(${prod.primaryKey.join(', ')}) in ${prod.full}`.replace(/'/g, "''"),
    });
    ctx.activity('PrimaryKeyCheck', 'SqlActivity', {
      database: ref(target.id),
      ...ctx.sqlScript(check.trimStart(), 'primary-key-check'),
    });
    return {};
  },
};

export default plugin;
