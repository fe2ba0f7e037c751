/**
 * Redshift COPY / UNLOAD option text (RedshiftCopyActivity commandOptions, COPY and UNLOAD
 * statements in scripts) → what the local engine does with it. Options with a local meaning are
 * honoured; ones without (credentials, COMPUPDATE…) are listed as ignored; ones whose data
 * meaning the engine cannot reproduce (JSON/PARQUET formats, BZIP2…) are errors.
 */
import { diag, EtlError } from '../../diagnostics.js';
import { tokenize } from '../translate.js';
import type { DelimitedOptions } from '../tsv.js';
import { TSV_NULL } from '../tsv.js';

export interface LoadOptions {
  parse: DelimitedOptions;
  gzip: boolean;
  maxError: number;
  truncateColumns: boolean;
  /** Replacement for invalid UTF-8, when ACCEPTINVCHARS was given. */
  acceptInvChars?: string;
  fillRecord: boolean;
  trimBlanks: boolean;
  /** Options accepted without local effect, for the run report. */
  ignored: string[];
}

export interface UnloadOptions {
  delimiter: string;
  escape: boolean;
  addQuotes: boolean;
  csv: boolean;
  nullAs: string;
  header: boolean;
  gzip: boolean;
  parallel: boolean;
  ignored: string[];
}

/** Redshift string literal in an option: '' doubles a quote; \t \n \r \\ \0 are escapes; \N stays. */
export function optionString(raw: string): string {
  const body = raw.slice(1, -1).replace(/''/g, "'");
  return body.replace(/\\(\\|t|n|r|0{1,3}|'|.)/g, (m, c: string) => {
    switch (c) {
      case '\\':
        return '\\';
      case 't':
        return '\t';
      case 'n':
        return '\n';
      case 'r':
        return '\r';
      case "'":
        return "'";
      default:
        if (/^0+$/.test(c)) return '\0';
        return m; // unknown escapes (\N, \|) keep their backslash
    }
  });
}

interface Tok {
  word?: string;
  str?: string;
  num?: string;
  text: string;
}

function optionTokens(text: string): Tok[] {
  return tokenize(text)
    .filter((t) => t.type !== 'ws' && t.type !== 'comment')
    .map((t) =>
      t.type === 'word'
        ? { word: t.text.toUpperCase(), text: t.text }
        : t.type === 'string'
          ? { str: optionString(t.text), text: t.text }
          : t.type === 'number'
            ? { num: t.text, text: t.text }
            : { text: t.text },
    );
}

function optError(what: string, where: string): EtlError {
  return new EtlError(
    diag('ETL7205', `${where}: ${what}`, {
      hint: 'the local engine reads delimited text (TSV/CSV), optionally gzip-compressed',
    }),
  );
}

/** Walks option tokens: `take()` the next, `optAs()` skips an optional AS. */
class Cursor {
  i = 0;
  constructor(
    readonly toks: Tok[],
    readonly where: string,
  ) {}
  get done(): boolean {
    return this.i >= this.toks.length;
  }
  peek(): Tok | undefined {
    return this.toks[this.i];
  }
  take(): Tok {
    return this.toks[this.i++];
  }
  optAs(): void {
    if (this.peek()?.word === 'AS') this.i++;
  }
  str(opt: string): string {
    this.optAs();
    const t = this.take();
    if (t?.str === undefined) throw optError(`${opt} needs a quoted value`, this.where);
    return t.str;
  }
  num(opt: string): number {
    this.optAs();
    const t = this.take();
    if (t?.num === undefined) throw optError(`${opt} needs a number`, this.where);
    return Number(t.num);
  }
  /** Skips a value that may be a string, number or word (credentials etc.). */
  skipValue(): string {
    this.optAs();
    const t = this.peek();
    if (t && (t.str !== undefined || t.num !== undefined || (t.word && !KNOWN.has(t.word)))) {
      this.i++;
      return t.text;
    }
    return '';
  }
}

