/**
 * RedshiftCopyActivity on the local engine: S3DataNode → table (RedshiftDataNode or
 * SqlDataNode) with insertMode semantics and commandOptions, through an atomic staging load;
 * or table → S3DataNode (the UNLOAD direction Dataduct's extract-redshift uses).
 */
import { diag, EtlError } from '../../diagnostics.js';
import { objectType, stringField } from '../../definition/model.js';
import type { ActivityContext, ActivityResult } from './types.js';
import { isEngineDialect, parseLoadOptions, type LoadOptions } from './copy-options.js';
import {
  abortWith,
  isRedshiftDatabase,
  isS3Node,
  isSqlNode,
  openS3Input,
  parseOptionsForFormat,
  requireRef,
  s3NodeInfo,
  stringValues,
  tableInfo,
  tableNodeInfo,
  toEngineTsv,
  writeS3Output,
} from './data.js';
import { atomicLoad, parseInsertMode } from './load.js';
import { commitOnce } from '../commits.js';

export async function runRedshiftCopyActivity(ctx: ActivityContext): Promise<ActivityResult> {
  const act = ctx.object;
  const who = `RedshiftCopyActivity '${act.id}'`;
  const input = requireRef(ctx, act, 'input');
  const output = requireRef(ctx, act, 'output');

  if (isSqlNode(input) && isS3Node(output)) {
    const { table, database } = tableNodeInfo(ctx, input);
    const driver = await ctx.connect(database.id);
    const s3 = s3NodeInfo(ctx, output);
    const rows = await writeS3Output(ctx, s3, (w) => {
      const off = abortWith(ctx.signal, w);
      return driver.copyOut(`SELECT * FROM ${driver.quoteQualified(table)}`, w).finally(off);
    });
    ctx.progress(rows);
    ctx.log(`${who}: unloaded ${rows} rows from ${table} to ${s3.uri}`);
    return { rowsMoved: rows };
  }
  if (!isS3Node(input) || !isSqlNode(output)) {
    throw new EtlError(
      diag(
        'ETL7201',
        `${who}: copies S3DataNode → RedshiftDataNode/SqlDataNode or back, not ${objectType(input)} → ${objectType(output)}`,
        {
          objectId: act.id,
        },
      ),
    );
  }

  const mode = parseInsertMode(stringField(act, 'insertMode'), who);
  const s3 = s3NodeInfo(ctx, input);
  const commandOptions = stringValues(act, 'commandOptions');
  let load: LoadOptions;
  if (s3.format) {
    // As on AWS: a data format on the input wins over commandOptions.
    load = {
      parse: parseOptionsForFormat(s3.format),
      gzip: false,
      maxError: 0,
      truncateColumns: false,
      fillRecord: false,
      trimBlanks: false,
      ignored: [],
    };
    if (commandOptions.length) {
      ctx.translations.push(
        `${act.id}: commandOptions ignored because input ${input.id} has a dataFormat (as on AWS)`,
      );
    }
  } else {
    load = parseLoadOptions(commandOptions, `${who} commandOptions`);
  }
  for (const i of load.ignored) ctx.translations.push(`${act.id}: COPY option ${i} ignored locally`);
  const { table, database } = tableNodeInfo(ctx, output);
  const driver = await ctx.connect(database.id);

  const rows = await commitOnce(ctx.commits, driver, `${who} load into ${table}`, async (mark) => {
    const source = await openS3Input(ctx, s3.uri, load.gzip || s3.gzip);
    const off = abortWith(ctx.signal, source);
    try {
      // FILLRECORD pads short records up to the table's column count.
      const width = load.fillRecord
        ? (await tableInfo(driver, table)).columns.filter((c) => !c.generated).length
        : undefined;
      const tsv = toEngineTsv(source, load, width);
      if (!isEngineDialect(load)) ctx.log(`${who}: converting input to the engine TSV dialect`);
      return await atomicLoad({
        driver,
        table,
        mode,
        tsv,
        primaryKeys: stringValues(output, 'primaryKeys'),
        truncateColumns: load.truncateColumns,
        transformSql: stringField(act, 'transformSql'),
        createTableSql: stringField(output, 'createTableSql'),
        redshiftSql: isRedshiftDatabase(database),
        who,
        translations: ctx.translations,
        progress: (n, b) => ctx.progress(n, b),
        mark,
      });
    } finally {
      off();
      // Not read to the end (the load failed first): stop the handoff or the S3 reads behind it.
      source.destroy();
    }
  });
  ctx.log(`${who}: loaded ${rows} rows from ${s3.uri} into ${table} (${mode})`);
  return { rowsMoved: rows };
}
