/**
 * Shared pieces of the data-moving runners: reading data-node fields, S3 input/output streams,
 * format conversion into the engine TSV dialect, and the table catalog (columns, primary key).
 */
import { PassThrough, Readable, Transform, type TransformCallback, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGunzip } from 'node:zlib';
import { diag, EtlError } from '../../diagnostics.js';
import type { PipelineObject } from '../../definition/model.js';
import { fieldValues, isRef, objectType, refField, stringField } from '../../definition/model.js';
import type { Driver } from '../drivers/types.js';
import { joinS3, type LocalS3 } from '../s3.js';
import {
  encodeCsvRow,
  encodeTsvRow,
  parseDelimited,
  parseTsv,
  type DelimitedOptions,
  type TextRow,
} from '../tsv.js';
import type { ActivityContext } from './types.js';
import type { LoadOptions } from './copy-options.js';
import { isEngineDialect } from './copy-options.js';
import { faultPoint } from '../faults.js';
import { INFORMATIONAL_KEY_COMMENT } from '../redshift-keys.js';

export function fieldError(obj: PipelineObject, message: string, field?: string, hint?: string): EtlError {
  return new EtlError(diag('ETL7200', message, { objectId: obj.id, field, hint }));
}

export function requireString(obj: PipelineObject, key: string): string {
  const v = stringField(obj, key);
  if (v === undefined || v === '')
    throw fieldError(obj, `${objectType(obj) ?? 'object'} '${obj.id}' needs '${key}'`, key);
  return v;
}

export function requireRef(ctx: ActivityContext, obj: PipelineObject, key: string): PipelineObject {
  const id = refField(obj, key);
  if (!id)
    throw fieldError(obj, `${objectType(obj) ?? 'object'} '${obj.id}' needs a reference in '${key}'`, key);
  return ctx.resolve(id);
}

/** All string values of a repeated field (scriptArgument, commandOptions, primaryKeys). */
export function stringValues(obj: PipelineObject, key: string): string[] {
  return fieldValues(obj, key).filter((v): v is string => !isRef(v));
}

// ------------------------------------------------------------------- data nodes

export interface S3NodeInfo {
  uri: string;
  isDirectory: boolean;
  gzip: boolean;
  format: FormatInfo | undefined;
}

export interface FormatInfo {
  type: 'TSV' | 'CSV' | 'Custom';
  delimiter: string;
  /** TSV with the default escape (backslash) — the engine dialect when the separator is TAB. */
  escape: boolean;
}

/** A database whose SQL is Redshift's (translated before it runs locally). */
export function isRedshiftDatabase(db: PipelineObject): boolean {
  if (objectType(db) === 'RedshiftDatabase') return true;
  return /^jdbc:redshift:/i.test(stringField(db, 'connectionString') ?? '');
}

export function isS3Node(o: PipelineObject): boolean {
  return objectType(o) === 'S3DataNode';
}

export function isSqlNode(o: PipelineObject): boolean {
  const t = objectType(o);
  return t === 'SqlDataNode' || t === 'MySqlDataNode' || t === 'RedshiftDataNode';
}

export function dataFormatOf(ctx: ActivityContext, node: PipelineObject): FormatInfo | undefined {
  const id = refField(node, 'dataFormat');
  if (!id) return undefined;
  const f = ctx.resolve(id);
  const type = objectType(f);
  if (type === 'TSV') {
    const sep = stringField(f, 'columnSeparator');
    return { type: 'TSV', delimiter: sep ? unescapeSep(sep) : '\t', escape: true };
  }
  if (type === 'CSV') return { type: 'CSV', delimiter: ',', escape: false };
  if (type === 'Custom') {
    return { type: 'Custom', delimiter: unescapeSep(requireString(f, 'columnSeparator')), escape: false };
  }
  throw fieldError(
    f,
    `data format ${type ?? '(no type)'} '${f.id}' is not supported by the local engine (use TSV, CSV or Custom)`,
    'type',
  );
}

function unescapeSep(s: string): string {
  return s === '\\t' ? '\t' : s === '\\|' ? '|' : s;
}

export function s3NodeInfo(ctx: ActivityContext, node: PipelineObject): S3NodeInfo {
  const file = stringField(node, 'filePath');
  const dir = stringField(node, 'directoryPath');
  if (!file && !dir) throw fieldError(node, `S3DataNode '${node.id}' needs filePath or directoryPath`);
  return {
    uri: (file ?? dir)!,
    isDirectory: !file,
    gzip: (stringField(node, 'compression') ?? 'none').toLowerCase() === 'gzip',
    format: dataFormatOf(ctx, node),
  };
}