const KNOWN = new Set([
  'DELIMITER',
  'NULL',
  'ESCAPE',
  'GZIP',
  'BZIP2',
  'LZOP',
  'ZSTD',
  'IGNOREHEADER',
  'MAXERROR',
  'TRUNCATECOLUMNS',
  'ACCEPTINVCHARS',
  'CSV',
  'QUOTE',
  'FORMAT',
  'EMPTYASNULL',
  'BLANKSASNULL',
  'IGNOREBLANKLINES',
  'FILLRECORD',
  'TRIMBLANKS',
  'REMOVEQUOTES',
  'DATEFORMAT',
  'TIMEFORMAT',
  'ACCEPTANYDATE',
  'COMPUPDATE',
  'STATUPDATE',
  'CREDENTIALS',
  'IAM_ROLE',
  'REGION',
  'MANIFEST',
  'ENCODING',
  'ROUNDEC',
  'EXPLICIT_IDS',
  'ACCESS_KEY_ID',
  'SECRET_ACCESS_KEY',
  'SESSION_TOKEN',
  'WITH',
  'JSON',
  'AVRO',
  'PARQUET',
  'ORC',
  'FIXEDWIDTH',
  'SHAPEFILE',
  'NOLOAD',
  'COMPROWS',
  'ADDQUOTES',
  'HEADER',
  'PARALLEL',
  'ALLOWOVERWRITE',
  'CLEANPATH',
  'MAXFILESIZE',
  'EXTENSION',
  'ENCRYPTED',
  'KMS_KEY_ID',
  'PARTITION',
  'ROWGROUPSIZE',
  'READRATIO',
  'SSH',
]);

const SECRET_OPTIONS = new Set([
  'CREDENTIALS',
  'IAM_ROLE',
  'ACCESS_KEY_ID',
  'SECRET_ACCESS_KEY',
  'SESSION_TOKEN',
]);

/** Parses COPY options (as a list of commandOptions strings or one text). */
export function parseLoadOptions(options: string | readonly string[], where: string): LoadOptions {
  const text = typeof options === 'string' ? options : options.join(' ');
  const c = new Cursor(optionTokens(text), where);
  const parse: DelimitedOptions = {};
  const out: LoadOptions = {
    parse,
    gzip: false,
    maxError: 0,
    truncateColumns: false,
    fillRecord: false,
    trimBlanks: false,
    ignored: [],
  };
  let nullSet = false;
  while (!c.done) {
    const t = c.take();
    const w = t.word;
    if (!w) {
      if (t.text === ',') continue;
      throw optError(`unexpected '${t.text}' in COPY options`, where);
    }
    switch (w) {
      case 'WITH':
        break;
      case 'DELIMITER':
        parse.delimiter = c.str('DELIMITER');
        if (parse.delimiter.length !== 1) throw optError(`DELIMITER must be one character`, where);
        break;
      case 'NULL':
        parse.nullAs = c.str('NULL AS');
        nullSet = true;
        break;
      case 'ESCAPE':
        parse.escape = true;
        break;
      case 'CSV':
        parse.csv = true;
        if (c.peek()?.word === 'QUOTE') {
          c.take();
          parse.quote = c.str('QUOTE');
        }
        break;
      case 'QUOTE':
        parse.quote = c.str('QUOTE');
        break;
      case 'FORMAT': {
        c.optAs();
        const f = c.take();
        if (f?.word === 'CSV') {
          parse.csv = true;
          if (c.peek()?.word === 'QUOTE') {
            c.take();
            parse.quote = c.str('QUOTE');
          }
        } else throw optError(`FORMAT ${f?.text ?? ''} is not supported locally`, where);
        break;
      }
      case 'JSON':
      case 'AVRO':
      case 'PARQUET':
      case 'ORC':
      case 'FIXEDWIDTH':
      case 'SHAPEFILE':
        throw optError(`${w} input is not supported locally`, where);
      case 'GZIP':
        out.gzip = true;
        break;
      case 'BZIP2':
      case 'LZOP':
      case 'ZSTD':
        throw optError(`${w} compression is not supported locally (use GZIP)`, where);
      case 'IGNOREHEADER':
        parse.ignoreHeader = c.num('IGNOREHEADER');
        break;
      case 'MAXERROR':
        out.maxError = c.num('MAXERROR');
        if (out.maxError > 0) out.ignored.push(`MAXERROR ${out.maxError} (any bad row fails the local load)`);
        break;
      case 'TRUNCATECOLUMNS':
        out.truncateColumns = true;
        break;
      case 'ACCEPTINVCHARS': {
        c.optAs();
        const v = c.peek()?.str;
        if (v !== undefined) c.take();
        out.acceptInvChars = v ?? '?';
        break;
      }
      case 'EMPTYASNULL':
        parse.emptyAsNull = true;
        break;
      case 'BLANKSASNULL':
        parse.blanksAsNull = true;
        break;
      case 'IGNOREBLANKLINES':
        parse.ignoreBlankLines = true;
        break;
      case 'FILLRECORD':
        out.fillRecord = true;
        break;
      case 'TRIMBLANKS':
        out.trimBlanks = true;
        break;
      case 'REMOVEQUOTES':
        throw optError('REMOVEQUOTES is not supported locally (use CSV)', where);
      case 'NOLOAD':
        throw optError('NOLOAD is not supported locally', where);
      case 'DATEFORMAT':
      case 'TIMEFORMAT': {
        const v = c.skipValue();
        if (!/^'auto'$/i.test(v) && v !== '')
          out.ignored.push(`${w} ${v} (values must be in a format the database reads)`);
        break;
      }
      case 'COMPUPDATE':
      case 'STATUPDATE':
      case 'COMPROWS':
      case 'REGION':
      case 'ENCODING':
      case 'READRATIO':
      case 'SSH':
      case 'ROUNDEC':
      case 'EXPLICIT_IDS':
      case 'ACCEPTANYDATE':
      case 'MANIFEST': {
        const v = c.skipValue();
        out.ignored.push(`${w}${v ? ' ' + v : ''}`);
        break;
      }
      default:
        if (SECRET_OPTIONS.has(w)) {
          c.skipValue();
          out.ignored.push(`${w} (credentials are not needed locally)`);
          break;
        }
        out.ignored.push(`${t.text}${c.skipValue() ? ' …' : ''} (unknown option)`);
    }
  }
  if (!nullSet && !parse.csv) parse.nullAs = TSV_NULL;
  return out;
}

