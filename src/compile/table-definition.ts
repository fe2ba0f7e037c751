/**
 * Parser for `table_definition` files: Redshift `CREATE TABLE` (DISTKEY, SORTKEY, ENCODE,
 * DISTSTYLE, PRIMARY KEY inline or as a constraint, `schema.table`) and `CREATE VIEW`.
 * It extracts what upsert, reload, QA and the database commands need: columns, types, the
 * primary key and the tables a definition refers to — and the catalog's metadata: descriptions
 * and PII levels from `COMMENT ON` statements after the CREATE, MySQL `COMMENT '…'` attributes
 * and `-- etlctl:` annotations (src/compile/table-comments.ts).
 */
import type { Diagnostic } from '../diagnostics.js';
import { diag, didYouMean } from '../diagnostics.js';
import type { AnnotatedColumn, PiiLevel, SqlComment } from './table-comments.js';
import {
  applyAnnotations,
  lineCol,
  parseAnnotations,
  stripAnnotations,
  unquoteSqlString,
} from './table-comments.js';

export interface ColumnDef {
  name: string;
  type: string;
  nullable: boolean;
  /** Column-level attributes kept verbatim (DEFAULT …, ENCODE …, IDENTITY(…), …). */
  attributes: string;
  /** 1-based line of the column's definition. */
  line: number;
  /** Offsets of the definition's first character and just past its last, in the parsed text. */
  span: { start: number; end: number };
  description?: string;
  pii?: PiiLevel;
}

export interface TableDef {
  schema?: string;
  name: string;
  /** `schema.name` or `name`. */
  fullName: string;
  columns: ColumnDef[];
  primaryKey: string[];
  /** Tables this one refers to (FOREIGN KEY … REFERENCES, or a view's FROM/JOIN). */
  references: string[];
  isView: boolean;
  distKey?: string;
  sortKey: string[];
  /** The statement as written (etlctl annotations removed, one statement, no trailing semicolon). */
  sql: string;
  /** 1-based line of the CREATE keyword. */
  line: number;
  /** Offset in the parsed text just past the column list's closing parenthesis (tables only). */
  columnsEnd?: number;
  description?: string;
  owner?: string;
  tags: string[];
  /** The `COMMENT ON …` statements after the CREATE, as written (no semicolon), in order. */
  comments: string[];
  /** The descriptions those statements give (what `database create` puts into the database). */
  commentOn: { table?: string; columns: Record<string, string> };
}

interface Token {
  kind: 'word' | 'quoted' | 'string' | 'punct' | 'number';
  text: string;
  offset: number;
}

function tokenize(sql: string): {
  tokens: Token[];
  comments: SqlComment[];
  error?: { offset: number; message: string };
} {
  const tokens: Token[] = [];
  const comments: SqlComment[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '-' && sql[i + 1] === '-') {
      const start = i;
      while (i < sql.length && sql[i] !== '\n') i++;
      comments.push({ offset: start, end: sql[i - 1] === '\r' ? i - 1 : i });
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      if (end < 0) return { tokens, comments, error: { offset: i, message: 'unterminated /* comment' } };
      i = end + 2;
    } else if (c === "'") {
      let j = i + 1;
      while (j < sql.length && !(sql[j] === "'" && sql[j + 1] !== "'")) j += sql[j] === "'" ? 2 : 1;
      if (j >= sql.length)
        return { tokens, comments, error: { offset: i, message: 'unterminated string literal' } };
      tokens.push({ kind: 'string', text: sql.slice(i, j + 1), offset: i });
      i = j + 1;
    } else if (c === '"' || c === '`') {
      // `…` is MySQL's quoting (database generate --dialect mysql writes it for odd names).
      const end = sql.indexOf(c, i + 1);
      if (end < 0)
        return { tokens, comments, error: { offset: i, message: 'unterminated quoted identifier' } };
      tokens.push({ kind: 'quoted', text: sql.slice(i + 1, end), offset: i });
      i = end + 1;
    } else if (/[A-Za-z_]/.test(c)) {
      let j = i + 1;
      while (j < sql.length && /[A-Za-z0-9_$]/.test(sql[j])) j++;
      tokens.push({ kind: 'word', text: sql.slice(i, j), offset: i });
      i = j;
    } else if (/[0-9]/.test(c)) {
      let j = i + 1;
      while (j < sql.length && /[0-9.]/.test(sql[j])) j++;
      tokens.push({ kind: 'number', text: sql.slice(i, j), offset: i });
      i = j;
    } else {
      tokens.push({ kind: 'punct', text: c, offset: i });
      i++;
    }
  }
  return { tokens, comments };
}