/** Parse options that read what an S3 node's data format describes (engine dialect for TSV). */
export function parseOptionsForFormat(format: FormatInfo | undefined): DelimitedOptions {
  if (!format || format.type === 'TSV') return { delimiter: format?.delimiter ?? '\t', escape: true };
  if (format.type === 'CSV') return { csv: true };
  return { delimiter: format.delimiter, escape: false };
}

export interface TableNodeInfo {
  /** Qualified name as written (schema.table), unquoted parts. */
  table: string;
  database: PipelineObject;
}

export function tableNodeInfo(ctx: ActivityContext, node: PipelineObject): TableNodeInfo {
  const type = objectType(node);
  const name = type === 'RedshiftDataNode' ? requireString(node, 'tableName') : requireString(node, 'table');
  const schema = stringField(node, 'schemaName');
  const table = schema && !name.includes('.') ? `${schema}.${name}` : name;
  // The legacy MySqlDataNode form carries its own connectionString/username/*password: the node
  // is its own database object (the connection map matches it by host and database).
  const database =
    !refField(node, 'database') && stringField(node, 'connectionString')
      ? node
      : requireRef(ctx, node, 'database');
  return { table: isRedshiftDatabase(database) ? foldRedshiftName(ctx, table) : table, database };
}

/**
 * Redshift folds unquoted identifiers to lower case (`schemaName.DestTable` is `schemaname.desttable`);
 * the local engine quotes the names it is given, so they are folded first, and the change listed.
 */
function foldRedshiftName(ctx: ActivityContext, table: string): string {
  const folded = table
    .split('.')
    .map((p) => (p.startsWith('"') ? p : p.toLowerCase()))
    .join('.');
  if (folded !== table) {
    const note = `${table} → ${folded} (Redshift folds unquoted identifiers to lower case)`;
    if (!ctx.translations.includes(note)) ctx.translations.push(note);
  }
  return folded;
}

// ------------------------------------------------------------------- S3 streams

/**
 * One byte stream over every part under an S3 node (or the one file), gunzipping parts that are
 * gzip, and making sure each part ends with a record separator.
 */
export async function openS3Input(ctx: ActivityContext, uri: string, gzip: boolean): Promise<Readable> {
  // An upstream step still writing this object hands its bytes over as it writes them.
  const fed = ctx.handoff?.sourceFor(uri, gzip);
  if (fed) return fed;
  const parts = await ctx.s3.list(uri);
  if (parts.length === 0) throw noS3Objects(ctx.s3, uri);
  const s3 = ctx.s3;
  async function* all(): AsyncGenerator<Buffer> {
    for (const part of parts) yield* partChunks(await s3.read(part), gzip || part.endsWith('.gz'));
  }
  return Readable.from(all(), { objectMode: false, highWaterMark: 256 * 1024 });
}

export function noS3Objects(s3: LocalS3, uri: string): EtlError {
  return new EtlError(
    diag('ETL7011', `no S3 objects at ${uri} (looked in ${s3.description})`, {
      hint: 'check the path, or that the step producing it has run',
    }),
  );
}

/** The bytes of one part, gunzipped when asked, always ending with a record separator. */
export async function* partChunks(src: Readable, gunzip: boolean): AsyncGenerator<Buffer> {
  const bytes = gunzip ? src.pipe(createGunzip()) : src;
  if (gunzip) src.once('error', (e) => bytes.destroy(e));
  let last = -1;
  for await (const chunk of bytes) {
    const b = chunk as Buffer;
    if (b.length) last = b[b.length - 1];
    yield b;
  }
  if (last !== -1 && last !== 0x0a) yield Buffer.from('\n');
}

/** A Transform from rows to bytes; object-mode writable side. */
function rowsToText(encode: (r: TextRow) => string): Transform {
  return new Transform({
    writableObjectMode: true,
    transform(rows: TextRow[], _e: BufferEncoding, cb: TransformCallback) {
      let s = '';
      for (const r of rows) s += encode(r);
      cb(null, s);
    },
  });
}

/**
 * Re-encodes `source` (described by `opts`) as engine TSV. When the options already describe the
 * dialect the bytes pass through untouched.
 */
