/**
 * CopyActivity on the local engine: SqlDataNode → S3DataNode (selectQuery or whole table, TSV or
 * CSV by the node's dataFormat), S3DataNode → SqlDataNode (table load, or insertQuery per row),
 * S3 → S3 and table → table. Everything streams; loads are atomic.
 */
import { PassThrough, Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { diag, EtlError } from '../../diagnostics.js';
import type { PipelineObject } from '../../definition/model.js';
import { objectType, stringField } from '../../definition/model.js';
import type { Driver } from '../drivers/types.js';
import { tokenize, translateStatement, type TargetKind } from '../translate.js';
import { parseDelimited } from '../tsv.js';
import type { ActivityContext, ActivityResult } from './types.js';
import {
  abortWith,
  isRedshiftDatabase,
  isS3Node,
  isSqlNode,
  openS3Input,
  parseOptionsForFormat,
  progressCounter,
  requireRef,
  s3NodeInfo,
  tableNodeInfo,
  toEngineTsv,
  writeS3Output,
} from './data.js';
import { atomicLoad } from './load.js';
import { commitOnce, type MarkCommit } from '../commits.js';

/** The SELECT an input SqlDataNode stands for, in the connected engine's SQL. */
function selectFor(
  ctx: ActivityContext,
  node: PipelineObject,
  database: PipelineObject,
  driver: Driver,
  table: string,
): string {
  const select = stringField(node, 'selectQuery');
  if (!select) return `SELECT * FROM ${driver.quoteQualified(table)}`;
  if (isRedshiftDatabase(database)) {
    return translateStatement(select, driver.kind as TargetKind, ctx.translations, `${node.id} selectQuery`);
  }
  return select;
}

export async function runCopyActivity(ctx: ActivityContext): Promise<ActivityResult> {
  const act = ctx.object;
  const who = `CopyActivity '${act.id}'`;
  const input = requireRef(ctx, act, 'input');
  const output = requireRef(ctx, act, 'output');
  let rows: number;

  if (isSqlNode(input) && isS3Node(output)) {
    const { table, database } = tableNodeInfo(ctx, input);
    const driver = await ctx.connect(database.id);
    const query = selectFor(ctx, input, database, driver, table);
    const s3 = s3NodeInfo(ctx, output);
    rows = await writeS3Output(ctx, s3, (w) => {
      const off = abortWith(ctx.signal, w);
      return driver.copyOut(query, w).finally(off);
    });
    ctx.log(`${who}: extracted ${rows} rows to ${s3.uri}`);
  } else if (isS3Node(input) && isSqlNode(output)) {
    const s3 = s3NodeInfo(ctx, input);
    const { table, database } = tableNodeInfo(ctx, output);
    const driver = await ctx.connect(database.id);
    rows = await commitOnce(ctx.commits, driver, `${who} load into ${table}`, async (mark) => {
      const source = await openS3Input(ctx, s3.uri, s3.gzip);
      const off = abortWith(ctx.signal, source);
      try {
        const insertQuery = stringField(output, 'insertQuery');
        const parse = parseOptionsForFormat(s3.format);
        if (insertQuery) {
          return await insertRows(
            driver,
            insertQuery,
            Readable.from(parseDelimited(source, parse)),
            ctx,
            mark,
          );
        }
        return await atomicLoad({
          driver,
          table,
          mode: 'APPEND',
          tsv: toEngineTsv(source, { parse, fillRecord: false, trimBlanks: false }),
          createTableSql: stringField(output, 'createTableSql'),
          redshiftSql: isRedshiftDatabase(database),
          who,
          translations: ctx.translations,
          progress: (n, b) => ctx.progress(n, b),
          mark,
        });
      } finally {
        off();
        source.destroy();
      }
    });
    ctx.log(`${who}: loaded ${rows} rows from ${s3.uri} into ${table}`);
  } else if (isS3Node(input) && isS3Node(output)) {
    const from = s3NodeInfo(ctx, input);
    const to = s3NodeInfo(ctx, output);
    const source = await openS3Input(ctx, from.uri, from.gzip);
    const tsv = toEngineTsv(source, {
      parse: parseOptionsForFormat(from.format),
      fillRecord: false,
      trimBlanks: false,
    });
    rows = await writeS3Output(ctx, to, async (w) => {
      const counter = progressCounter((n, b) => ctx.progress(n, b));
      await pipeline(tsv, counter, w, { end: false });
      return counter.rows;
    });
    ctx.log(`${who}: copied ${from.uri} to ${to.uri}`);
  } else if (isSqlNode(input) && isSqlNode(output)) {
    const src = tableNodeInfo(ctx, input);
    const dst = tableNodeInfo(ctx, output);
    const inDriver = await ctx.connect(src.database.id);
    const query = selectFor(ctx, input, src.database, inDriver, src.table);
    if (src.database.id === dst.database.id) {
      // One session cannot stream out and in at once; let the database do it.
      rows = await commitOnce(ctx.commits, inDriver, `${who} copy into ${dst.table}`, (mark) =>
        inDriver.transaction(async (tx) => {
          const n = (
            await tx.query(`INSERT INTO ${tx.quoteQualified(dst.table)} ${query.replace(/[\s;]+$/, '')}`)
          ).rowCount;
          await mark?.(tx, n);
          return n;
        }),
      );
    } else {
      const outDriver = await ctx.connect(dst.database.id);
      rows = await commitOnce(ctx.commits, outDriver, `${who} copy into ${dst.table}`, async (mark) => {
        const pipe = new PassThrough({ highWaterMark: 1024 * 1024 });
        const off = abortWith(ctx.signal, pipe);
        try {
          const extract = inDriver.copyOut(query, pipe, { end: true }).catch((e: unknown) => {
            pipe.destroy(e as Error);
            throw e;
          });
          const [, loaded] = await Promise.all([
            extract,
            atomicLoad({
              driver: outDriver,
              table: dst.table,
              mode: 'APPEND',
              tsv: pipe,
              createTableSql: stringField(output, 'createTableSql'),
              redshiftSql: isRedshiftDatabase(dst.database),
              who,
              translations: ctx.translations,
              progress: (n, b) => ctx.progress(n, b),
              mark,
            }),
          ]);
          return loaded;
        } finally {
          off();
          // The load failed first: the extract writing into the pipe stops too.
          pipe.destroy();
        }
      });
    }
    ctx.log(`${who}: copied ${rows} rows from ${src.table} to ${dst.table}`);
  } else {
    throw new EtlError(
      diag(
        'ETL7201',
        `${who}: input and output must be S3DataNode or SqlDataNode, not ${objectType(input)} → ${objectType(output)}`,
        {
          objectId: act.id,
        },
      ),
    );
  }
  ctx.progress(rows);
  return { rowsMoved: rows };
}

/**
 * SqlDataNode.insertQuery: one parameterised INSERT per input row (`?` placeholders), all in one
 * transaction. Slow by nature; a table load without insertQuery uses COPY instead.
 */
async function insertRows(
  driver: Driver,
  insertQuery: string,
  rows: Readable,
  ctx: ActivityContext,
  mark?: MarkCommit,
): Promise<number> {
  let sql = insertQuery.replace(/[\s;]+$/, '');
  if (driver.kind !== 'mysql') {
    let i = 0;
    sql = tokenize(sql)
      .map((t) => (t.type === 'punct' && t.text === '?' ? `$${++i}` : t.text))
      .join('');
  }
  let n = 0;
  await driver.transaction(async (tx) => {
    for await (const batch of rows) {
      for (const row of batch as (string | null)[][]) {
        await tx.query(sql, row);
        n++;
      }
      ctx.progress(n);
    }
    await mark?.(tx, n);
  });
  return n;
}