const isWord = (t: Token | undefined, ...words: string[]) =>
  t !== undefined && t.kind === 'word' && words.includes(t.text.toUpperCase());

function ident(t: Token | undefined): string | undefined {
  if (!t) return undefined;
  if (t.kind === 'quoted') return t.text;
  if (t.kind === 'word') return t.text.toLowerCase();
  return undefined;
}

/** Parse `a.b` starting at index i; returns the name parts and the next index. */
function qualifiedName(tokens: Token[], i: number): { parts: string[]; next: number } | undefined {
  const first = ident(tokens[i]);
  if (!first) return undefined;
  const parts = [first];
  let j = i + 1;
  while (tokens[j]?.text === '.' && ident(tokens[j + 1])) {
    parts.push(ident(tokens[j + 1]) as string);
    j += 2;
  }
  return { parts, next: j };
}

function identList(tokens: Token[], i: number): { names: string[]; next: number } | undefined {
  if (tokens[i]?.text !== '(') return undefined;
  const names: string[] = [];
  let j = i + 1;
  while (j < tokens.length && tokens[j].text !== ')') {
    const n = ident(tokens[j]);
    if (n) names.push(n);
    j++;
  }
  return tokens[j]?.text === ')' ? { names, next: j + 1 } : undefined;
}

type Failure = { table?: undefined; diagnostics: Diagnostic[] };
type Fail = (offset: number, message: string, hint?: string) => Failure;

const TYPE_STOP_WORDS = [
  'NOT',
  'NULL',
  'PRIMARY',
  'DEFAULT',
  'ENCODE',
  'DISTKEY',
  'SORTKEY',
  'IDENTITY',
  'REFERENCES',
  'UNIQUE',
  'COLLATE',
  'GENERATED',
  'CONSTRAINT',
  'COMMENT',
  'AUTO_INCREMENT',
];

