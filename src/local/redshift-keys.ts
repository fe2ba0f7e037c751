/**
 * Redshift PRIMARY KEY, UNIQUE and FOREIGN KEY constraints are informational: Redshift accepts
 * rows that break them (its docs: "not enforced by Amazon Redshift when you populate a table").
 * PostgreSQL and PGlite enforce them, so a load that works on AWS would fail locally with a
 * duplicate key. When Redshift DDL is translated for a local PostgreSQL/PGlite target, these
 * constraints are left out (each one listed in the run report), primary-key columns stay NOT NULL
 * (Redshift enforces NOT NULL), and the declared primary key is kept as a non-unique index whose
 * comment marks it ({@link INFORMATIONAL_KEY_COMMENT}): the loader's OVERWRITE_EXISTING /
 * KEEP_EXISTING read their merge key from it (activities/data.ts `tableInfo`).
 */
import type { Token } from './translate.js';
// Function declarations only: translate.ts imports this module too, and these are called at run time.
import { matchParen, splitArgs } from './translate.js';

/** The comment on the index that records a declared (not enforced) Redshift primary key. */
export const INFORMATIONAL_KEY_COMMENT = 'etlctl: Redshift PRIMARY KEY (informational, not enforced)';

export interface InformationalConstraints {
  /** The statement without the constraints (a column PRIMARY KEY becomes NOT NULL). */
  tokens: Token[];
  /** What was left out, with the line it was on (for the run report). */
  notes: { line: number; text: string }[];
  /** SQL to run after the statement: the declared primary key as a commented, non-unique index. */
  after: string[];
  /** The statement only added constraints (ALTER TABLE … ADD PRIMARY KEY …): it is not run. */
  dropStatement: boolean;
}

const isSig = (t: Token | undefined): boolean => !!t && t.type !== 'ws' && t.type !== 'comment';
const up = (t: Token | undefined): string => (t && t.type === 'word' ? t.text.toUpperCase() : '');

/** Indexes of the significant tokens in [start, end). */
function sigIndexes(tokens: Token[], start: number, end: number): number[] {
  const out: number[] = [];
  for (let k = start; k < end; k++) if (isSig(tokens[k])) out.push(k);
  return out;
}

const text = (tokens: Token[], from: number, to: number): string =>
  tokens
    .slice(from, to)
    .map((t) => t.text)
    .join('')
    .replace(/\s+/g, ' ')
    .trim();

/** The column names inside `(a, b)` starting at the '(' at `open`, as written. */
function columnList(tokens: Token[], open: number): { names: string[]; close: number } {
  const close = matchParen(tokens, open);
  if (close < 0) return { names: [], close: tokens.length - 1 };
  const names = splitArgs(tokens, open, close)
    .map(([s, e]) => text(tokens, s, e))
    .filter((n) => n !== '');
  return { names, close };
}

/** A table constraint (`[CONSTRAINT n] PRIMARY KEY (…)`, `UNIQUE (…)`, `FOREIGN KEY (…) REFERENCES …`). */
interface TableConstraint {
  kind: 'PRIMARY KEY' | 'UNIQUE' | 'FOREIGN KEY';
  name?: string;
  columns: string[];
  written: string;
}

function tableConstraint(tokens: Token[], s: number, e: number): TableConstraint | undefined {
  const sig = sigIndexes(tokens, s, e);
  let i = 0;
  let name: string | undefined;
  if (up(tokens[sig[0]]) === 'CONSTRAINT') {
    name = tokens[sig[1]]?.text;
    i = 2;
  }
  const w = up(tokens[sig[i]]);
  const w2 = up(tokens[sig[i + 1]]);
  const kind =
    w === 'PRIMARY' && w2 === 'KEY'
      ? 'PRIMARY KEY'
      : w === 'FOREIGN' && w2 === 'KEY'
        ? 'FOREIGN KEY'
        : w === 'UNIQUE'
          ? 'UNIQUE'
          : undefined;
  if (!kind) return undefined;
  const open = sig[kind === 'UNIQUE' ? i + 1 : i + 2];
  if (tokens[open]?.text !== '(') return undefined;
  return { kind, name, columns: columnList(tokens, open).names, written: text(tokens, s, e) };
}

