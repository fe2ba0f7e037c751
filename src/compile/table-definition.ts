/**
 * Parser for `table_definition` files: Redshift `CREATE TABLE` (DISTKEY, SORTKEY, ENCODE,
 * DISTSTYLE, PRIMARY KEY inline or as a constraint, `schema.table`) and `CREATE VIEW`.
 * It extracts what upsert, reload, QA and the database commands need: columns, types, the
 * primary key and the tables a definition refers to.
 */
import type { Diagnostic } from '../diagnostics.js';
import { diag } from '../diagnostics.js';

export interface ColumnDef {
  name: string;
  type: string;
  nullable: boolean;
  /** Column-level attributes kept verbatim (DEFAULT …, ENCODE …, IDENTITY(…), …). */
  attributes: string;
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
  /** The statement as written (comments removed, one statement, no trailing semicolon). */
  sql: string;
}

interface Token {
  kind: 'word' | 'quoted' | 'string' | 'punct' | 'number';
  text: string;
  offset: number;
}

function tokenize(sql: string): { tokens: Token[]; error?: { offset: number; message: string } } {
  const tokens: Token[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (/\s/.test(c)) {
      i++;
    } else if (c === '-' && sql[i + 1] === '-') {
      while (i < sql.length && sql[i] !== '\n') i++;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      if (end < 0) return { tokens, error: { offset: i, message: 'unterminated /* comment' } };
      i = end + 2;
    } else if (c === "'") {
      let j = i + 1;
      while (j < sql.length && !(sql[j] === "'" && sql[j + 1] !== "'")) j += sql[j] === "'" ? 2 : 1;
      if (j >= sql.length) return { tokens, error: { offset: i, message: 'unterminated string literal' } };
      tokens.push({ kind: 'string', text: sql.slice(i, j + 1), offset: i });
      i = j + 1;
    } else if (c === '"') {
      const end = sql.indexOf('"', i + 1);
      if (end < 0) return { tokens, error: { offset: i, message: 'unterminated quoted identifier' } };
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
  return { tokens };
}

function lineCol(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
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

export function parseTableDefinition(
  text: string,
  file: string,
): { table?: TableDef; diagnostics: Diagnostic[] } {
  const fail = (offset: number, message: string, hint?: string) => {
    const pos = lineCol(text, offset);
    return {
      diagnostics: [
        diag('ETL3101', `cannot parse table definition: ${message}`, {
          file,
          ...pos,
          hint: hint ?? 'the file must hold one CREATE TABLE (or CREATE VIEW) statement',
        }),
      ],
    };
  };
  const { tokens, error } = tokenize(text);
  if (error) return fail(error.offset, error.message);
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
  i = qn.next;
  const [schema, name] = qn.parts.length === 2 ? qn.parts : [undefined, qn.parts[0]];
  const fullName = schema ? `${schema}.${name}` : name;
  const statementEnd = (() => {
    const semi = tokens.findIndex((t, k) => k >= i && t.text === ';');
    return semi < 0 ? tokens.length : semi;
  })();
  const trailing = tokens.slice(statementEnd + 1);
  if (trailing.length > 0)
    return fail(
      trailing[0].offset,
      'more than one statement in the file',
      'put one CREATE statement per table_definition file',
    );
  const sql = text
    .slice(tokens[0].offset, statementEnd < tokens.length ? tokens[statementEnd].offset : text.length)
    .trim();

  if (isView) {
    const refs = new Set<string>();
    for (let k = i; k < statementEnd; k++) {
      if (isWord(tokens[k], 'FROM', 'JOIN')) {
        const r = qualifiedName(tokens, k + 1);
        if (r) refs.add(r.parts.join('.'));
      }
    }
    return {
      table: {
        schema,
        name,
        fullName,
        columns: [],
        primaryKey: [],
        references: [...refs],
        isView,
        sortKey: [],
        sql,
      },
      diagnostics: [],
    };
  }

  if (tokens[i]?.text !== '(')
    return fail(tokens[i]?.offset ?? text.length, `expected '(' after the table name ${fullName}`);
  // Split the column list at depth-0 commas.
  const items: Token[][] = [];
  let depth = 0;
  let current: Token[] = [];
  let k = i + 1;
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
    return fail(tokens[i].offset, `unbalanced parentheses in the column list of ${fullName}`);
  items.push(current);
  const columns: ColumnDef[] = [];
  const primaryKey: string[] = [];
  const references = new Set<string>();
  let distKey: string | undefined;
  let sortKey: string[] = [];
  for (const item of items) {
    if (item.length === 0) return fail(tokens[k].offset, 'empty column definition (a stray comma?)');
    if (isWord(item[0], 'CONSTRAINT')) item.splice(0, 2);
    if (isWord(item[0], 'PRIMARY') && isWord(item[1], 'KEY')) {
      const l = identList(item, 2);
      if (!l) return fail(item[0].offset, 'PRIMARY KEY needs a column list, e.g. PRIMARY KEY (id)');
      primaryKey.push(...l.names);
      continue;
    }
    if (isWord(item[0], 'FOREIGN') && isWord(item[1], 'KEY')) {
      const r = item.findIndex((t) => isWord(t, 'REFERENCES'));
      const q = r >= 0 ? qualifiedName(item, r + 1) : undefined;
      if (q) references.add(q.parts.join('.'));
      continue;
    }
    if (isWord(item[0], 'UNIQUE', 'CHECK', 'DISTKEY', 'SORTKEY')) continue;
    const colName = ident(item[0]);
    if (!colName) return fail(item[0].offset, `expected a column name, found '${item[0].text}'`);
    if (!item[1]) return fail(item[0].offset, `column ${colName} has no type`);
    // The type: words until a constraint keyword, with an optional (p,s) and multi-word types.
    let j = 1;
    const typeParts: string[] = [];
    while (
      j < item.length &&
      item[j].kind === 'word' &&
      !isWord(
        item[j],
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
      )
    ) {
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
    for (let m = 0; m < rest.length; m++) {
      if (isWord(rest[m], 'NOT') && isWord(rest[m + 1], 'NULL')) nullable = false;
      if (isWord(rest[m], 'PRIMARY') && isWord(rest[m + 1], 'KEY')) {
        primaryKey.push(colName);
        nullable = false;
      }
      if (isWord(rest[m], 'DISTKEY')) distKey = colName;
      if (isWord(rest[m], 'SORTKEY')) sortKey.push(colName);
      if (isWord(rest[m], 'REFERENCES')) {
        const q = qualifiedName(rest, m + 1);
        if (q) references.add(q.parts.join('.'));
      }
    }
    const attrStart = rest[0]?.offset;
    const lastTok = item[item.length - 1];
    const attributes =
      attrStart === undefined
        ? ''
        : text.slice(
            attrStart,
            lastTok.offset + (lastTok.kind === 'quoted' ? lastTok.text.length + 2 : lastTok.text.length),
          );
    columns.push({ name: colName, type, nullable, attributes: attributes.trim() });
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
  if (columns.length === 0) return fail(tokens[i].offset, `table ${fullName} has no columns`);
  const names = new Set(columns.map((c) => c.name));
  for (const pk of primaryKey) {
    if (!names.has(pk)) {
      const t = tokens.find((x, m) => m > i && ident(x) === pk) ?? tokens[i];
      return fail(t.offset, `PRIMARY KEY names column '${pk}', which ${fullName} does not have`);
    }
  }
  return {
    table: {
      schema,
      name,
      fullName,
      columns,
      primaryKey,
      references: [...references],
      isView: false,
      distKey,
      sortKey,
      sql,
    },
    diagnostics: [],
  };
}
