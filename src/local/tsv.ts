/**
 * The engine's TSV dialect: the wire format between extract and load, on local S3 and in every
 * Driver.copyIn / copyOut. It is what Redshift reads with
 *
 *     COPY t FROM 's3://…' DELIMITER '\t' ESCAPE NULL AS '\N'
 *
 * (that is the exact commandOptions text, one backslash each; `\N` is also Redshift's default
 * null string), and what PostgreSQL `COPY … FROM STDIN` (text format) and MySQL/MariaDB
 * `LOAD DATA … FIELDS TERMINATED BY '\t' ESCAPED BY '\\'` read unchanged, so loads need no
 * re-encoding.
 *
 * - A record ends with LF (0x0A). Fields are separated by TAB (0x09). UTF-8 throughout.
 * - NULL is a field that is exactly the two characters `\N`.
 * - Inside a value, a backslash is written before each backslash, TAB, LF and CR:
 *   `\\`, `\<TAB>`, `\<LF>`, `\<CR>`. Nothing else is escaped (no `\t`/`\n` letter escapes:
 *   Redshift ESCAPE would read `\t` as the letter t).
 * - So the empty string is an empty field, the string `NULL` is `NULL`, and the string `\N` is
 *   `\\N`: every value round-trips, including NULL vs '' vs 'NULL' vs '\N'.
 *
 * CSV (CopyActivity with a CSV dataFormat, or RedshiftCopyActivity with the CSV option) is
 * RFC 4180: comma, fields quoted with `"` when they hold a comma, quote, CR or LF (quotes
 * doubled); NULL is an empty unquoted field and the empty string is `""`.
 *
 * Parsing other spellings (other delimiters, NULL AS strings, no ESCAPE, headers) is done by
 * `DelimitedParser`, used when a load's commandOptions differ from the dialect above.
 */
import { StringDecoder } from 'node:string_decoder';
import { Transform, type TransformCallback } from 'node:stream';

export const TSV_NULL = '\\N';
/** The Redshift COPY options that read this dialect (give these to RedshiftCopyActivity). */
export const REDSHIFT_TSV_COPY_OPTIONS = "DELIMITER '\\t' ESCAPE NULL AS '\\N'";

const NEEDS_ESCAPE = /[\\\t\n\r]/;
const ESCAPE_ALL = /[\\\t\n\r]/g;

/** One value (already text, or null) as a TSV field. */
export function encodeTsvField(v: string | null): string {
  if (v === null) return TSV_NULL;
  return NEEDS_ESCAPE.test(v) ? v.replace(ESCAPE_ALL, '\\$&') : v;
}

/** One record, with its LF. */
export function encodeTsvRow(values: readonly (string | null)[]): string {
  let s = '';
  for (let i = 0; i < values.length; i++) {
    if (i > 0) s += '\t';
    s += encodeTsvField(values[i]);
  }
  return s + '\n';
}