/** Column constraints of one column definition: what to drop and whether it declared the key. */
function columnConstraints(
  tokens: Token[],
  s: number,
  e: number,
): { drop: Set<number>; notNull: number | undefined; primaryKey: boolean; found: string[]; name?: string } {
  const drop = new Set<number>();
  const found: string[] = [];
  let primaryKey = false;
  let notNull: number | undefined;
  let name: string | undefined;
  const sig = sigIndexes(tokens, s, e);
  const hasNotNull = sig.some((k, j) => up(tokens[k]) === 'NOT' && up(tokens[sig[j + 1]]) === 'NULL');
  let depth = 0;
  for (let j = 2; j < sig.length; j++) {
    const k = sig[j];
    const t = tokens[k];
    if (t.text === '(') depth++;
    if (t.text === ')') depth--;
    if (depth !== 0 || t.type !== 'word') continue;
    const from = j;
    let w = up(t);
    let constraintName: string | undefined;
    if (w === 'CONSTRAINT' && ['PRIMARY', 'UNIQUE', 'REFERENCES'].includes(up(tokens[sig[j + 2]]))) {
      constraintName = tokens[sig[j + 1]].text;
      j += 2;
      w = up(tokens[sig[j]]);
    }
    let to: number; // last significant index (into sig) of the constraint
    if (w === 'PRIMARY' && up(tokens[sig[j + 1]]) === 'KEY') {
      to = j + 1;
      primaryKey = true;
      name = constraintName;
      found.push('PRIMARY KEY');
    } else if (w === 'UNIQUE') {
      to = j;
      found.push('UNIQUE');
    } else if (w === 'REFERENCES') {
      // REFERENCES reftable [ ( refcolumn ) ]
      to = j + 1;
      while (tokens[sig[to + 1]]?.text === '.') to += 2;
      if (tokens[sig[to + 1]]?.text === '(') {
        const close = matchParen(tokens, sig[to + 1]);
        to = sig.indexOf(close);
      }
      found.push(text(tokens, sig[j], sig[to] + 1));
    } else continue;
    for (let k2 = sig[from]; k2 <= sig[to]; k2++) drop.add(k2);
    // A column PRIMARY KEY is NOT NULL on Redshift too: keep that part where the key was written.
    if (w === 'PRIMARY' && !hasNotNull) notNull = sig[from];
    j = to;
  }
  return { drop, notNull, primaryKey, found, name };
}

/** `CREATE [TEMP] TABLE [IF NOT EXISTS] name (` → the name's token range and the '(' index. */
function createTableParts(tokens: Token[]): { name: [number, number]; open: number } | undefined {
  const sig = sigIndexes(tokens, 0, tokens.length);
  if (up(tokens[sig[0]]) !== 'CREATE') return undefined;
  let i = 1;
  while (['TEMP', 'TEMPORARY', 'LOCAL', 'GLOBAL', 'UNLOGGED'].includes(up(tokens[sig[i]]))) i++;
  if (up(tokens[sig[i]]) !== 'TABLE') return undefined;
  i++;
  if (up(tokens[sig[i]]) === 'IF' && up(tokens[sig[i + 1]]) === 'NOT' && up(tokens[sig[i + 2]]) === 'EXISTS')
    i += 3;
  const first = i;
  while (
    tokens[sig[i]] &&
    (tokens[sig[i]].type === 'word' || tokens[sig[i]].type === 'qident') &&
    tokens[sig[i + 1]]?.text === '.'
  )
    i += 2;
  const last = i;
  if (tokens[sig[last + 1]]?.text !== '(') return undefined;
  return { name: [sig[first], sig[last] + 1], open: sig[last + 1] };
}

/** The name of the index that keeps a declared primary key: the constraint's, else PostgreSQL's `<table>_pkey`. */
function keyIndexName(table: string, constraintName?: string): string {
  const base = table.split('.').pop() ?? table;
  return (
    constraintName ?? (base.startsWith('"') ? `"${base.slice(1, -1)}_pkey"` : `${base.toLowerCase()}_pkey`)
  );
}

/** The index that keeps a declared primary key: non-unique, with the comment that marks it. */
function keyIndexSql(table: string, columns: string[], index: string): string[] {
  const parts = table.split('.');
  const qualified = parts.length > 1 ? `${parts.slice(0, -1).join('.')}.${index}` : index;
  return [
    `CREATE INDEX IF NOT EXISTS ${index} ON ${table} (${columns.join(', ')})`,
    `COMMENT ON INDEX ${qualified} IS '${INFORMATIONAL_KEY_COMMENT}'`,
  ];
}

const WHY = 'Redshift does not enforce it';

function dropNote(written: string): string {
  return `${written} dropped (${WHY})`;
}