export function parseTableDefinition(
  text: string,
  file: string,
): { table?: TableDef; diagnostics: Diagnostic[] } {
  const fail: Fail = (offset, message, hint) => ({
    diagnostics: [
      diag('ETL3101', `cannot parse table definition: ${message}`, {
        file,
        ...lineCol(text, offset),
        hint: hint ?? 'the file must hold one CREATE TABLE (or CREATE VIEW) statement',
      }),
    ],
  });
  const { tokens, comments, error } = tokenize(text);
  if (error) return fail(error.offset, error.message);
  const head = parseHead(tokens, text, fail);
  if ('diagnostics' in head) return head;
  const { isView, schema, name, fullName } = head;
  let i = head.next;
  const statementEnd = (() => {
    const semi = tokens.findIndex((t, k) => k >= i && t.text === ';');
    return semi < 0 ? tokens.length : semi;
  })();
  const trailing = parseCommentStatements(tokens, statementEnd + 1, text, fullName, fail);
  if ('diagnostics' in trailing) return trailing;
  const sqlStart = tokens[0].offset;
  const sqlEnd = statementEnd < tokens.length ? tokens[statementEnd].offset : text.length;
  const parsedAnnotations = parseAnnotations(text, file, comments);
  const inStatement = parsedAnnotations.annotations.filter((a) => a.offset >= sqlStart && a.offset < sqlEnd);
  const sql = stripAnnotations(text.slice(sqlStart, sqlEnd), sqlStart, inStatement).trim();
  const base = {
    schema,
    name,
    fullName,
    isView,
    sql,
    line: lineCol(text, sqlStart).line,
    comments: trailing.comments.map((c) => c.statement),
    commentOn: {
      ...(trailing.comments.find((c) => c.column === undefined && c.value !== undefined)
        ? { table: trailing.comments.find((c) => c.column === undefined && c.value !== undefined)!.value }
        : {}),
      columns: Object.fromEntries(
        trailing.comments
          .filter((c) => c.column !== undefined && c.value !== undefined)
          .map((c) => [c.column!, c.value!]),
      ),
    },
  };

  if (isView) {
    const refs = new Set<string>();
    for (let k = i; k < statementEnd; k++) {
      if (isWord(tokens[k], 'FROM', 'JOIN')) {
        const r = qualifiedName(tokens, k + 1);
        if (r) refs.add(r.parts.join('.'));
      }
    }
    const meta = applyMetadata(text, file, parsedAnnotations, [], trailing.comments, [], 0, 0);
    return {
      table: { ...base, ...meta.table, columns: [], primaryKey: [], references: [...refs], sortKey: [] },
      diagnostics: meta.diagnostics,
    };
  }

  if (tokens[i]?.text !== '(')
    return fail(tokens[i]?.offset ?? text.length, `expected '(' after the table name ${fullName}`);
  const body = parseColumns(tokens, i, statementEnd, text, fullName, fail);
  if ('diagnostics' in body) return body;
  i = body.close;
  const tableComment = tableOptionComment(tokens, i + 1, statementEnd);
  const meta = applyMetadata(
    text,
    file,
    parsedAnnotations,
    body.columns,
    trailing.comments,
    body.items,
    tokens[head.next].offset,
    tokens[body.close].offset,
  );
  return {
    table: {
      ...base,
      ...meta.table,
      ...(meta.table.description === undefined && tableComment ? { description: tableComment } : {}),
      columns: body.columns,
      primaryKey: body.primaryKey,
      references: body.references,
      distKey: body.distKey,
      sortKey: body.sortKey,
      columnsEnd: tokens[body.close].offset + 1,
    },
    diagnostics: meta.diagnostics,
  };
}

/** `CREATE [OR REPLACE] [TEMP…] TABLE|VIEW [IF NOT EXISTS] [schema.]name`. */
function parseHead(
  tokens: Token[],
  text: string,
  fail: Fail,
): { isView: boolean; schema?: string; name: string; fullName: string; next: number } | Failure {
  let i = 0;
  if (!isWord(tokens[i], 'CREATE'))
    return fail(tokens[0]?.offset ?? 0, 'expected CREATE TABLE or CREATE VIEW');
  i++;
  if (isWord(tokens[i], 'OR') && isWord(tokens[i + 1], 'REPLACE')) i += 2;
  while (isWord(tokens[i], 'TEMP', 'TEMPORARY', 'LOCAL', 'MATERIALIZED')) i++;
  const isView = isWord(tokens[i], 'VIEW');
  if (!isView && !isWord(tokens[i], 'TABLE'))
    return fail(
      tokens[i]?.offset ?? text.length,
      `expected TABLE or VIEW after CREATE, found '${tokens[i]?.text ?? 'end of file'}'`,
    );
  i++;
  if (isWord(tokens[i], 'IF') && isWord(tokens[i + 1], 'NOT') && isWord(tokens[i + 2], 'EXISTS')) i += 3;
  const qn = qualifiedName(tokens, i);
  if (!qn || qn.parts.length > 2)
    return fail(tokens[i]?.offset ?? text.length, 'expected a table name (name or schema.name)');
  const [schema, name] = qn.parts.length === 2 ? qn.parts : [undefined, qn.parts[0]];
  return { isView, schema, name, fullName: schema ? `${schema}.${name}` : name, next: qn.next };
}

interface CommentStatement {
  column?: string;
  value?: string;
  statement: string;
  /** Offset of the name (table or column) the statement comments on. */
  offset: number;
}

