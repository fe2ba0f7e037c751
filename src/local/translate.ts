/**
 * Redshift SQL → PostgreSQL / PGlite / MySQL for the local engine (DESIGN.md decision 8).
 *
 * Scripts are split into statements (quotes, dollar quotes, nested comments respected), each
 * statement is tokenized and rewritten token by token, never with regexes over raw text, so
 * nothing inside a string literal or a comment is ever changed. Every rewrite is reported in
 * `translations` (for the run report). Redshift `COPY … FROM 's3://…'` and `UNLOAD (…) TO
 * 's3://…'` become actions the engine executes with its own streaming copy. A construct that
 * cannot be translated safely is an EtlError (ETL7100) naming the statement — never silently
 * different data.
 */
import { diag, EtlError } from '../diagnostics.js';
import { informationalConstraints } from './redshift-keys.js';

export type TargetKind = 'postgres' | 'pglite' | 'mysql';

export type TokenType = 'ws' | 'comment' | 'string' | 'qident' | 'word' | 'number' | 'punct' | 'param';

export interface Token {
  type: TokenType;
  text: string;
  /** 1-based line where the token starts. */
  line: number;
}

export interface Statement {
  /** Statement text without the terminating semicolon, trimmed. */
  text: string;
  /** 1-based line of the statement's first token in the script. */
  line: number;
  tokens: Token[];
}

export type ScriptAction =
  | { kind: 'sql'; sql: string; line: number; original: string }
  | {
      kind: 'copy';
      line: number;
      original: string;
      table: string;
      columns?: string[];
      from: string;
      /** Option text after the source (CREDENTIALS, DELIMITER, …), to be parsed by the runner. */
      options: string;
    }
  | { kind: 'unload'; line: number; original: string; query: string; to: string; options: string }
  /** BEGIN/COMMIT/ROLLBACK written by the script itself. */
  | { kind: 'tx'; line: number; original: string; sql: string; verb: 'begin' | 'commit' | 'rollback' };

export interface TranslatedScript {
  actions: ScriptAction[];
  translations: string[];
  /** True when the script has its own BEGIN/COMMIT and must not be wrapped in a transaction. */
  managesTransaction: boolean;
}

export interface TranslateOptions {
  /** For messages: where the script came from (file, S3 URI, object id). */
  source?: string;
  /**
   * False when the script is already written for the target (an RdsDatabase script): statements
   * are only split and classified, never rewritten. Default true (Redshift SQL).
   */
  redshift?: boolean;
}

// ---------------------------------------------------------------- tokenizer

function syntaxError(message: string, source: string | undefined, line: number): EtlError {
  return new EtlError(diag('ETL7101', `${source ? source + ': ' : ''}line ${line}: ${message}`, { line }));
}

/**
 * Splits SQL into tokens. `mysql` makes backslash an escape inside '…' and "…" strings and
 * `…` a quoted identifier; otherwise backslashes are literal except in E'…' strings.
 */
export function tokenize(sql: string, opts: { mysql?: boolean; source?: string } = {}): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  let line = 1;
  const n = sql.length;
  const push = (type: TokenType, start: number) => {
    const text = sql.slice(start, i);
    tokens.push({ type, text, line });
    for (let k = 0; k < text.length; k++) if (text.charCodeAt(k) === 10) line++;
  };
  while (i < n) {
    const start = i;
    const c = sql[i];
    const next = sql[i + 1];
    if (/\s/.test(c)) {
      while (i < n && /\s/.test(sql[i])) i++;
      push('ws', start);
    } else if (c === '-' && next === '-') {
      while (i < n && sql[i] !== '\n') i++;
      push('comment', start);
    } else if (opts.mysql && c === '#') {
      while (i < n && sql[i] !== '\n') i++;
      push('comment', start);
    } else if (c === '/' && next === '*') {
      let depth = 0;
      while (i < n) {
        if (sql[i] === '/' && sql[i + 1] === '*') {
          depth++;
          i += 2;
        } else if (sql[i] === '*' && sql[i + 1] === '/') {
          depth--;
          i += 2;
          if (depth === 0 || opts.mysql) break;
        } else i++;
      }
      if (depth > 0 && !opts.mysql) throw syntaxError('unterminated /* comment', opts.source, line);
      push('comment', start);
    } else if (c === "'" || (c === '"' && opts.mysql)) {
      const backslash =
        !!opts.mysql ||
        (start > 0 && /[eE]/.test(sql[start - 1]) && tokens.at(-1)?.text.toUpperCase() === 'E');
      i++;
      for (;;) {
        if (i >= n)
          throw syntaxError(
            `unterminated string starting ${sql.slice(start, start + 20)}…`,
            opts.source,
            line,
          );
        if (backslash && sql[i] === '\\') {
          i += 2;
          continue;
        }
        if (sql[i] === c) {
          if (sql[i + 1] === c) {
            i += 2;
            continue;
          }
          i++;
          break;
        }
        i++;
      }
      push('string', start);
    } else if (c === '"' || (c === '`' && opts.mysql)) {
      i++;
      for (;;) {
        if (i >= n) throw syntaxError('unterminated quoted identifier', opts.source, line);
        if (sql[i] === c) {
          if (sql[i + 1] === c) {
            i += 2;
            continue;
          }
          i++;
          break;
        }
        i++;
      }
      push('qident', start);
    } else if (c === '$' && !opts.mysql && /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.test(sql.slice(i, i + 64))) {
      const tag = /^\$([A-Za-z_][A-Za-z0-9_]*)?\$/.exec(sql.slice(i, i + 64))![0];
      const end = sql.indexOf(tag, i + tag.length);
      if (end < 0) throw syntaxError(`unterminated dollar-quoted string ${tag}`, opts.source, line);
      i = end + tag.length;
      push('string', start);
    } else if (c === '$' && /[0-9]/.test(next ?? '')) {
      i++;
      while (i < n && /[0-9]/.test(sql[i])) i++;
      push('param', start);
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(next ?? ''))) {
      while (i < n && /[0-9.eE]/.test(sql[i])) {
        if ((sql[i] === 'e' || sql[i] === 'E') && /[+-]/.test(sql[i + 1] ?? '')) i++;
        i++;
      }
      push('number', start);
    } else if (/[A-Za-z_\u0080-\uffff]/.test(c)) {
      while (i < n && /[A-Za-z0-9_$\u0080-\uffff]/.test(sql[i])) i++;
      push('word', start);
    } else if (c === ':' && next === ':') {
      i += 2;
      push('punct', start);
    } else {
      i++;
      push('punct', start);
    }
  }
  return tokens;
}

