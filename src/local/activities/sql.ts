/**
 * SqlActivity on the local engine: the script (inline or from scriptUri) with its
 * scriptArgument values bound to `?`, translated from Redshift SQL for the target, run in one
 * transaction unless the script has its own BEGIN/COMMIT. COPY … FROM 's3://…' and
 * UNLOAD … TO 's3://…' statements run through the engine's streaming copy in the same session.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { PassThrough, Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { diag, EtlError } from '../../diagnostics.js';
import { stringField } from '../../definition/model.js';
import type { Driver } from '../drivers/types.js';
import { bindScriptArguments, translateScript, type ScriptAction, type TargetKind } from '../translate.js';
import { encodeCsvRow, parseTsv, type TextRow } from '../tsv.js';
import type { ActivityContext, ActivityResult } from './types.js';
import { parseLoadOptions, parseUnloadOptions, type UnloadOptions } from './copy-options.js';
import {
  abortWith,
  fieldError,
  isRedshiftDatabase,
  openS3Input,
  requireRef,
  stringValues,
  toEngineTsv,
} from './data.js';
import { atomicLoad } from './load.js';
import { commitOnce, type MarkCommit } from '../commits.js';

/** Reads a script from local S3 (s3://…) or a local file (an asset path). */
export async function readScript(ctx: ActivityContext, uri: string): Promise<string> {
  if (/^s3:\/\//i.test(uri)) return ctx.s3.readText(uri);
  const path = resolve(ctx.cwd ?? process.cwd(), uri.replace(/^file:\/\//, ''));
  try {
    return await readFile(path, 'utf8');
  } catch {
    throw new EtlError(
      diag('ETL7011', `script ${uri} does not exist`, {
        hint: 'scriptUri must be s3://… or a local file path',
      }),
    );
  }
}

export async function runSqlActivity(ctx: ActivityContext): Promise<ActivityResult> {
  const act = ctx.object;
  const who = `SqlActivity '${act.id}'`;
  const database = requireRef(ctx, act, 'database');
  let script = stringField(act, 'script');
  let source = `${act.id}.script`;
  if (script === undefined) {
    const uri = stringField(act, 'scriptUri');
    if (!uri) throw fieldError(act, `${who} needs script or scriptUri`, 'script');
    script = await readScript(ctx, uri);
    source = uri;
  }
  const driver = await ctx.connect(database.id);
  const target = driver.kind as TargetKind;
  const bound = bindScriptArguments(script, stringValues(act, 'scriptArgument'), target, source);
  // Only Redshift SQL is rewritten; a script for an RDS/JDBC database is already in its dialect.
  const tr = translateScript(bound, target, { source, redshift: isRedshiftDatabase(database) });
  ctx.translations.push(...tr.translations);

  let rows = 0;
  const run = async (d: Driver, a: ScriptAction): Promise<number> => {
    if (ctx.signal.aborted) throw new EtlError(diag('ETL7207', `${who} was cancelled`));
    return runAction(ctx, d, a, who);
  };
  // One transaction of the script, committed once per instance (../commits.ts) when it writes.
  const commit = async (body: ScriptAction[], rollback = false): Promise<void> => {
    const inTx = (mark: MarkCommit | undefined): Promise<number> =>
      driver.transaction(async (tx) => {
        let n = 0;
        for (const b of body) n += await run(tx, b);
        if (rollback) throw ROLLBACK;
        await mark?.(tx, n);
        return n;
      });
    const ledger = !rollback && body.some(writes) ? ctx.commits : undefined;
    rows += await commitOnce(ledger, driver, `${who} transaction`, inTx).catch((e: unknown) => {
      if (e !== ROLLBACK) throw e;
      return 0;
    });
  };

  if (!tr.managesTransaction) {
    await commit(tr.actions);
  } else {
    // The script's own BEGIN … COMMIT/ROLLBACK blocks become driver transactions.
    let i = 0;
    while (i < tr.actions.length) {
      const a = tr.actions[i];
      if (a.kind === 'tx' && a.verb === 'begin') {
        let j = i + 1;
        while (j < tr.actions.length && tr.actions[j].kind !== 'tx') j++;
        const end = tr.actions[j];
        await commit(tr.actions.slice(i + 1, j), end?.kind === 'tx' && end.verb === 'rollback');
        i = j + 1;
      } else if (a.kind === 'tx') {
        i++; // a COMMIT/ROLLBACK with no open block: nothing to do
      } else {
        await commit([a]);
        i++;
      }
    }
  }
  ctx.log(`${who}: ran ${tr.actions.length} statements`);
  return rows ? { rowsMoved: rows } : {};
}

const ROLLBACK = Symbol('rollback');

/** Statements that only read (their transaction needs no exactly-once marker). */
const READ_ONLY = /^\s*(SELECT|SHOW|EXPLAIN|VALUES|SET|DESCRIBE)\b/i;

function writes(a: ScriptAction): boolean {
  return a.kind === 'copy' || (a.kind === 'sql' && !READ_ONLY.test(a.sql));
}

async function runAction(ctx: ActivityContext, d: Driver, a: ScriptAction, who: string): Promise<number> {
  switch (a.kind) {
    case 'sql':
      await d.exec(a.sql);
      return 0;
    case 'tx':
      return 0;
    case 'copy': {
      const where = `${who} line ${a.line} COPY`;
      const load = parseLoadOptions(a.options, where);
      for (const i of load.ignored) ctx.translations.push(`${where}: option ${i} ignored locally`);
      const source = await openS3Input(ctx, a.from, load.gzip);
      const off = abortWith(ctx.signal, source);
      try {
        const rows = await atomicLoad({
          driver: d,
          table: a.table,
          mode: 'APPEND',
          columns: a.columns,
          tsv: toEngineTsv(source, load),
          truncateColumns: load.truncateColumns,
          who: where,
          translations: ctx.translations,
          progress: (n, b) => ctx.progress(n, b),
        });
        ctx.log(`${where}: loaded ${rows} rows into ${a.table}`);
        return rows;
      } finally {
        off();
        source.destroy();
      }
    }
    case 'unload': {
      const where = `${who} line ${a.line} UNLOAD`;
      const opts = parseUnloadOptions(a.options, where);
      for (const i of opts.ignored) ctx.translations.push(`${where}: option ${i} ignored locally`);
      const uri = a.to + (opts.parallel ? '0000_part_00' : '000') + (opts.gzip ? '.gz' : '');
      const header = opts.header
        ? (await d.query(`SELECT * FROM (${a.query.replace(/[\s;]+$/, '')}) AS q LIMIT 0`)).fields.map(
            (f) => f.name,
          )
        : undefined;
      const upload = await ctx.s3.write(uri);
      const encoder = unloadEncoder(opts, header);
      const tail = opts.gzip
        ? pipeline(encoder, createGzip(), upload.stream)
        : pipeline(encoder, upload.stream);
      const tsv = new PassThrough();
      const parsed = pipeline(Readable.from(parseTsv(tsv)), encoder);
      try {
        const rows = await d.copyOut(a.query, tsv, { end: true });
        await parsed;
        await tail;
        await upload.commit();
        ctx.log(`${where}: wrote ${rows} rows to ${uri}`);
        return rows;
      } catch (e) {
        parsed.catch(() => {});
        tail.catch(() => {});
        await upload.abort();
        throw e;
      }
    }
  }
}

/** Rows → text in Redshift UNLOAD's delimited format (or CSV). */
function unloadEncoder(o: UnloadOptions, header: string[] | undefined): Transform {
  const specials = new Set(['\\', '\n', '\r', o.delimiter, ...(o.addQuotes ? ['"'] : [])]);
  const field = (v: string | null): string => {
    if (v === null) return o.nullAs;
    let s = v;
    if (o.escape) {
      let e = '';
      for (const ch of s) e += specials.has(ch) ? '\\' + ch : ch;
      s = e;
    }
    return o.addQuotes ? `"${s}"` : s;
  };
  const line = (r: TextRow) => (o.csv ? encodeCsvRow(r, o.delimiter) : r.map(field).join(o.delimiter) + '\n');
  let first = true;
  return new Transform({
    writableObjectMode: true,
    transform(rows: TextRow[], _e: BufferEncoding, cb: TransformCallback) {
      let s = '';
      if (first && header) s += line(header);
      first = false;
      for (const r of rows) s += line(r);
      cb(null, s);
    },
    flush(cb: TransformCallback) {
      cb(null, first && header ? line(header) : '');
    },
  });
}