/**
 * The statements after the CREATE: only `COMMENT ON TABLE|VIEW|COLUMN name IS '…'|NULL` on the
 * table the file defines. Anything else is still "more than one statement".
 */
function parseCommentStatements(
  tokens: Token[],
  from: number,
  text: string,
  fullName: string,
  fail: Fail,
): { comments: CommentStatement[] } | Failure {
  const comments: CommentStatement[] = [];
  let k = from;
  while (k < tokens.length) {
    let end = tokens.findIndex((t, m) => m >= k && t.text === ';');
    if (end < 0) end = tokens.length;
    const st = tokens.slice(k, end);
    if (st.length === 0) {
      k = end + 1;
      continue;
    }
    if (!(isWord(st[0], 'COMMENT') && isWord(st[1], 'ON')))
      return fail(
        st[0].offset,
        'more than one statement in the file',
        'put one CREATE statement per table_definition file; only COMMENT ON statements may follow it',
      );
    const kind = st[2]?.text.toUpperCase();
    const qn = qualifiedName(st, 3);
    const isAt = qn ? st[qn.next] : undefined;
    const value = qn ? st[qn.next + 1] : undefined;
    if (
      !['TABLE', 'VIEW', 'COLUMN'].includes(kind ?? '') ||
      !qn ||
      !isWord(isAt, 'IS') ||
      !value ||
      !(value.kind === 'string' || isWord(value, 'NULL')) ||
      qn.next + 2 !== st.length
    )
      return fail(
        st[0].offset,
        "expected COMMENT ON TABLE name IS '…' or COMMENT ON COLUMN name.column IS '…'",
      );
    const parts = kind === 'COLUMN' ? qn.parts.slice(0, -1) : qn.parts;
    const target = parts.join('.');
    const short = fullName.split('.').pop();
    if (target !== fullName && target !== short)
      return {
        diagnostics: [
          diag('ETL1404', `COMMENT ON names ${target || '(no table)'}, but this file defines ${fullName}`, {
            ...lineCol(text, st[3].offset),
            hint: `comment on ${fullName} (or ${fullName}.column) in this file`,
          }),
        ],
      };
    comments.push({
      column: kind === 'COLUMN' ? qn.parts[qn.parts.length - 1] : undefined,
      value: value.kind === 'string' ? unquoteSqlString(value.text) : undefined,
      statement: text.slice(st[0].offset, value.offset + value.text.length),
      offset: st[kind === 'COLUMN' ? 3 + (qn.parts.length - 1) * 2 : 3].offset,
    });
    k = end + 1;
  }
  return { comments };
}

interface ColumnsBody {
  columns: ColumnDef[];
  primaryKey: string[];
  references: string[];
  distKey?: string;
  sortKey: string[];
  items: { name?: string; start: number; end: number }[];
  /** Index of the column list's closing parenthesis. */
  close: number;
}

