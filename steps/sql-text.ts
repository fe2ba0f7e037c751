import type { StepContext } from '../src/compile/context.js';
/** Small SQL text helpers for steps: placeholders outside string literals, identifiers and comments. */

interface Placeholder {
  at: number;
  text: '?' | '%s';
}

/** Where a comment starting at `i` (`--` to the line end, `/* … *\/`) ends, or undefined when none starts there. */
function commentEnd(sql: string, i: number): number | undefined {
  if (sql[i] === '-' && sql[i + 1] === '-') {
    const end = sql.indexOf('\n', i);
    return end < 0 ? sql.length : end + 1;
  }
  if (sql[i] === '/' && sql[i + 1] === '*') {
    const end = sql.indexOf('*/', i + 2);
    return end < 0 ? sql.length : end + 2;
  }
  return undefined;
}

/** `?` and `%s` placeholders in code (not inside '…', "…", -- or /* … *\/). */
export function sqlPlaceholders(sql: string): Placeholder[] {
  const out: Placeholder[] = [];
  let i = 0;
  while (i < sql.length) {
    const c = sql[i];
    if (c === "'" || c === '"') {
      // A doubled quote inside is an escaped quote, so scanning to the next single one is enough.
      const end = sql.indexOf(c, i + 1);
      i = end < 0 ? sql.length : end + 1;
    } else if (commentEnd(sql, i) !== undefined) {
      i = commentEnd(sql, i)!;
    } else if (c === '?') {
      out.push({ at: i, text: '?' });
      i++;
    } else if (c === '%' && sql[i + 1] === 's') {
      out.push({ at: i, text: '%s' });
      i += 2;
    } else i++;
  }
  return out;
}

/** Dataduct's psycopg2-style `%s` placeholders → SqlActivity's `?`. */
export function percentToQuestion(sql: string): string {
  let out = '';
  let last = 0;
  for (const p of sqlPlaceholders(sql)) {
    if (p.text !== '%s') continue;
    out += sql.slice(last, p.at) + '?';
    last = p.at + 2;
  }
  return out + sql.slice(last);
}

/** One statement, without a trailing semicolon and surrounding blank space. */
export function statementBody(sql: string): string {
  return sql.trim().replace(/;\s*$/, '');
}

/**
 * Dataduct's `script_arguments` bind to `?` (SqlActivity) or `%s` placeholders (rewritten to `?`).
 * Returns the SQL to emit, or undefined after reporting a count mismatch at `script_arguments`.
 */
export function bindArgumentPlaceholders(ctx: StepContext, sql: string, args: string[]): string | undefined {
  // Without arguments nothing is bound, so a literal ? or %s is left alone.
  if (args.length === 0) return sql;
  const bound = percentToQuestion(sql);
  const holes = sqlPlaceholders(bound).length;
  if (holes === args.length) return bound;
  ctx.error(
    'ETL1120',
    `the SQL has ${holes} placeholder${holes === 1 ? '' : 's'} but script_arguments gives ${args.length} value${args.length === 1 ? '' : 's'}`,
    ['script_arguments'],
    'give one script_arguments value per ? (or %s) in the SQL, in order',
  );
  return undefined;
}

/**
 * Offset of the first `;` that ends a statement with more code after it, or -1. Quotes ('…',
 * "…", `…`, $tag$…$tag$) and comments (--, /* *\/) are skipped; with `backslashEscapes`, a
 * backslash escapes the next character inside quotes (MySQL's strings).
 */
function statementBreak(sql: string, backslashEscapes: boolean): number {
  let i = 0;
  let semicolon = -1;
  while (i < sql.length) {
    const c = sql[i];
    if (c === "'" || c === '"' || c === '`') {
      let j = i + 1;
      while (j < sql.length && sql[j] !== c) j += backslashEscapes && sql[j] === '\\' ? 2 : 1;
      i = j + 1;
    } else if (c === '$' && /^\$[A-Za-z_]*\$/.test(sql.slice(i, i + 64))) {
      const tag = /^\$[A-Za-z_]*\$/.exec(sql.slice(i, i + 64))![0];
      const end = sql.indexOf(tag, i + tag.length);
      i = end < 0 ? sql.length : end + tag.length;
    } else if (commentEnd(sql, i) !== undefined) {
      i = commentEnd(sql, i)!;
    } else if (c === ';') {
      semicolon = i;
      i++;
    } else {
      if (semicolon >= 0 && !/\s/.test(c)) return semicolon;
      i++;
    }
  }
  return -1;
}

/** True when `sql` holds one statement (a trailing `;` allowed), read with and without backslash escapes. */
export function isSingleStatement(sql: string): boolean {
  return statementBreak(sql, false) < 0 && statementBreak(sql, true) < 0;
}

/** A query parameter must be one statement: anything after a `;` would run as SQL of its own. */
export function checkSingleStatement(ctx: StepContext, key: string, sql: string): boolean {
  if (isSingleStatement(sql)) return true;
  ctx.error(
    'ETL1202',
    `${key} must be one SQL statement, but it goes on after a ';'`,
    [key],
    `${key} is a query (or a clause of one); to run several statements use a sql-command step`,
  );
  return false;
}