export function parseUnloadOptions(text: string, where: string): UnloadOptions {
  const c = new Cursor(optionTokens(text), where);
  const out: UnloadOptions = {
    delimiter: '|',
    escape: false,
    addQuotes: false,
    csv: false,
    nullAs: '',
    header: false,
    gzip: false,
    parallel: true,
    ignored: [],
  };
  let delimiterSet = false;
  while (!c.done) {
    const t = c.take();
    const w = t.word;
    if (!w) {
      if (t.text === ',') continue;
      throw optError(`unexpected '${t.text}' in UNLOAD options`, where);
    }
    switch (w) {
      case 'WITH':
        break;
      case 'DELIMITER':
        out.delimiter = c.str('DELIMITER');
        delimiterSet = true;
        break;
      case 'NULL':
        out.nullAs = c.str('NULL AS');
        break;
      case 'ESCAPE':
        out.escape = true;
        break;
      case 'ADDQUOTES':
        out.addQuotes = true;
        break;
      case 'CSV':
        out.csv = true;
        break;
      case 'FORMAT': {
        c.optAs();
        const f = c.take();
        if (f?.word === 'CSV') out.csv = true;
        else throw optError(`UNLOAD FORMAT ${f?.text ?? ''} is not supported locally`, where);
        break;
      }
      case 'HEADER':
        out.header = true;
        break;
      case 'GZIP':
        out.gzip = true;
        break;
      case 'PARALLEL': {
        const v = c.skipValue().toUpperCase();
        out.parallel = !(v === 'OFF' || v === 'FALSE');
        break;
      }
      case 'BZIP2':
      case 'ZSTD':
      case 'PARQUET':
      case 'JSON':
      case 'FIXEDWIDTH':
        throw optError(`UNLOAD ${w} is not supported locally`, where);
      case 'ALLOWOVERWRITE':
      case 'CLEANPATH':
        break;
      default: {
        const v = c.skipValue();
        out.ignored.push(
          SECRET_OPTIONS.has(w)
            ? `${w} (credentials are not needed locally)`
            : `${t.text}${v ? ' ' + v : ''}`,
        );
      }
    }
  }
  if (out.csv && !delimiterSet) out.delimiter = ',';
  return out;
}

/** True when options describe exactly the engine TSV dialect, so bytes can pass through as-is. */
export function isEngineDialect(o: LoadOptions): boolean {
  const p = o.parse;
  return (
    !p.csv &&
    (p.delimiter ?? '\t') === '\t' &&
    !!p.escape &&
    (p.nullAs ?? TSV_NULL) === TSV_NULL &&
    !p.ignoreHeader &&
    !p.ignoreBlankLines &&
    !p.emptyAsNull &&
    !p.blanksAsNull &&
    !o.fillRecord &&
    !o.trimBlanks &&
    o.acceptInvChars === undefined
  );
}
