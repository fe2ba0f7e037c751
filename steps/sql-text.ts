/** Small SQL text helpers for steps: placeholders outside string literals, identifiers and comments. */

interface Placeholder {
  at: number;
  text: '?' | '%s';
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
    } else if (c === '-' && sql[i + 1] === '-') {
      const end = sql.indexOf('\n', i);
      i = end < 0 ? sql.length : end + 1;
    } else if (c === '/' && sql[i + 1] === '*') {
      const end = sql.indexOf('*/', i + 2);
      i = end < 0 ? sql.length : end + 2;
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