function keyNote(written: string, index: string): string {
  return `${written} not enforced (${WHY}); kept as the non-unique index ${index}, the merge key of OVERWRITE_EXISTING/KEEP_EXISTING`;
}

/** CREATE TABLE: table and column constraints left out, the primary key kept as an index. */
function fromCreateTable(tokens: Token[]): InformationalConstraints | undefined {
  const parts = createTableParts(tokens);
  if (!parts) return undefined;
  const close = matchParen(tokens, parts.open);
  if (close < 0) return undefined;
  const table = text(tokens, parts.name[0], parts.name[1]);
  const notes: { line: number; text: string }[] = [];
  const drop = new Set<number>();
  const notNullAt = new Set<number>();
  let key: { columns: string[]; name?: string; written: string; line: number } | undefined;
  const kept: [number, number][] = [];
  for (const [s, e] of splitArgs(tokens, parts.open, close)) {
    const line = tokens[sigIndexes(tokens, s, e)[0] ?? s]?.line ?? 1;
    const c = tableConstraint(tokens, s, e);
    if (c) {
      if (c.kind === 'PRIMARY KEY') key = { columns: c.columns, name: c.name, written: c.written, line };
      else notes.push({ line, text: dropNote(c.written) });
      continue;
    }
    kept.push([s, e]);
    const col = columnConstraints(tokens, s, e);
    col.drop.forEach((k) => drop.add(k));
    if (col.notNull !== undefined) notNullAt.add(col.notNull);
    const column = tokens[sigIndexes(tokens, s, e)[0]]?.text;
    for (const f of col.found) {
      if (f === 'PRIMARY KEY')
        key = { columns: [column], name: col.name, written: `${column} PRIMARY KEY`, line };
      else notes.push({ line, text: dropNote(`${column} ${f}`) });
    }
  }
  if (notes.length === 0 && !key) return undefined;
  const index = keyIndexName(table, key?.name);
  const after = key ? keyIndexSql(table, key.columns, index) : [];
  if (key) notes.unshift({ line: key.line, text: keyNote(key.written, index) });
  const out: Token[] = tokens.slice(0, parts.open + 1);
  kept.forEach(([s, e], i) => {
    if (i > 0) out.push({ type: 'punct', text: ',', line: tokens[s].line });
    for (let k = s; k < e; k++) {
      if (notNullAt.has(k)) out.push({ type: 'word', text: 'NOT NULL', line: tokens[k].line });
      else if (drop.has(k)) continue;
      // The space before a dropped constraint goes with it.
      else if (!(tokens[k].type === 'ws' && drop.has(k + 1) && !notNullAt.has(k + 1))) out.push(tokens[k]);
    }
  });
  out.push(...tokens.slice(close));
  return { tokens: out, notes, after, dropStatement: false };
}

/** ALTER TABLE name ADD [CONSTRAINT n] PRIMARY KEY|UNIQUE|FOREIGN KEY (…): not run; a key kept. */
function fromAlterTable(tokens: Token[]): InformationalConstraints | undefined {
  const sig = sigIndexes(tokens, 0, tokens.length);
  if (up(tokens[sig[0]]) !== 'ALTER' || up(tokens[sig[1]]) !== 'TABLE') return undefined;
  let i = 2;
  if (up(tokens[sig[i]]) === 'IF' && up(tokens[sig[i + 1]]) === 'EXISTS') i += 2;
  if (up(tokens[sig[i]]) === 'ONLY') i++;
  const first = i;
  while (tokens[sig[i + 1]]?.text === '.') i += 2;
  const table = text(tokens, sig[first], sig[i] + 1);
  if (up(tokens[sig[i + 1]]) !== 'ADD') return undefined;
  const c = tableConstraint(tokens, sig[i + 2], tokens.length);
  if (!c) return undefined;
  const index = keyIndexName(table, c.name);
  const after = c.kind === 'PRIMARY KEY' ? keyIndexSql(table, c.columns, index) : [];
  return {
    tokens,
    notes: [
      {
        line: tokens[sig[0]].line,
        text: c.kind === 'PRIMARY KEY' ? keyNote(c.written, index) : dropNote(c.written),
      },
    ],
    after,
    dropStatement: true,
  };
}

/**
 * The informational constraints of a Redshift CREATE TABLE or ALTER TABLE … ADD constraint, for a
 * local PostgreSQL/PGlite target; undefined when the statement declares none.
 */
export function informationalConstraints(tokens: Token[]): InformationalConstraints | undefined {
  return fromCreateTable(tokens) ?? fromAlterTable(tokens);
}