const CSV_NEEDS_QUOTE = /[",\r\n]/;

export function encodeCsvField(v: string | null, delimiter = ','): string {
  if (v === null) return '';
  if (v === '') return '""';
  if (CSV_NEEDS_QUOTE.test(v) || (delimiter !== ',' && v.includes(delimiter))) {
    return '"' + v.replace(/"/g, '""') + '"';
  }
  return v;
}

export function encodeCsvRow(values: readonly (string | null)[], delimiter = ','): string {
  return values.map((v) => encodeCsvField(v, delimiter)).join(delimiter) + '\n';
}

function pad(n: number, w = 2): string {
  return String(n).padStart(w, '0');
}

/**
 * A JS value from a driver as the text a database would print, or null. Dates print in UTC
 * (drivers here return timestamps as strings; this is only a fallback).
 */
export function valueToText(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'bigint') return String(v);
  if (typeof v === 'boolean') return v ? 't' : 'f';
  if (v instanceof Date) {
    const ms = v.getUTCMilliseconds();
    return (
      `${pad(v.getUTCFullYear(), 4)}-${pad(v.getUTCMonth() + 1)}-${pad(v.getUTCDate())} ` +
      `${pad(v.getUTCHours())}:${pad(v.getUTCMinutes())}:${pad(v.getUTCSeconds())}` +
      (ms ? `.${pad(ms, 3)}` : '')
    );
  }
  if (Buffer.isBuffer(v) || v instanceof Uint8Array) {
    // PostgreSQL bytea input syntax; MySQL targets get the same text.
    return '\\x' + Buffer.from(v).toString('hex');
  }
  return JSON.stringify(v);
}

/**
 * Rows (arrays of driver values) in, TSV or CSV bytes out; batches small writes into ~64 KiB
 * chunks so a pipe is not flooded with tiny buffers. Object-mode writable side keeps backpressure.
 */
export class RowEncoder extends Transform {
  private buf = '';
  rows = 0;
  constructor(private readonly format: 'tsv' | 'csv' = 'tsv') {
    super({ writableObjectMode: true, readableHighWaterMark: 256 * 1024, writableHighWaterMark: 512 });
  }
  override _transform(row: readonly unknown[], _enc: BufferEncoding, cb: TransformCallback): void {
    const texts = row.map(valueToText);
    this.buf += this.format === 'tsv' ? encodeTsvRow(texts) : encodeCsvRow(texts);
    this.rows++;
    if (this.buf.length >= 65536) {
      this.push(this.buf);
      this.buf = '';
    }
    cb();
  }
  override _flush(cb: TransformCallback): void {
    if (this.buf) this.push(this.buf);
    this.buf = '';
    cb();
  }
}

const BS = 0x5c;
const LF = 0x0a;

/**
 * PostgreSQL `COPY … TO STDOUT` text output → engine dialect. PostgreSQL writes control
 * characters as letter escapes (`\n`, `\t`, `\r`, `\b`, `\f`, `\v`); the dialect writes a
 * backslash before a raw TAB/LF/CR and nothing before other control characters.
 */
export class PgTextToTsv extends Transform {
  private carry: Buffer | null = null;
  constructor() {
    super({ highWaterMark: 256 * 1024 });
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    let data = chunk;
    if (this.carry) {
      data = Buffer.concat([this.carry, chunk]);
      this.carry = null;
    }
    let i = data.indexOf(BS);
    if (i < 0) {
      this.push(data);
      return cb();
    }
    const out = Buffer.allocUnsafe(data.length);
    let o = 0;
    let start = 0;
    while (i >= 0) {
      if (i === data.length - 1) {
        // A lone trailing backslash: wait for its partner in the next chunk.
        o += data.copy(out, o, start, i);
        this.carry = data.subarray(i);
        start = data.length;
        break;
      }
      o += data.copy(out, o, start, i);
      const c = data[i + 1];
      switch (c) {
        case 0x6e: // n
          out[o++] = BS;
          out[o++] = LF;
          break;
        case 0x74: // t
          out[o++] = BS;
          out[o++] = 0x09;
          break;
        case 0x72: // r
          out[o++] = BS;
          out[o++] = 0x0d;
          break;
        case 0x62: // b
          out[o++] = 0x08;
          break;
        case 0x66: // f
          out[o++] = 0x0c;
          break;
        case 0x76: // v
          out[o++] = 0x0b;
          break;
        default: // \\ and \N stay; PostgreSQL escapes nothing else in text output
          out[o++] = BS;
          out[o++] = c;
      }
      start = i + 2;
      i = data.indexOf(BS, start);
    }
    if (start < data.length) o += data.copy(out, o, start);
    this.push(out.subarray(0, o));
    cb();
  }
  override _flush(cb: TransformCallback): void {
    if (this.carry) this.push(this.carry);
    cb();
  }
}

/**
 * Index just past the last complete record in `buf` (the last LF not escaped by a backslash),
 * or 0 when there is none. Works on the engine dialect, where LF inside a value is `\<LF>`.
 */
export function lastRecordEnd(buf: Uint8Array): number {
  let i = buf.lastIndexOf(LF);
  while (i >= 0) {
    let k = i - 1;
    let backslashes = 0;
    while (k >= 0 && buf[k] === BS) {
      backslashes++;
      k--;
    }
    if (backslashes % 2 === 0) return i + 1;
    i = i === 0 ? -1 : buf.lastIndexOf(LF, i - 1);
  }
  return 0;
}

/**
 * Re-chunks a TSV byte stream into blocks of whole records of at least `minBytes` (except the
 * last), for engines that take a batch at a time (PGlite COPY FROM a blob).
 */
export async function* recordBatches(
  source: AsyncIterable<Buffer | string>,
  minBytes: number,
): AsyncGenerator<Buffer> {
  let pending: Buffer[] = [];
  let size = 0;
  for await (const c of source) {
    const b = typeof c === 'string' ? Buffer.from(c) : c;
    pending.push(b);
    size += b.length;
    if (size >= minBytes) {
      const all = Buffer.concat(pending, size);
      const end = lastRecordEnd(all);
      if (end > 0) {
        yield all.subarray(0, end);
        const rest = all.subarray(end);
        pending = rest.length ? [Buffer.from(rest)] : [];
        size = rest.length;
      } else {
        pending = [all];
      }
    }
  }
  if (size > 0) {
    const all = Buffer.concat(pending, size);
    // A final record without its LF still counts as a record.
    yield all[all.length - 1] === LF && lastRecordEnd(all) === all.length
      ? all
      : Buffer.concat([all, Buffer.from('\n')]);
  }
}

export interface DelimitedOptions {
  /** Field separator (one character). Default TAB, or ',' with csv. */
  delimiter?: string;
  /** Backslash escapes the next character (Redshift ESCAPE). Ignored with csv. */
  escape?: boolean;
  /** RFC 4180 quoting. */
  csv?: boolean;
  /** Quote character for csv (default '"'). */
  quote?: string;
  /** A raw (unescaped, unquoted) field equal to this is NULL. Default `\N`, or '' with csv. */
  nullAs?: string;
  /** Records to skip at the start (IGNOREHEADER). */
  ignoreHeader?: number;
  /** Skip empty lines (IGNOREBLANKLINES). */
  ignoreBlankLines?: boolean;
  emptyAsNull?: boolean;
  blanksAsNull?: boolean;
}

export type TextRow = (string | null)[];

/**
 * Incremental parser for delimited text in the dialects RedshiftCopyActivity options describe.
 * Feed text with `push`, collect rows; call `end` at the end of input.
 */
export class DelimitedParser {
  private readonly delim: string;
  private readonly quote: string;
  private readonly escape: boolean;
  private readonly csv: boolean;
  private readonly nullAs: string;
  private skip: number;
  private readonly ignoreBlank: boolean;
  private readonly emptyAsNull: boolean;
  private readonly blanksAsNull: boolean;
  /** Current field (decoded) and its raw text (for the NULL check). */
  private field = '';
  private raw = '';
  private quotedField = false;
  private inQuotes = false;
  /** After a quote inside a quoted csv field: either an escaped quote or the closing one. */
  private quotePending = false;
  private pendingEscape = false;
  /** The last character added came from an escape or quotes (so a CR there is data). */
  private lastEscaped = false;
  private row: TextRow = [];
  private rowHasContent = false;
  /** 1-based line of the record being parsed, for error messages. */
  line = 1;

  constructor(opts: DelimitedOptions = {}) {
    this.csv = !!opts.csv;
    this.delim = opts.delimiter ?? (this.csv ? ',' : '\t');
    this.quote = opts.quote ?? '"';
    this.escape = !this.csv && !!opts.escape;
    this.nullAs = opts.nullAs ?? (this.csv ? '' : TSV_NULL);
    this.skip = opts.ignoreHeader ?? 0;
    this.ignoreBlank = !!opts.ignoreBlankLines;
    this.emptyAsNull = !!opts.emptyAsNull;
    this.blanksAsNull = !!opts.blanksAsNull;
  }

  private endField(): void {
    let v: string | null;
    if (!this.quotedField && this.raw === this.nullAs) v = null;
    else v = this.field;
    if (v !== null && !this.quotedField) {
      if (this.emptyAsNull && v === '') v = null;
      else if (this.blanksAsNull && v !== '' && v.trim() === '') v = null;
    }
    this.row.push(v);
    this.field = '';
    this.raw = '';
    this.quotedField = false;
  }

  private endRecord(out: TextRow[]): void {
    const blank = this.row.length === 0 && !this.rowHasContent && this.raw === '' && !this.quotedField;
    this.endField();
    const row = this.row;
    this.row = [];
    this.rowHasContent = false;
    this.line++;
    if (blank && this.ignoreBlank) return;
    if (this.skip > 0) {
      this.skip--;
      return;
    }
    out.push(row);
  }

  push(text: string, out: TextRow[] = []): TextRow[] {
    const n = text.length;
    for (let i = 0; i < n; i++) {
      const ch = text[i];
      if (this.pendingEscape) {
        this.pendingEscape = false;
        this.lastEscaped = true;
        this.field += ch;
        this.raw += ch;
        if (ch === '\n') this.line++;
        continue;
      }
      if (this.csv) {
        if (this.quotePending) {
          this.quotePending = false;
          if (ch === this.quote) {
            this.field += ch;
            this.raw += ch;
            continue;
          }
          this.inQuotes = false;
        }
        if (this.inQuotes) {
          if (ch === this.quote) this.quotePending = true;
          else {
            this.lastEscaped = true;
            this.field += ch;
            this.raw += ch;
            if (ch === '\n') this.line++;
          }
          continue;
        }
        if (ch === this.quote && this.raw === '' && !this.quotedField) {
          this.inQuotes = true;
          this.quotedField = true;
          this.rowHasContent = true;
          continue;
        }
      } else if (this.escape && ch === '\\') {
        this.pendingEscape = true;
        this.raw += ch;
        this.rowHasContent = true;
        continue;
      }
      const escapedBefore = this.lastEscaped;
      this.lastEscaped = false;
      if (ch === this.delim) {
        this.endField();
        this.rowHasContent = true;
      } else if (ch === '\n') {
        if (this.field.endsWith('\r') && !escapedBefore) {
          // CRLF line ends.
          this.field = this.field.slice(0, -1);
          this.raw = this.raw.slice(0, -1);
        }
        this.endRecord(out);
      } else {
        this.field += ch;
        this.raw += ch;
      }
    }
    return out;
  }

  end(out: TextRow[] = []): TextRow[] {
    if (this.quotePending) {
      this.quotePending = false;
      this.inQuotes = false;
    }
    if (this.inQuotes) {
      throw new Error(`unterminated quoted field starting before line ${this.line}`);
    }
    if (this.row.length > 0 || this.raw !== '' || this.quotedField || this.rowHasContent) {
      this.endRecord(out);
    }
    return out;
  }
}

/** Parses a byte stream into rows, in batches, with the options of a load. */
export async function* parseDelimited(
  source: AsyncIterable<Buffer | string>,
  opts: DelimitedOptions,
): AsyncGenerator<TextRow[]> {
  const parser = new DelimitedParser(opts);
  const decoder = new StringDecoder('utf8');
  for await (const c of source) {
    const rows = parser.push(typeof c === 'string' ? c : decoder.write(c));
    if (rows.length) yield rows;
  }
  const rows = parser.push(decoder.end());
  parser.end(rows);
  if (rows.length) yield rows;
}

/** Parses the engine TSV dialect (as written by the drivers). */
export function parseTsv(source: AsyncIterable<Buffer | string>): AsyncGenerator<TextRow[]> {
  return parseDelimited(source, { escape: true });
}