/** The column list starting at `tokens[open]` (a '('), and the table attributes after it. */
function parseColumns(
  tokens: Token[],
  open: number,
  statementEnd: number,
  text: string,
  fullName: string,
  fail: Fail,
): ColumnsBody | Failure {
  // Split the column list at depth-0 commas.
  const items: Token[][] = [];
  let depth = 0;
  let current: Token[] = [];
  let k = open + 1;
  for (; k < statementEnd; k++) {
    const t = tokens[k];
    if (t.text === '(') depth++;
    if (t.text === ')') {
      if (depth === 0) break;
      depth--;
    }
    if (t.text === ',' && depth === 0) {
      items.push(current);
      current = [];
    } else current.push(t);
  }
  if (k >= statementEnd)
    return fail(tokens[open].offset, `unbalanced parentheses in the column list of ${fullName}`);
  items.push(current);
  const columns: ColumnDef[] = [];
  const primaryKey: string[] = [];
  const references = new Set<string>();
  const spans: ColumnsBody['items'] = [];
  let distKey: string | undefined;
  let sortKey: string[] = [];
  for (const item of items) {
    if (item.length === 0) return fail(tokens[k].offset, 'empty column definition (a stray comma?)');
    const span = { start: item[0].offset, end: tokenEnd(item[item.length - 1]) };
    if (isWord(item[0], 'CONSTRAINT')) item.splice(0, 2);
    if (isWord(item[0], 'PRIMARY') && isWord(item[1], 'KEY')) {
      const l = identList(item, 2);
      if (!l) return fail(item[0].offset, 'PRIMARY KEY needs a column list, e.g. PRIMARY KEY (id)');
      primaryKey.push(...l.names);
      spans.push(span);
      continue;
    }
    if (isWord(item[0], 'FOREIGN') && isWord(item[1], 'KEY')) {
      const r = item.findIndex((t) => isWord(t, 'REFERENCES'));
      const q = r >= 0 ? qualifiedName(item, r + 1) : undefined;
      if (q) references.add(q.parts.join('.'));
      spans.push(span);
      continue;
    }
    if (isWord(item[0], 'UNIQUE', 'CHECK', 'DISTKEY', 'SORTKEY', 'KEY', 'INDEX')) {
      spans.push(span);
      continue;
    }
    const col = parseColumn(item, text, span, fail);
    if ('diagnostics' in col) return col;
    const { def, flags } = col;
    if (flags.primaryKey) primaryKey.push(def.name);
    if (flags.distKey) distKey = def.name;
    if (flags.sortKey) sortKey.push(def.name);
    for (const r of flags.references) references.add(r);
    columns.push(def);
    spans.push({ ...span, name: def.name });
  }
  // Table attributes after the closing parenthesis.
  for (let m = k + 1; m < statementEnd; m++) {
    if (isWord(tokens[m], 'DISTKEY')) {
      const l = identList(tokens, m + 1);
      if (l) distKey = l.names[0];
    }
    if (isWord(tokens[m], 'SORTKEY')) {
      const l = identList(tokens, m + 1);
      if (l) sortKey = l.names;
    }
  }
  if (columns.length === 0) return fail(tokens[open].offset, `table ${fullName} has no columns`);
  const names = new Set(columns.map((c) => c.name));
  for (const pk of primaryKey) {
    if (!names.has(pk)) {
      const t = tokens.find((x, m) => m > open && ident(x) === pk) ?? tokens[open];
      return fail(t.offset, `PRIMARY KEY names column '${pk}', which ${fullName} does not have`);
    }
  }
  return { columns, primaryKey, references: [...references], distKey, sortKey, items: spans, close: k };
}

function tokenEnd(t: Token): number {
  return t.offset + (t.kind === 'quoted' ? t.text.length + 2 : t.text.length);
}

/** One column definition: name, type (words until a constraint keyword, with an optional (p,s)), attributes. */
function parseColumn(
  item: Token[],
  text: string,
  span: { start: number; end: number },
  fail: Fail,
):
  | {
      def: ColumnDef;
      flags: { primaryKey: boolean; distKey: boolean; sortKey: boolean; references: string[] };
    }
  | Failure {
  const colName = ident(item[0]);
  if (!colName) return fail(item[0].offset, `expected a column name, found '${item[0].text}'`);
  if (!item[1]) return fail(item[0].offset, `column ${colName} has no type`);
  let j = 1;
  const typeParts: string[] = [];
  while (j < item.length && item[j].kind === 'word' && !isWord(item[j], ...TYPE_STOP_WORDS)) {
    typeParts.push(item[j].text.toUpperCase());
    j++;
  }
  if (typeParts.length === 0) return fail(item[1].offset, `column ${colName} has no type`);
  let type = typeParts.join(' ');
  if (item[j]?.text === '(') {
    const close = item.findIndex((t, m) => m > j && t.text === ')');
    if (close < 0) return fail(item[j].offset, `unbalanced parentheses in the type of ${colName}`);
    type +=
      '(' +
      item
        .slice(j + 1, close)
        .map((t) => t.text)
        .join('') +
      ')';
    j = close + 1;
  }
  const rest = item.slice(j);
  let nullable = true;
  let description: string | undefined;
  const flags = { primaryKey: false, distKey: false, sortKey: false, references: [] as string[] };
  for (let m = 0; m < rest.length; m++) {
    if (isWord(rest[m], 'NOT') && isWord(rest[m + 1], 'NULL')) nullable = false;
    if (isWord(rest[m], 'PRIMARY') && isWord(rest[m + 1], 'KEY')) {
      flags.primaryKey = true;
      nullable = false;
    }
    if (isWord(rest[m], 'DISTKEY')) flags.distKey = true;
    if (isWord(rest[m], 'SORTKEY')) flags.sortKey = true;
    if (isWord(rest[m], 'REFERENCES')) {
      const q = qualifiedName(rest, m + 1);
      if (q) flags.references.push(q.parts.join('.'));
    }
    // MySQL's inline column comment (what `database generate --dialect mysql` writes).
    if (isWord(rest[m], 'COMMENT') && rest[m + 1]?.kind === 'string')
      description = unquoteSqlString(rest[m + 1].text);
  }
  const attrStart = rest[0]?.offset;
  const attributes = attrStart === undefined ? '' : text.slice(attrStart, span.end);
  return {
    def: {
      name: colName,
      type,
      nullable,
      attributes: attributes.trim(),
      line: lineCol(text, span.start).line,
      span,
      ...(description !== undefined ? { description } : {}),
    },
    flags,
  };
}