/** Splits a script into statements at top-level semicolons; empty statements are dropped. */
export function splitStatements(sql: string, opts: { mysql?: boolean; source?: string } = {}): Statement[] {
  const tokens = tokenize(sql, opts);
  const out: Statement[] = [];
  let cur: Token[] = [];
  const flush = () => {
    const first = cur.findIndex((t) => t.type !== 'ws' && t.type !== 'comment');
    if (first >= 0) {
      let last = cur.length - 1;
      while (cur[last].type === 'ws' || cur[last].type === 'comment') last--;
      const toks = cur.slice(first, last + 1);
      out.push({ text: toks.map((t) => t.text).join(''), line: toks[0].line, tokens: toks });
    }
    cur = [];
  };
  for (const t of tokens) {
    if (t.type === 'punct' && t.text === ';') flush();
    else cur.push(t);
  }
  flush();
  return out;
}

// ---------------------------------------------------------------- helpers over tokens

const isSig = (t: Token) => t.type !== 'ws' && t.type !== 'comment';
const upper = (t: Token | undefined) => (t && t.type === 'word' ? t.text.toUpperCase() : '');

function nextSig(tokens: Token[], i: number): number {
  let k = i;
  while (k < tokens.length && !isSig(tokens[k])) k++;
  return k;
}

function prevSig(tokens: Token[], i: number): number {
  let k = i;
  while (k >= 0 && !isSig(tokens[k])) k--;
  return k;
}

/** Index of the ')' matching the '(' at `open`, or -1. */
export function matchParen(tokens: Token[], open: number): number {
  let depth = 0;
  for (let k = open; k < tokens.length; k++) {
    const t = tokens[k];
    if (t.type !== 'punct') continue;
    if (t.text === '(') depth++;
    else if (t.text === ')') {
      depth--;
      if (depth === 0) return k;
    }
  }
  return -1;
}

/** Top-level comma-separated ranges [start, end) between open and close parens. */
export function splitArgs(tokens: Token[], open: number, close: number): [number, number][] {
  const args: [number, number][] = [];
  let depth = 0;
  let start = open + 1;
  for (let k = open + 1; k < close; k++) {
    const t = tokens[k];
    if (t.type !== 'punct') continue;
    if (t.text === '(') depth++;
    else if (t.text === ')') depth--;
    else if (t.text === ',' && depth === 0) {
      args.push([start, k]);
      start = k + 1;
    }
  }
  if (close > open + 1 && tokens.slice(start, close).some(isSig)) args.push([start, close]);
  return args;
}

function unquoteString(text: string): string {
  if (text.startsWith('$')) {
    const tag = /^\$[^$]*\$/.exec(text)![0];
    return text.slice(tag.length, text.length - tag.length);
  }
  const q = text[0];
  return text
    .slice(1, -1)
    .split(q + q)
    .join(q);
}