export function toEngineTsv(
  source: Readable,
  load: Pick<LoadOptions, 'parse' | 'fillRecord' | 'trimBlanks' | 'acceptInvChars'> & Partial<LoadOptions>,
  columnCount?: number,
): Readable {
  if (isEngineDialect({ gzip: false, maxError: 0, truncateColumns: false, ignored: [], ...load }))
    return source;
  const fix = (r: TextRow): TextRow => {
    let row = r;
    if (load.trimBlanks) row = row.map((v) => (v === null ? v : v.replace(/ +$/, '')));
    if (load.acceptInvChars !== undefined) {
      const rep = load.acceptInvChars;
      row = row.map((v) => (v === null ? v : v.replace(/\uFFFD/g, rep)));
    }
    if (load.fillRecord && columnCount !== undefined && row.length < columnCount) {
      row = [...row, ...new Array<null>(columnCount - row.length).fill(null)];
    }
    return row;
  };
  const out = rowsToText((r) => encodeTsvRow(fix(r)));
  // pipeline destroys `out` with the error (bad quoting…), which fails the consumer's copy.
  pipeline(Readable.from(parseDelimited(source, load.parse)), out).catch(() => {});
  return out;
}

/** Engine TSV → another format (CSV, or TSV with another separator) for an S3 output. */
export function fromEngineTsv(format: FormatInfo | undefined): { input: Writable; output: Readable } {
  if (!format || (format.type === 'TSV' && format.delimiter === '\t')) {
    const p = new PassThrough();
    return { input: p, output: p };
  }
  const input = new PassThrough();
  const encode =
    format.type === 'CSV'
      ? (r: TextRow) => encodeCsvRow(r)
      : (r: TextRow) =>
          r
            .map((v) => (v === null ? '' : v.split(format.delimiter).join('\\' + format.delimiter)))
            .join(format.delimiter) + '\n';
  const output = rowsToText(encode);
  pipeline(Readable.from(parseTsv(input)), output).catch(() => {});
  return { input, output };
}

/**
 * Writes an S3 node's data: a directory gets one part file (older parts are removed after the
 * new one is complete), a file is replaced. `produce` writes engine TSV and resolves with a row
 * count; conversion and gzip happen here.
 */
export async function writeS3Output(
  ctx: ActivityContext,
  node: S3NodeInfo,
  produce: (w: Writable) => Promise<number>,
): Promise<number> {
  const { createGzip } = await import('node:zlib');
  const target = node.isDirectory ? joinS3(node.uri, node.gzip ? 'part-00000.gz' : 'part-00000') : node.uri;
  // Parts a previous run left directly in the directory (not in subdirectories: other nodes').
  const dirPrefix = node.uri.replace(/\/+$/, '') + '/';
  const before = node.isDirectory
    ? (await ctx.s3.list(node.uri)).filter(
        (u) => u.startsWith(dirPrefix) && !u.slice(dirPrefix.length).includes('/'),
      )
    : [];
  const upload = await ctx.s3.write(target);
  const conv = fromEngineTsv(node.format);
  // A downstream step reading this node as it is written gets the exact bytes the object holds.
  const tee = ctx.handoff?.sinkFor(node.uri, target);
  const stages: NodeJS.ReadWriteStream[] = [];
  if (node.gzip) stages.push(createGzip());
  if (tee) stages.push(tee);
  const tail: Promise<void> = pipeline([conv.output, ...stages, upload.stream]);
  let rows: number;
  try {
    rows = await produce(conv.input);
    conv.input.end();
    await tail;
    await upload.commit();
    faultPoint('after-s3-commit', ctx.object.id);
  } catch (e) {
    conv.input.destroy();
    tail.catch(() => {});
    await upload.abort();
    throw e;
  }
  for (const old of before) if (old !== target) await ctx.s3.remove(old);
  return rows;
}

/**
 * Destroys `stream` when the activity is cancelled, so the copy fails and rolls back. The error
 * reaches whoever reads or writes the stream; one not yet piped anywhere must not crash the run.
 */
export function abortWith(signal: AbortSignal, stream: Readable | Writable): () => void {
  const onAbort = () => {
    stream.on('error', () => undefined);
    stream.destroy(new Error('the activity was cancelled'));
  };
  if (signal.aborted) onAbort();
  signal.addEventListener('abort', onAbort, { once: true });
  return () => signal.removeEventListener('abort', onAbort);
}