/** MySQL's table option `COMMENT [=] '…'` after the column list. */
function tableOptionComment(tokens: Token[], from: number, statementEnd: number): string | undefined {
  for (let m = from; m < statementEnd; m++) {
    if (!isWord(tokens[m], 'COMMENT')) continue;
    const v = tokens[m + 1]?.text === '=' ? tokens[m + 2] : tokens[m + 1];
    if (v?.kind === 'string') return unquoteSqlString(v.text);
  }
  return undefined;
}

/** Descriptions and PII levels from annotations and COMMENT ON statements, onto the table and its columns. */
function applyMetadata(
  text: string,
  file: string,
  parsed: ReturnType<typeof parseAnnotations>,
  columns: ColumnDef[],
  comments: readonly CommentStatement[],
  items: ColumnsBody['items'],
  listStart: number,
  listEnd: number,
): { table: { description?: string; owner?: string; tags: string[] }; diagnostics: Diagnostic[] } {
  const diagnostics = [...parsed.diagnostics];
  const annotated = new Map<string, AnnotatedColumn>(
    columns.map((c) => [c.name, { name: c.name, start: c.span.start, end: c.span.end }]),
  );
  const applied = applyAnnotations(text, file, parsed.annotations, items, listStart, listEnd, annotated);
  diagnostics.push(...applied.diagnostics);
  const table = { ...applied.table };
  const byName = new Map(columns.map((c) => [c.name, c]));
  for (const c of columns) {
    const a = annotated.get(c.name)!;
    if (a.pii) c.pii = a.pii;
    if (a.description !== undefined) c.description = a.description;
  }
  for (const cs of comments) {
    if (cs.value === undefined) continue;
    const twice = (what: string) =>
      diagnostics.push(
        diag('ETL1406', `${what} is described twice (COMMENT ON and an etlctl description)`, {
          file,
          ...lineCol(text, cs.offset),
          hint: 'keep one: COMMENT ON also puts the description into the database',
        }),
      );
    if (cs.column === undefined) {
      if (table.description !== undefined) twice('the table');
      table.description = cs.value;
      continue;
    }
    const col = byName.get(cs.column);
    if (!col) {
      diagnostics.push(
        diag('ETL1405', `COMMENT ON COLUMN names '${cs.column}', which the table does not have`, {
          file,
          ...lineCol(text, cs.offset),
          hint: didYouMean(cs.column, byName.keys()) ?? `columns: ${[...byName.keys()].join(', ')}`,
        }),
      );
      continue;
    }
    if (annotated.get(col.name)?.description !== undefined) twice(`column ${col.name}`);
    col.description = cs.value;
  }
  return { table, diagnostics };
}