function sqlString(value: string): string {
  return "'" + value.replace(/'/g, "''") + "'";
}

// ---------------------------------------------------------------- the translator

const DATE_PARTS: Record<string, string> = {
  millennium: 'millennium',
  millennia: 'millennium',
  mil: 'millennium',
  mils: 'millennium',
  century: 'century',
  centuries: 'century',
  c: 'century',
  cent: 'century',
  cents: 'century',
  decade: 'decade',
  decades: 'decade',
  dec: 'decade',
  decs: 'decade',
  year: 'year',
  years: 'year',
  y: 'year',
  yr: 'year',
  yrs: 'year',
  yy: 'year',
  yyyy: 'year',
  quarter: 'quarter',
  quarters: 'quarter',
  qtr: 'quarter',
  qtrs: 'quarter',
  q: 'quarter',
  month: 'month',
  months: 'month',
  mon: 'month',
  mons: 'month',
  mm: 'month',
  week: 'week',
  weeks: 'week',
  w: 'week',
  wk: 'week',
  day: 'day',
  days: 'day',
  d: 'day',
  dd: 'day',
  hour: 'hour',
  hours: 'hour',
  h: 'hour',
  hr: 'hour',
  hrs: 'hour',
  hh: 'hour',
  minute: 'minute',
  minutes: 'minute',
  m: 'minute',
  min: 'minute',
  mins: 'minute',
  mi: 'minute',
  second: 'second',
  seconds: 'second',
  s: 'second',
  sec: 'second',
  secs: 'second',
  ss: 'second',
  millisecond: 'millisecond',
  milliseconds: 'millisecond',
  ms: 'millisecond',
  msec: 'millisecond',
  microsecond: 'microsecond',
  microseconds: 'microsecond',
  microsec: 'microsecond',
  us: 'microsecond',
  dow: 'dow',
  dayofweek: 'dow',
  dw: 'dow',
  weekday: 'dow',
  doy: 'doy',
  dayofyear: 'doy',
  dy: 'doy',
  yearday: 'doy',
  epoch: 'epoch',
};

const COLUMN_ENCODINGS = new Set([
  'RAW',
  'AZ64',
  'BYTEDICT',
  'DELTA',
  'DELTA32K',
  'LZO',
  'MOSTLY8',
  'MOSTLY16',
  'MOSTLY32',
  'RUNLENGTH',
  'TEXT255',
  'TEXT32K',
  'ZSTD',
  'AUTO',
]);

class StatementTranslator {
  readonly notes: string[] = [];
  constructor(
    private readonly target: TargetKind,
    private readonly stmt: Statement,
    private readonly source: string | undefined,
  ) {}

  private get mysql(): boolean {
    return this.target === 'mysql';
  }

  note(line: number, what: string): void {
    this.notes.push(`${this.source ? this.source + ':' : 'line '}${line}: ${what}`);
  }

  unsupported(what: string, hint?: string): EtlError {
    const excerpt = this.stmt.text.replace(/\s+/g, ' ').slice(0, 120);
    return new EtlError(
      diag(
        'ETL7100',
        `${this.source ? this.source + ': ' : ''}line ${this.stmt.line}: ${what} cannot run on the local ${this.target} engine (statement: ${excerpt})`,
        { line: this.stmt.line, hint: hint ?? 'rewrite it in portable SQL, or run this pipeline on AWS' },
      ),
    );
  }

  /** Renders tokens [start, end) with every Redshift-only construct rewritten. */
  render(tokens: Token[], start: number, end: number): string {
    let out = '';
    let k = start;
    while (k < end) {
      const t = tokens[k];
      if (t.type !== 'word') {
        out += t.text;
        k++;
        continue;
      }
      const w = t.text.toUpperCase();
      const after = nextSig(tokens, k + 1);
      const callOpen = after < end && tokens[after].text === '(' ? after : -1;
      const prev = tokens[prevSig(tokens, k - 1)];
      const afterDot = prev?.text === '.';
      const r = afterDot ? undefined : this.rewriteWord(tokens, k, w, callOpen, end);
      if (r) {
        out += r.text;
        k = r.next;
      } else {
        out += t.text;
        k++;
      }
    }
    return out;
  }

  private argText(tokens: Token[], range: [number, number]): string {
    return this.render(tokens, range[0], range[1]).trim();
  }

  private datePart(tokens: Token[], range: [number, number], fn: string): string {
    const sig = tokens.slice(range[0], range[1]).filter(isSig);
    const raw = sig.length === 1 ? (sig[0].type === 'string' ? unquoteString(sig[0].text) : sig[0].text) : '';
    const part = DATE_PARTS[raw.toLowerCase()];
    if (!part) throw this.unsupported(`${fn} with date part '${raw || sig.map((s) => s.text).join(' ')}'`);
    return part;
  }

  private rewriteWord(
    tokens: Token[],
    k: number,
    w: string,
    callOpen: number,
    end: number,
  ): { text: string; next: number } | undefined {
    return callOpen >= 0 ? this.rewriteCall(tokens, k, w, callOpen, end) : this.rewriteKeyword(tokens, k, w);
  }

  /** The arguments of the call whose '(' is at `callOpen`. */
  private callArgs(tokens: Token[], k: number, w: string, callOpen: number, end: number) {
    const close = matchParen(tokens, callOpen);
    if (close < 0 || close >= end)
      throw syntaxError(`unbalanced parentheses after ${w}`, this.source, tokens[k].line);
    return { close, args: splitArgs(tokens, callOpen, close) };
  }

  /** A Redshift function call (`w(` …): rewritten, or undefined to keep it. */
  private rewriteCall(
    tokens: Token[],
    k: number,
    w: string,
    callOpen: number,
    end: number,
  ): { text: string; next: number } | undefined {
    const line = tokens[k].line;
    const mysql = this.mysql;
    const call = () => this.callArgs(tokens, k, w, callOpen, end);
    switch (w) {
      case 'GETDATE': {
        const { close } = call();
        const text = mysql ? 'UTC_TIMESTAMP()' : "(NOW() AT TIME ZONE 'UTC')::timestamp(0)";
        this.note(line, `GETDATE() → ${text}`);
        return { text, next: close + 1 };
      }
      case 'NVL': {
        const { close, args } = call();
        this.note(line, 'NVL(…) → COALESCE(…)');
        return {
          text: `COALESCE(${args.map((a) => this.argText(tokens, a)).join(', ')})`,
          next: close + 1,
        };
      }
      case 'NVL2': {
        const { close, args } = call();
        if (args.length !== 3) throw this.unsupported('NVL2 without exactly three arguments');
        const [a, b, c] = args.map((x) => this.argText(tokens, x));
        this.note(line, 'NVL2(a, b, c) → CASE WHEN a IS NOT NULL THEN b ELSE c END');
        return { text: `(CASE WHEN (${a}) IS NOT NULL THEN ${b} ELSE ${c} END)`, next: close + 1 };
      }
      case 'LEN': {
        const { close, args } = call();
        const fn = mysql ? 'CHAR_LENGTH' : 'LENGTH';
        this.note(line, `LEN(…) → ${fn}(…)`);
        return { text: `${fn}(${args.map((a) => this.argText(tokens, a)).join(', ')})`, next: close + 1 };
      }
      case 'DATEADD':
      case 'DATEDIFF':
      case 'CONVERT_TIMEZONE':
      case 'DATEPART':
      case 'DATE_PART':
        return this.rewriteDateCall(tokens, k, w, callOpen, end);
      case 'DECODE': {
        // decode(bytes, format) is a different function in PostgreSQL: only the 3+ argument
        // Redshift form is rewritten; NULL matches NULL there, as in Redshift.
        const { close, args } = call();
        if (args.length < 3) return undefined;
        const [e, ...rest] = args.map((x) => this.argText(tokens, x));
        let text = '(CASE';
        for (let i = 0; i + 1 < rest.length; i += 2) {
          text += mysql
            ? ` WHEN (${e}) <=> (${rest[i]}) THEN ${rest[i + 1]}`
            : ` WHEN (${e}) IS NOT DISTINCT FROM (${rest[i]}) THEN ${rest[i + 1]}`;
        }
        if (rest.length % 2 === 1) text += ` ELSE ${rest[rest.length - 1]}`;
        text += ' END)';
        this.note(line, 'DECODE(expr, search, result, …) → CASE WHEN … END');
        return { text, next: close + 1 };
      }
      case 'CHARINDEX': {
        const { close, args } = call();
        if (args.length !== 2) throw this.unsupported('CHARINDEX without exactly two arguments');
        const [sub, str] = args.map((x) => this.argText(tokens, x));
        const text = mysql ? `LOCATE(${sub}, ${str})` : `POSITION((${sub}) IN (${str}))`;
        this.note(line, `CHARINDEX(…) → ${mysql ? 'LOCATE' : 'POSITION'}(…)`);
        return { text, next: close + 1 };
      }
      case 'LISTAGG':
        return this.listagg(tokens, k, callOpen, end);
      case 'IDENTITY': {
        if (!this.inCreateTable) return undefined;
        const { close, args } = call();
        const [seed, step] = args.map((x) => this.argText(tokens, x));
        const text = mysql
          ? 'AUTO_INCREMENT'
          : `GENERATED BY DEFAULT AS IDENTITY (START WITH ${seed ?? 1} INCREMENT BY ${step ?? 1})`;
        this.note(line, `IDENTITY(${seed ?? 1}, ${step ?? 1}) → ${text}`);
        return { text, next: close + 1 };
      }
      case 'DISTKEY':
      case 'SORTKEY': {
        if (!this.inCreateTable) return undefined;
        const { close } = call();
        this.note(line, `${w}(…) dropped (no meaning outside Redshift)`);
        return { text: '', next: close + 1 };
      }
      case 'VARCHAR':
      case 'CHARACTER':
      case 'NVARCHAR': {
        const close = matchParen(tokens, callOpen);
        const inner = tokens.slice(callOpen + 1, close).filter(isSig);
        if (inner.length === 1 && upper(inner[0]) === 'MAX') {
          const text = mysql ? 'LONGTEXT' : 'TEXT';
          this.note(line, `${w}(MAX) → ${text}`);
          return { text, next: close + 1 };
        }
        return undefined;
      }
      default:
        return undefined;
    }
  }

  /** DATEADD, DATEDIFF, CONVERT_TIMEZONE and DATEPART calls. */
  private rewriteDateCall(
    tokens: Token[],
    k: number,
    w: string,
    callOpen: number,
    end: number,
  ): { text: string; next: number } | undefined {
    const line = tokens[k].line;
    const mysql = this.mysql;
    const call = () => this.callArgs(tokens, k, w, callOpen, end);
    switch (w) {
      case 'DATEADD': {
        const { close, args } = call();
        if (args.length !== 3) throw this.unsupported('DATEADD without exactly three arguments');
        const part = this.datePart(tokens, args[0], 'DATEADD');
        if (['dow', 'doy', 'epoch'].includes(part)) throw this.unsupported(`DATEADD(${part}, …)`);
        const n = this.argText(tokens, args[1]);
        const ts = this.argText(tokens, args[2]);
        let text: string;
        if (mysql) {
          const unit = { millisecond: 'MICROSECOND', microsecond: 'MICROSECOND' }[part] ?? part.toUpperCase();
          if (['millennium', 'century', 'decade'].includes(part))
            throw this.unsupported(`DATEADD(${part}, …)`);
          const amount = part === 'millisecond' ? `(${n}) * 1000` : n;
          text = `TIMESTAMPADD(${unit}, ${amount}, ${ts})`;
        } else {
          const pgPart = part === 'quarter' ? '3 month' : `1 ${part}`;
          text = `((${ts})::timestamp + (${n}) * INTERVAL '${pgPart}')`;
        }
        this.note(line, `DATEADD(${part}, …) → ${text.replace(/\s+/g, ' ')}`);
        return { text, next: close + 1 };
      }
      case 'DATEDIFF': {
        const { close, args } = call();
        // MySQL's own DATEDIFF(a, b) has two arguments and is left alone.
        if (mysql && args.length === 2) return undefined;
        if (args.length !== 3) throw this.unsupported('DATEDIFF without exactly three arguments');
        const part = this.datePart(tokens, args[0], 'DATEDIFF');
        const a = this.argText(tokens, args[1]);
        const b = this.argText(tokens, args[2]);
        const text = mysql ? this.mysqlDateDiff(part, a, b) : this.pgDateDiff(part, a, b);
        this.note(line, `DATEDIFF(${part}, a, b) → ${text.replace(/\s+/g, ' ')}`);
        return { text, next: close + 1 };
      }
      case 'CONVERT_TIMEZONE': {
        const { close, args } = call();
        if (args.length !== 2 && args.length !== 3)
          throw this.unsupported('CONVERT_TIMEZONE without two or three arguments');
        const parts = args.map((x) => this.argText(tokens, x));
        const [from, to, ts] = parts.length === 3 ? parts : ["'UTC'", parts[0], parts[1]];
        const text = mysql
          ? `CONVERT_TZ(${ts}, ${from}, ${to})`
          : `(((${ts})::timestamp AT TIME ZONE ${from}) AT TIME ZONE ${to})`;
        this.note(line, `CONVERT_TIMEZONE(…) → ${text}`);
        return { text, next: close + 1 };
      }
      case 'DATEPART':
      case 'DATE_PART': {
        const { close, args } = call();
        if (args.length !== 2) return undefined;
        const sig = tokens.slice(args[0][0], args[0][1]).filter(isSig);
        if (w === 'DATE_PART' && sig[0]?.type === 'string' && !mysql) return undefined;
        const part = this.datePart(tokens, args[0], w);
        if (mysql && ['dow', 'doy', 'epoch', 'millennium', 'century', 'decade'].includes(part)) {
          throw this.unsupported(`${w}(${part}, …) on MySQL`);
        }
        const ts = this.argText(tokens, args[1]);
        const text = mysql ? `EXTRACT(${part.toUpperCase()} FROM ${ts})` : `DATE_PART('${part}', ${ts})`;
        this.note(line, `${w}(${part}, …) → ${mysql ? 'EXTRACT' : 'DATE_PART'}(…)`);
        return { text, next: close + 1 };
      }
      default:
        return undefined;
    }
  }

  /** A Redshift keyword that is not a call (SYSDATE, ENCODE, DISTSTYLE …). */
  private rewriteKeyword(tokens: Token[], k: number, w: string): { text: string; next: number } | undefined {
    const line = tokens[k].line;
    const mysql = this.mysql;
    switch (w) {
      case 'APPROXIMATE': {
        const c = nextSig(tokens, k + 1);
        if (upper(tokens[c]) !== 'COUNT') return undefined;
        this.note(line, 'APPROXIMATE COUNT(DISTINCT …) → exact COUNT(DISTINCT …)');
        return { text: '', next: c };
      }
      case 'SYSDATE': {
        const text = mysql ? 'UTC_TIMESTAMP(6)' : "(NOW() AT TIME ZONE 'UTC')";
        this.note(line, `SYSDATE → ${text}`);
        return { text, next: k + 1 };
      }
      case 'ENCODE': {
        const enc = nextSig(tokens, k + 1);
        if (!this.inCreateTable || !COLUMN_ENCODINGS.has(upper(tokens[enc]))) return undefined;
        this.note(line, `ENCODE ${tokens[enc].text} dropped (column compression is Redshift-only)`);
        return { text: '', next: enc + 1 };
      }
      case 'DISTKEY':
      case 'SORTKEY':
        if (!this.inCreateTable) return undefined;
        this.note(line, `${w} dropped (no meaning outside Redshift)`);
        return { text: '', next: k + 1 };
      case 'COMPOUND':
      case 'INTERLEAVED': {
        const sk = nextSig(tokens, k + 1);
        if (!this.inCreateTable || upper(tokens[sk]) !== 'SORTKEY') return undefined;
        const open = nextSig(tokens, sk + 1);
        const close = matchParen(tokens, open);
        this.note(line, `${w} SORTKEY(…) dropped (no meaning outside Redshift)`);
        return { text: '', next: close + 1 };
      }
      case 'DISTSTYLE': {
        if (!this.inCreateTable) return undefined;
        const style = nextSig(tokens, k + 1);
        this.note(line, `DISTSTYLE ${tokens[style]?.text ?? ''} dropped (no meaning outside Redshift)`);
        return { text: '', next: style + 1 };
      }
      case 'BACKUP': {
        const v = nextSig(tokens, k + 1);
        if (!this.inCreateTable || !['YES', 'NO'].includes(upper(tokens[v]))) return undefined;
        this.note(line, `BACKUP ${tokens[v].text} dropped (no meaning outside Redshift)`);
        return { text: '', next: v + 1 };
      }
      case 'SUPER':
      case 'HLLSKETCH':
      case 'GEOGRAPHY':
      case 'VARBYTE':
        if (this.inCreateTable && this.looksLikeColumnType(tokens, k))
          throw this.unsupported(`the Redshift type ${w}`);
        return undefined;
      default:
        return undefined;
    }
  }

  /** A word right after a column name inside CREATE TABLE (…) is a type. */
  private looksLikeColumnType(tokens: Token[], k: number): boolean {
    const p = prevSig(tokens, k - 1);
    const pp = prevSig(tokens, p - 1);
    return (
      (tokens[p]?.type === 'word' || tokens[p]?.type === 'qident') &&
      (tokens[pp]?.text === '(' || tokens[pp]?.text === ',')
    );
  }

  private pgDateDiff(part: string, a: string, b: string): string {
    const ta = `(${a})::timestamp`;
    const tb = `(${b})::timestamp`;
    const years = `(EXTRACT(YEAR FROM ${tb}) - EXTRACT(YEAR FROM ${ta}))`;
    switch (part) {
      case 'year':
        return `${years}::bigint`;
      case 'quarter':
        return `(${years} * 4 + EXTRACT(QUARTER FROM ${tb}) - EXTRACT(QUARTER FROM ${ta}))::bigint`;
      case 'month':
        return `(${years} * 12 + EXTRACT(MONTH FROM ${tb}) - EXTRACT(MONTH FROM ${ta}))::bigint`;
      case 'week':
        return `((date_trunc('week', ${tb})::date - date_trunc('week', ${ta})::date) / 7)::bigint`;
      case 'day':
        return `((${tb})::date - (${ta})::date)::bigint`;
      case 'hour':
      case 'minute':
      case 'second': {
        const div = { hour: 3600, minute: 60, second: 1 }[part];
        return `(EXTRACT(EPOCH FROM date_trunc('${part}', ${tb}) - date_trunc('${part}', ${ta})) / ${div})::bigint`;
      }
      case 'millisecond':
      case 'microsecond': {
        const mul = part === 'millisecond' ? 1000 : 1000000;
        return `(EXTRACT(EPOCH FROM date_trunc('${part}s', ${tb}) - date_trunc('${part}s', ${ta})) * ${mul})::bigint`;
      }
      default:
        throw this.unsupported(`DATEDIFF(${part}, …)`);
    }
  }

  private mysqlDateDiff(part: string, a: string, b: string): string {
    const fmt: Record<string, string> = {
      hour: '%Y-%m-%d %H:00:00',
      minute: '%Y-%m-%d %H:%i:00',
      second: '%Y-%m-%d %H:%i:%s',
    };
    switch (part) {
      case 'year':
        return `(YEAR(${b}) - YEAR(${a}))`;
      case 'quarter':
        return `((YEAR(${b}) - YEAR(${a})) * 4 + QUARTER(${b}) - QUARTER(${a}))`;
      case 'month':
        return `PERIOD_DIFF(EXTRACT(YEAR_MONTH FROM ${b}), EXTRACT(YEAR_MONTH FROM ${a}))`;
      case 'day':
        return `DATEDIFF(${b}, ${a})`;
      case 'hour':
      case 'minute':
      case 'second':
        return `TIMESTAMPDIFF(${part.toUpperCase()}, DATE_FORMAT(${a}, '${fmt[part]}'), DATE_FORMAT(${b}, '${fmt[part]}'))`;
      default:
        throw this.unsupported(`DATEDIFF(${part}, …) on MySQL`);
    }
  }

  /** LISTAGG(expr[, delim]) [WITHIN GROUP (ORDER BY …)] → STRING_AGG / GROUP_CONCAT. */
  private listagg(tokens: Token[], k: number, open: number, end: number): { text: string; next: number } {
    const line = tokens[k].line;
    const close = matchParen(tokens, open);
    const args = splitArgs(tokens, open, close);
    if (args.length < 1 || args.length > 2) throw this.unsupported('LISTAGG without one or two arguments');
    const expr = this.argText(tokens, args[0]);
    const delim = args[1] ? this.argText(tokens, args[1]) : "''";
    if (/^DISTINCT\b/i.test(expr)) throw this.unsupported('LISTAGG(DISTINCT …)');
    let next = close + 1;
    let orderBy = '';
    const w1 = nextSig(tokens, next);
    if (upper(tokens[w1]) === 'WITHIN') {
      const g = nextSig(tokens, w1 + 1);
      const o = nextSig(tokens, g + 1);
      if (upper(tokens[g]) !== 'GROUP' || tokens[o]?.text !== '(')
        throw this.unsupported('LISTAGG … WITHIN without GROUP (…)');
      const oc = matchParen(tokens, o);
      orderBy = ' ' + this.render(tokens, o + 1, oc).trim();
      next = oc + 1;
    }
    const over = nextSig(tokens, next);
    if (upper(tokens[over]) === 'OVER' && over < end) throw this.unsupported('LISTAGG … OVER (window form)');
    const text = this.mysql
      ? `GROUP_CONCAT(${expr}${orderBy} SEPARATOR ${delim})`
      : `STRING_AGG((${expr})::text, ${delim}${orderBy})`;
    this.note(line, `LISTAGG(…) WITHIN GROUP (…) → ${this.mysql ? 'GROUP_CONCAT' : 'STRING_AGG'}(…)`);
    return { text, next };
  }

  inCreateTable = false;

  /** Native SQL for the target: only transaction statements are told apart. */
  classify(): ScriptAction {
    const tx = this.txAction();
    return tx ?? { kind: 'sql', sql: this.stmt.text, line: this.stmt.line, original: this.stmt.text };
  }

  private txAction(): ScriptAction | null {
    const { tokens, line, text } = this.stmt;
    const sig = tokens.filter(isSig);
    const w0 = upper(sig[0]);
    const w1 = upper(sig[1]);
    const original = text;
    if (['BEGIN', 'START'].includes(w0) && (w0 === 'BEGIN' ? sig.length <= 2 : w1 === 'TRANSACTION')) {
      return { kind: 'tx', verb: 'begin', line, original, sql: this.mysql ? 'START TRANSACTION' : 'BEGIN' };
    }
    if (['COMMIT', 'END'].includes(w0) && sig.length <= 2) {
      return { kind: 'tx', verb: 'commit', line, original, sql: 'COMMIT' };
    }
    if (['ROLLBACK', 'ABORT'].includes(w0) && sig.length <= 2) {
      return { kind: 'tx', verb: 'rollback', line, original, sql: 'ROLLBACK' };
    }
    return null;
  }

  translate(): ScriptAction | null {
    const { tokens, line, text } = this.stmt;
    const sig = tokens.filter(isSig);
    const w0 = upper(sig[0]);
    const w1 = upper(sig[1]);
    const w2 = upper(sig[2]);
    const original = text;

    const tx = this.txAction();
    if (tx) return tx;
    if (w0 === 'CREATE' && (w1 === 'EXTERNAL' || (w1 === 'OR' && upper(sig[3]) === 'EXTERNAL'))) {
      throw this.unsupported(`CREATE EXTERNAL ${w1 === 'EXTERNAL' ? w2 : upper(sig[4])} (Redshift Spectrum)`);
    }
    if (w0 === 'CREATE' && w1 === 'LIBRARY') throw this.unsupported('CREATE LIBRARY');
    if (
      w0 === 'ALTER' &&
      w1 === 'TABLE' &&
      sig.some((t, i) => upper(t) === 'APPEND' && upper(sig[i + 1]) === 'FROM')
    ) {
      throw this.unsupported('ALTER TABLE … APPEND FROM');
    }
    if (w0 === 'VACUUM' || (w0 === 'ANALYZE' && w1 === 'COMPRESSION')) {
      this.note(line, `${w0}${w0 === 'ANALYZE' ? ' COMPRESSION' : ''} skipped (Redshift maintenance)`);
      return null;
    }
    if (w0 === 'GRANT' || w0 === 'REVOKE') {
      this.note(line, `${w0} skipped (local databases have no Redshift users or groups)`);
      return null;
    }
    if ((w0 === 'SET' || w0 === 'RESET') && (w1 === 'QUERY_GROUP' || w1 === 'WLM_QUERY_SLOT_COUNT')) {
      this.note(line, `${w0} ${w1} skipped (Redshift workload management)`);
      return null;
    }
    if (w0 === 'UNLOAD') return this.unload();
    if (w0 === 'COPY') {
      const copy = this.copy();
      if (copy) return copy;
    }
    // Redshift table attributes (ENCODE, DISTKEY, …) are only rewritten in table DDL.
    this.inCreateTable =
      (w0 === 'CREATE' || w0 === 'ALTER') &&
      sig.slice(1, 5).some((t) => upper(t) === 'TABLE') &&
      !sig.slice(1, 3).some((t) => ['VIEW', 'FUNCTION', 'PROCEDURE', 'INDEX'].includes(upper(t)));
    // PRIMARY KEY/UNIQUE/FOREIGN KEY are informational on Redshift: not enforced locally either.
    const keys = this.inCreateTable && !this.mysql ? informationalConstraints(tokens) : undefined;
    if (keys) {
      for (const n of keys.notes) this.note(n.line, n.text);
      if (keys.dropStatement) {
        return keys.after.length ? { kind: 'sql', sql: keys.after.join(';\n'), line, original } : null;
      }
    }
    const body = keys?.tokens ?? tokens;
    const sql = this.render(body, 0, body.length);
    return { kind: 'sql', sql: keys?.after.length ? [sql, ...keys.after].join(';\n') : sql, line, original };
  }

  /** Redshift COPY t [(cols)] FROM 's3://…' options → engine copy; any other COPY stays SQL. */
  private copy(): ScriptAction | null {
    const { tokens, line, text } = this.stmt;
    let k = nextSig(tokens, 1);
    let table = '';
    while (
      k < tokens.length &&
      (tokens[k].type === 'word' || tokens[k].type === 'qident' || tokens[k].text === '.')
    ) {
      if (upper(tokens[k]) === 'FROM' && table) break;
      table += tokens[k].text;
      k = nextSig(tokens, k + 1);
    }
    let columns: string[] | undefined;
    if (tokens[k]?.text === '(') {
      const close = matchParen(tokens, k);
      columns = splitArgs(tokens, k, close).map(([s, e]) => {
        const t = tokens.slice(s, e).filter(isSig)[0];
        return t.type === 'qident' ? unquoteString(t.text) : t.text;
      });
      k = nextSig(tokens, close + 1);
    }
    if (upper(tokens[k]) !== 'FROM') return null;
    const src = nextSig(tokens, k + 1);
    if (tokens[src]?.type !== 'string') return null;
    const from = unquoteString(tokens[src].text);
    if (!/^s3:\/\//i.test(from)) {
      if (/^(dynamodb|emr|ssh):\/\//i.test(from))
        throw this.unsupported(`COPY FROM '${from.split('/')[0]}//…'`);
      return null;
    }
    const options = tokens
      .slice(src + 1)
      .map((t) => t.text)
      .join('')
      .trim();
    this.note(line, `COPY ${table} FROM '${from}' → local streaming load`);
    return { kind: 'copy', line, original: text, table, columns, from, options };
  }

  private unload(): ScriptAction {
    const { tokens, line, text } = this.stmt;
    const open = nextSig(tokens, 1);
    let query: string;
    let k: number;
    if (tokens[open]?.text === '(') {
      const close = matchParen(tokens, open);
      const inner = tokens.slice(open + 1, close).filter(isSig);
      if (inner.length !== 1 || inner[0].type !== 'string')
        throw this.unsupported('UNLOAD without a quoted query');
      query = unquoteString(inner[0].text);
      k = nextSig(tokens, close + 1);
    } else throw this.unsupported("UNLOAD without ('query')");
    if (upper(tokens[k]) !== 'TO') throw this.unsupported('UNLOAD without TO');
    const dst = nextSig(tokens, k + 1);
    if (tokens[dst]?.type !== 'string') throw this.unsupported('UNLOAD without a quoted TO location');
    const to = unquoteString(tokens[dst].text);
    if (!/^s3:\/\//i.test(to)) throw this.unsupported(`UNLOAD TO '${to}'`);
    // The query inside UNLOAD is Redshift SQL too.
    const inner = splitStatements(query, { mysql: this.mysql });
    if (inner.length !== 1) throw this.unsupported('UNLOAD whose query is not one statement');
    const sub = new StatementTranslator(this.target, inner[0], this.source);
    const translatedQuery = sub.render(inner[0].tokens, 0, inner[0].tokens.length);
    this.notes.push(...sub.notes);
    const options = tokens
      .slice(dst + 1)
      .map((t) => t.text)
      .join('')
      .trim();
    this.note(line, `UNLOAD TO '${to}' → local streaming extract`);
    return { kind: 'unload', line, original: text, query: translatedQuery, to, options };
  }
}

/**
 * Translates a Redshift (or already portable) SQL script for a local target. Returns the actions
 * to run in order, what was changed, and whether the script manages its own transaction.
 */
export function translateScript(
  sql: string,
  target: TargetKind,
  opts: TranslateOptions = {},
): TranslatedScript {
  const statements = splitStatements(sql, { mysql: target === 'mysql', source: opts.source });
  const actions: ScriptAction[] = [];
  const translations: string[] = [];
  for (const st of statements) {
    const tr = new StatementTranslator(target, st, opts.source);
    const action = opts.redshift === false ? tr.classify() : tr.translate();
    translations.push(...tr.notes);
    if (action && action.kind === 'sql' && opts.redshift !== false && target !== 'mysql') {
      const schema = createdTableSchema(st.tokens);
      if (schema) {
        // Redshift schemas are created by the DBA (etlctl database create); a fresh local
        // database has none, so create it rather than fail on the first load.
        actions.push({
          kind: 'sql',
          sql: `CREATE SCHEMA IF NOT EXISTS ${schema}`,
          line: st.line,
          original: '',
        });
        translations.push(
          `${opts.source ? opts.source + ':' : ''}${st.line}: CREATE SCHEMA IF NOT EXISTS ${schema} added (local database)`,
        );
      }
    }
    if (action) actions.push(action);
  }
  return { actions, translations, managesTransaction: actions.some((a) => a.kind === 'tx') };
}

/** The schema of `CREATE [TEMP] TABLE [IF NOT EXISTS] schema.name`, as written (quoted or not). */
function createdTableSchema(tokens: Token[]): string | undefined {
  const sig = tokens.filter(isSig);
  if (upper(sig[0]) !== 'CREATE') return undefined;
  let i = 1;
  while (['TEMP', 'TEMPORARY', 'LOCAL', 'GLOBAL', 'UNLOGGED'].includes(upper(sig[i]))) i++;
  if (upper(sig[i]) !== 'TABLE') return undefined;
  if (i > 1) return undefined; // temporary tables live in their own schema
  i++;
  if (upper(sig[i]) === 'IF' && upper(sig[i + 1]) === 'NOT' && upper(sig[i + 2]) === 'EXISTS') i += 3;
  const name = sig[i];
  if (!name || sig[i + 1]?.text !== '.' || !sig[i + 2]) return undefined;
  return name.text;
}

/**
 * Replaces each `?` placeholder outside strings, identifiers and comments with the next argument
 * as a quoted SQL literal (SqlActivity scriptArgument). Throws when the counts differ.
 */
export function bindScriptArguments(
  sql: string,
  args: readonly string[],
  target: TargetKind,
  source?: string,
): string {
  // Without arguments nothing is bound, so a jsonb `?` operator in the script stays as it is.
  if (args.length === 0) return sql;
  const tokens = tokenize(sql, { mysql: target === 'mysql', source });
  let used = 0;
  let out = '';
  for (const t of tokens) {
    if (t.type === 'punct' && t.text === '?') {
      if (used >= args.length) {
        throw new EtlError(
          diag(
            'ETL7206',
            `${source ? source + ': ' : ''}line ${t.line}: the script has more ? placeholders than scriptArgument values (${args.length})`,
          ),
        );
      }
      const v = args[used++];
      out += target === 'mysql' ? "'" + v.replace(/\\/g, '\\\\').replace(/'/g, "''") + "'" : sqlString(v);
    } else out += t.text;
  }
  if (used < args.length) {
    throw new EtlError(
      diag(
        'ETL7206',
        `${source ? source + ': ' : ''}${args.length} scriptArgument values given but the script has ${used} ? placeholders`,
      ),
    );
  }
  return out;
}

/**
 * Translates a single DDL or query (createTableSql, selectQuery) for a target; throws when it is
 * not exactly one plain SQL statement.
 */
export function translateStatement(
  sql: string,
  target: TargetKind,
  translations: string[],
  source?: string,
  redshift = true,
): string {
  const res = translateScript(sql, target, { source, redshift });
  translations.push(...res.translations);
  // A CREATE TABLE may come with the CREATE SCHEMA added above; the caller runs both (exec).
  const sqls = res.actions.filter((a) => a.kind === 'sql');
  const schemaPrelude = sqls.length === 2 && res.actions.length === 2 && sqls[0].original === '';
  if (schemaPrelude) return sqls.map((a) => (a as { sql: string }).sql).join(';\n');
  if (sqls.length !== 1 || res.actions.length !== 1) {
    throw new EtlError(
      diag(
        'ETL7100',
        `${source ? source + ': ' : ''}expected exactly one SQL statement, found ${res.actions.length}`,
      ),
    );
  }
  return (sqls[0] as { sql: string }).sql;
}
