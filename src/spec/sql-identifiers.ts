/**
 * Table and column names as SQL identifiers: parsed from what a user wrote (`schema.table`,
 * `"Quoted Name"`, MySQL `` `db`.`t` ``), and rendered for the SQL etlctl builds so that a name
 * can never become SQL of its own. Rendering is exact, never a guess:
 *
 * - a part written without quotes stays as written when it is a regular identifier (PostgreSQL
 *   and Redshift fold it to lower case, MySQL keeps it, so writing it bare means what the user
 *   wrote); a reserved word is quoted (in its folded form for PostgreSQL/Redshift);
 * - a quoted part, and any name from a table definition file (already folded), is written bare
 *   only when that is the same identifier (lower-case regular, not reserved), else quoted with
 *   the dialect's quote character doubled inside.
 */

export type SqlDialect = 'postgres' | 'mysql';

export interface IdentPart {
  /** The identifier itself (the text inside the quotes for a quoted part). */
  name: string;
  /** Written in quotes ("…" or `…`). */
  quoted: boolean;
}

/** Redshift's and PostgreSQL's limit on an identifier (in bytes); MySQL allows 64 characters. */
export const MAX_IDENTIFIER_BYTES = 127;

// Reserved words of PostgreSQL, Redshift and MySQL: quoting one of these in every dialect keeps a
// name a name (a lower-case word quoted is the same identifier as written bare).
const RESERVED = new Set(
  (
    'add all allowoverwrite alter analyse analyze and any array as asc asymmetric authorization backup between ' +
    'binary blanksasnull both by bytedict bzip2 call case cast change check collate column condition constraint ' +
    'create credentials cross current_catalog current_date current_role current_time current_timestamp ' +
    'current_user current_user_id database databases default deferrable deflate defrag delete delta delta32k ' +
    'desc describe disable distinct do drop else emptyasnull enable encode encrypt encryption end except exists ' +
    'explain explicit false fetch for foreign freeze from full globaldict256 globaldict64k grant group gzip ' +
    'having identity ignore ilike in index initially inner insert intersect interval into is isnull join key ' +
    'keys kill language lateral leading left like limit localtime localtimestamp lun luns lzo lzop minus ' +
    'mostly16 mostly32 mostly8 natural new not notnull null nulls off offline offset oid old on only open or ' +
    'order outer overlaps parallel partition percent permissions pivot placing primary procedure range raw ' +
    'read readratio recover references rejectlog rename replace resort respect restore returning right ' +
    'schema select session_user set show similar snapshot some symmetric sysdate system table tag tdes ' +
    'text255 text32k then timestamp to top trailing true truncatecolumns union unique unnest unpivot update ' +
    'usage use user using values variadic verbose wallet when where window with without'
  ).split(' '),
);

const REGULAR = /^[\p{L}_][\p{L}\p{N}_$]*$/u;
const LOWER_REGULAR = /^[a-z_][a-z0-9_$]*$/;

export function isReserved(word: string): boolean {
  return RESERVED.has(word.toLowerCase());
}

/**
 * Parse a possibly qualified name. `mysql` allows backtick quotes (MySQL's) besides double
 * quotes. Returns the parts, or a one-line reason the text is not a name.
 */
export function parseQualifiedName(
  text: string,
  opts: { maxParts?: number; mysql?: boolean } = {},
): { parts: IdentPart[] } | { error: string } {
  const maxParts = opts.maxParts ?? 2;
  const parts: IdentPart[] = [];
  let i = 0;
  for (;;) {
    const c = text[i];
    if (c === '"' || (c === '`' && opts.mysql)) {
      let j = i + 1;
      let name = '';
      for (;;) {
        if (j >= text.length) return { error: `the quote at character ${i + 1} is not closed` };
        if (text[j] === c) {
          if (text[j + 1] === c) {
            name += c;
            j += 2;
            continue;
          }
          break;
        }
        name += text[j++];
      }
      if (name === '') return { error: 'a quoted name is empty' };
      if (name.includes('\0')) return { error: 'a name may not contain a NUL character' };
      parts.push({ name, quoted: true });
      i = j + 1;
    } else {
      const m = /^[\p{L}_][\p{L}\p{N}_$]*/u.exec(text.slice(i));
      if (!m) {
        const at = text[i];
        return {
          error:
            at === undefined
              ? text === ''
                ? 'the name is empty'
                : `the name ends with '.'`
              : `${JSON.stringify(at)} at character ${i + 1} cannot be part of a name`,
        };
      }
      parts.push({ name: m[0], quoted: false });
      i += m[0].length;
    }
    if (Buffer.byteLength(parts[parts.length - 1].name, 'utf8') > MAX_IDENTIFIER_BYTES)
      return { error: `a name part is longer than ${MAX_IDENTIFIER_BYTES} bytes` };
    if (i === text.length) break;
    if (text[i] !== '.')
      return { error: `${JSON.stringify(text[i])} at character ${i + 1} cannot be part of a name` };
    i++;
  }
  if (parts.length > maxParts)
    return {
      error: `it has ${parts.length} parts; at most ${maxParts === 1 ? 'one (no schema)' : `${maxParts} (${maxParts === 2 ? 'schema.table' : 'database.schema.table'})`}`,
    };
  return { parts };
}

/** One identifier (an actual name, as a table definition holds it) as SQL text. */
export function quoteIdent(name: string, dialect: SqlDialect = 'postgres'): string {
  if (dialect === 'mysql') {
    return REGULAR.test(name) && !isReserved(name) ? name : '`' + name.replace(/`/g, '``') + '`';
  }
  return LOWER_REGULAR.test(name) && !isReserved(name) ? name : '"' + name.replace(/"/g, '""') + '"';
}

/** One part as the user wrote it, as SQL text meaning exactly that. */
export function renderPart(part: IdentPart, dialect: SqlDialect = 'postgres'): string {
  if (part.quoted) return quoteIdent(part.name, dialect);
  if (!isReserved(part.name)) return part.name;
  // A reserved word written bare names its folded form.
  return quoteIdent(dialect === 'mysql' ? part.name : part.name.toLowerCase(), dialect);
}

export function renderName(parts: readonly IdentPart[], dialect: SqlDialect = 'postgres'): string {
  return parts.map((p) => renderPart(p, dialect)).join('.');
}

/** Names from a table definition (`schema`, `name`, already folded) as SQL text. */
export function quoteQualified(
  names: readonly (string | undefined)[],
  dialect: SqlDialect = 'postgres',
): string {
  return names
    .filter((n): n is string => n !== undefined)
    .map((n) => quoteIdent(n, dialect))
    .join('.');
}

/** The identifier a part names once the database folds it (PostgreSQL/Redshift: lower case). */
export function foldedName(part: IdentPart, dialect: SqlDialect = 'postgres'): string {
  return part.quoted || dialect === 'mysql' ? part.name : part.name.toLowerCase();
}

/** A hint for a name that did not parse. */
export function identifierHint(what: string): string {
  return (
    `${what} is a name, not SQL: write it as name or schema.name (letters, digits, _ and $), ` +
    'and put a name with other characters in double quotes, e.g. "Sales Data"'
  );
}