/** Counts records (unescaped LFs) passing through engine TSV, reporting progress now and then. */
export function progressCounter(
  report: (rows: number, bytes: number) => void,
): Transform & { readonly rows: number; readonly bytes: number } {
  let rows = 0;
  let bytes = 0;
  let lastReport = 0;
  let prevBackslashes = 0;
  const t = new Transform({
    transform(chunk: Buffer, _e, cb) {
      bytes += chunk.length;
      for (let i = chunk.indexOf(0x0a); i >= 0; i = chunk.indexOf(0x0a, i + 1)) {
        let k = i - 1;
        let bs = 0;
        while (k >= 0 && chunk[k] === 0x5c) {
          bs++;
          k--;
        }
        if (k < 0) bs += prevBackslashes;
        if (bs % 2 === 0) rows++;
      }
      let t = chunk.length - 1;
      let trailing = 0;
      while (t >= 0 && chunk[t] === 0x5c) {
        trailing++;
        t--;
      }
      prevBackslashes = t < 0 ? prevBackslashes + trailing : trailing;
      if (rows - lastReport >= 50_000) {
        lastReport = rows;
        report(rows, bytes);
      }
      cb(null, chunk);
    },
  });
  Object.defineProperty(t, 'bytes', { get: () => bytes });
  return Object.defineProperty(t, 'rows', { get: () => rows }) as Transform & {
    readonly rows: number;
    readonly bytes: number;
  };
}

// ------------------------------------------------------------------- catalog

export interface ColumnInfo {
  name: string;
  /** Declared type as the catalog prints it: `character varying(10)`, `varchar(10)`. */
  type: string;
  generated: boolean;
}

export interface TableInfo {
  exists: boolean;
  columns: ColumnInfo[];
  primaryKey: string[];
  /**
   * The primary key is a declared Redshift key kept as a commented index (../redshift-keys.ts),
   * not a constraint: rows with the same key may exist, as on Redshift.
   */
  informationalKey?: boolean;
}

export function splitQualified(name: string): { schema?: string; table: string } {
  const parts = name.split('.').map((p) => p.replace(/^["`]|["`]$/g, ''));
  return parts.length > 1
    ? { schema: parts.slice(0, -1).join('.'), table: parts[parts.length - 1] }
    : { table: parts[0] };
}

export async function tableInfo(driver: Driver, table: string): Promise<TableInfo> {
  if (driver.kind === 'mysql') {
    const { schema, table: t } = splitQualified(table);
    const cols = await driver.query(
      `SELECT COLUMN_NAME AS name, COLUMN_TYPE AS type, EXTRA AS extra FROM information_schema.COLUMNS
       WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`,
      [schema ?? null, t],
    );
    const pk = await driver.query(
      `SELECT COLUMN_NAME AS name FROM information_schema.KEY_COLUMN_USAGE
       WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ? AND CONSTRAINT_NAME = 'PRIMARY'
       ORDER BY ORDINAL_POSITION`,
      [schema ?? null, t],
    );
    return {
      exists: cols.rows.length > 0,
      columns: cols.rows.map((r) => ({
        name: String(r.name),
        type: String(r.type),
        generated: /GENERATED/i.test(String(r.extra ?? '')),
      })),
      primaryKey: pk.rows.map((r) => String(r.name)),
    };
  }
  const reg = await driver.query('SELECT to_regclass($1)::oid AS oid', [driver.quoteQualified(table)]);
  const oid = reg.rows[0]?.oid;
  if (oid === null || oid === undefined) return { exists: false, columns: [], primaryKey: [] };
  const cols = await driver.query(
    `SELECT a.attname AS name, format_type(a.atttypid, a.atttypmod) AS type, a.attgenerated <> '' AS generated
     FROM pg_attribute a WHERE a.attrelid = $1 AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
    [oid],
  );
  // The primary key constraint, else a Redshift key kept as an index with etlctl's comment.
  const pk = await driver.query(
    `WITH k AS (
       SELECT i.indkey, i.indisprimary FROM pg_index i
       WHERE i.indrelid = $1 AND (i.indisprimary OR obj_description(i.indexrelid, 'pg_class') = $2)
       ORDER BY i.indisprimary DESC LIMIT 1)
     SELECT a.attname AS name, k.indisprimary AS enforced FROM k
     JOIN pg_attribute a ON a.attrelid = $1 AND a.attnum = ANY(k.indkey)
     ORDER BY array_position(k.indkey::int2[], a.attnum)`,
    [oid, INFORMATIONAL_KEY_COMMENT],
  );
  return {
    exists: true,
    columns: cols.rows.map((r) => ({
      name: String(r.name),
      type: String(r.type),
      generated: r.generated === true,
    })),
    primaryKey: pk.rows.map((r) => String(r.name)),
    ...(pk.rows.length && pk.rows[0].enforced !== true ? { informationalKey: true } : {}),
  };
}
