/**
 * Catalog metadata in table definition files (issue 16), parsed beside the CREATE statement by
 * src/compile/table-definition.ts. Two ways to say it, both optional:
 *
 *  - `COMMENT ON TABLE t IS '…';` and `COMMENT ON COLUMN t.c IS '…';` after the CREATE: the
 *    standard SQL descriptions (PostgreSQL, Redshift), which `etlctl database create` runs too.
 *  - `-- etlctl: key=value …` line comments. On a column's line, or on a line of its own just
 *    above the column, they annotate that column (`pii=none|internal|pii|sensitive`,
 *    `description="…"`); outside the column list they annotate the table (`description`,
 *    `owner`, `tags=a,b`). Values are a word or a double-quoted string (`\"` inside).
 *
 * Annotations are metadata, not SQL: they are removed from the statement text the compiler
 * embeds in definitions, so adding them never changes a compiled pipeline.
 */
import type { Diagnostic } from '../diagnostics.js';
import { diag, didYouMean } from '../diagnostics.js';

export const PII_LEVELS = ['none', 'internal', 'pii', 'sensitive'] as const;
export type PiiLevel = (typeof PII_LEVELS)[number];

const TABLE_KEYS = ['description', 'owner', 'tags'];
const COLUMN_KEYS = ['pii', 'description'];

/** A `--` comment in the file: where it starts and ends (exclusive, before the newline). */
export interface SqlComment {
  offset: number;
  end: number;
}

export interface Annotation {
  /** Offset of the `--`. */
  offset: number;
  end: number;
  /** True when only whitespace precedes it on its line. */
  ownLine: boolean;
  pairs: { key: string; value: string; offset: number }[];
}

export function lineCol(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1 };
}

function at(
  text: string,
  file: string,
  offset: number,
  code: string,
  message: string,
  hint?: string,
): Diagnostic {
  return diag(code, message, { file, ...lineCol(text, offset), hint });
}

const MARKER = /^--\s*etlctl\s*:/i;

/** The `-- etlctl:` comments among `comments`, parsed; malformed ones become diagnostics. */
export function parseAnnotations(
  text: string,
  file: string,
  comments: readonly SqlComment[],
): { annotations: Annotation[]; diagnostics: Diagnostic[] } {
  const annotations: Annotation[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const c of comments) {
    const raw = text.slice(c.offset, c.end);
    const m = MARKER.exec(raw);
    if (!m) continue;
    const lineStart = text.lastIndexOf('\n', c.offset - 1) + 1;
    const ownLine = text.slice(lineStart, c.offset).trim() === '';
    const pairs: Annotation['pairs'] = [];
    const body = raw.slice(m[0].length);
    const base = c.offset + m[0].length;
    const re = /\s*([A-Za-z_][\w-]*)\s*=\s*("(?:[^"\\]|\\.)*"|[^\s"]+)|\s*(\S+)/gy;
    let ok = true;
    for (let x = re.exec(body); x && x.index < body.length; x = re.exec(body)) {
      if (x[3] !== undefined) {
        diagnostics.push(
          at(
            text,
            file,
            base + x.index + (x[0].length - x[3].length),
            'ETL1400',
            `cannot read the etlctl annotation at '${x[3]}'`,
            'write key=value pairs, e.g. -- etlctl: pii=pii description="Login e-mail"',
          ),
        );
        ok = false;
        break;
      }
      const value = x[2].startsWith('"') ? x[2].slice(1, -1).replace(/\\(.)/g, '$1') : x[2];
      pairs.push({
        key: x[1].toLowerCase(),
        value,
        offset: base + x.index + (x[0].length - x[0].trimStart().length),
      });
    }
    if (ok && pairs.length === 0) {
      diagnostics.push(
        at(text, file, c.offset, 'ETL1400', 'empty etlctl annotation', 'e.g. -- etlctl: pii=internal'),
      );
      continue;
    }
    if (ok) annotations.push({ offset: c.offset, end: c.end, ownLine, pairs });
  }
  return { annotations, diagnostics };
}

export interface AnnotatedColumn {
  name: string;
  /** Offsets of the column item's first and last token. */
  start: number;
  end: number;
  description?: string;
  pii?: PiiLevel;
}

export interface TableAnnotations {
  description?: string;
  owner?: string;
  tags: string[];
}

/**
 * Attach annotations to the table or to columns. `items` are the column-list entries in order
 * (constraints carry no name); `listStart`/`listEnd` bound the column list's parentheses.
 */
export function applyAnnotations(
  text: string,
  file: string,
  annotations: readonly Annotation[],
  items: readonly { name?: string; start: number; end: number }[],
  listStart: number,
  listEnd: number,
  columns: Map<string, AnnotatedColumn>,
): { table: TableAnnotations; diagnostics: Diagnostic[] } {
  const table: TableAnnotations = { tags: [] };
  const diagnostics: Diagnostic[] = [];
  for (const a of annotations) {
    const inList = a.offset > listStart && a.offset < listEnd;
    if (!inList) {
      applyPairs(text, file, a, TABLE_KEYS, 'the table', diagnostics, (key, value) => {
        if (key === 'tags')
          table.tags.push(
            ...value
              .split(',')
              .map((t) => t.trim())
              .filter(Boolean),
          );
        else if (key === 'owner') table.owner = value;
        else table.description = value;
      });
      continue;
    }
    const item = a.ownLine
      ? items.find((it) => it.start > a.offset)
      : [...items].reverse().find((it) => it.start < a.offset);
    const col = item?.name ? columns.get(item.name) : undefined;
    if (!col) {
      diagnostics.push(
        at(
          text,
          file,
          a.offset,
          'ETL1403',
          'this etlctl annotation belongs to no column',
          'put it at the end of a column line, or on its own line directly above the column',
        ),
      );
      continue;
    }
    applyPairs(text, file, a, COLUMN_KEYS, `column ${col.name}`, diagnostics, (key, value, offset) => {
      if (key === 'description') col.description = value;
      else if ((PII_LEVELS as readonly string[]).includes(value.toLowerCase()))
        col.pii = value.toLowerCase() as PiiLevel;
      else
        diagnostics.push(
          at(
            text,
            file,
            offset,
            'ETL1402',
            `pii level '${value}' of column ${col.name} is not one of ${PII_LEVELS.join(', ')}`,
            didYouMean(value, PII_LEVELS) ?? `use one of: ${PII_LEVELS.join(', ')}`,
          ),
        );
    });
  }
  return { table, diagnostics };
}

function applyPairs(
  text: string,
  file: string,
  a: Annotation,
  known: readonly string[],
  what: string,
  diagnostics: Diagnostic[],
  set: (key: string, value: string, offset: number) => void,
): void {
  for (const p of a.pairs) {
    if (!known.includes(p.key)) {
      const other = known === TABLE_KEYS ? COLUMN_KEYS : TABLE_KEYS;
      diagnostics.push(
        at(
          text,
          file,
          p.offset,
          'ETL1401',
          `unknown etlctl annotation key '${p.key}' for ${what}`,
          didYouMean(p.key, known) ??
            (other.includes(p.key)
              ? `'${p.key}' annotates ${known === TABLE_KEYS ? 'a column: put it on the column line' : 'the table: put it above CREATE'}`
              : `known keys: ${known.join(', ')}`),
        ),
      );
      continue;
    }
    set(p.key, p.value, p.offset);
  }
}

/** `sql` (a slice of the file starting at `sliceStart`) without the annotation comments in it. */
export function stripAnnotations(
  sql: string,
  sliceStart: number,
  annotations: readonly Annotation[],
): string {
  let out = sql;
  // Right to left, so earlier offsets stay valid.
  for (const a of [...annotations].sort((x, y) => y.offset - x.offset)) {
    const s = a.offset - sliceStart;
    const e = a.end - sliceStart;
    if (s < 0 || e > out.length) continue;
    const lineStart = out.lastIndexOf('\n', s - 1) + 1;
    if (a.ownLine) {
      // The whole line goes, with its newline.
      const nl = out.indexOf('\n', e);
      out = out.slice(0, lineStart) + out.slice(nl < 0 ? out.length : nl + 1);
    } else {
      let k = s;
      while (k > lineStart && /[ \t]/.test(out[k - 1])) k--;
      out = out.slice(0, k) + out.slice(e);
    }
  }
  return out;
}

/** A SQL string literal's value ('it''s' → it's). */
export function unquoteSqlString(token: string): string {
  const body = token.slice(1, -1);
  return token.startsWith("'") ? body.replace(/''/g, "'") : body;
}
