/**
 * `etlctl database diff` (issue 16): a table definition file against the live table — columns,
 * types, nullability, primary key — and the ALTER statements that make the live table match the
 * file, in the live database's dialect. Where the engine cannot change something in place
 * (Redshift changes only VARCHAR lengths, and no NOT NULL), the difference carries a note
 * instead of a statement.
 */
import type { TableDef } from '../compile/table-definition.js';
import type { Dialect, FieldType } from './ddl-types.js';
import { canonicalType, dialectType, sameType } from './ddl-types.js';
import { quoteIdent } from './ddl.js';
import type { LiveTable } from './introspect.js';

export type DifferenceKind =
  'missing_table' | 'add_column' | 'drop_column' | 'type' | 'nullable' | 'primary_key';

export interface Difference {
  kind: DifferenceKind;
  column?: string;
  /** In the table definition file. */
  expected?: string;
  /** In the live table. */
  actual?: string;
  statements: string[];
  /** Why no statement can do it, or what to watch out for. */
  note?: string;
}

function typeOf(t: string): FieldType | undefined {
  return canonicalType(t);
}

function render(t: string, dialect: Dialect): string {
  const ft = typeOf(t);
  return ft ? dialectType(ft, dialect) : t;
}

export function diffTable(
  def: TableDef,
  live: LiveTable,
  dialect: Dialect,
  createStatements: () => string[],
): Difference[] {
  if (!live.exists) return [{ kind: 'missing_table', statements: createStatements() }];
  const table = def.fullName
    .split('.')
    .map((p) => quoteIdent(p, dialect))
    .join('.');
  const q = (c: string) => quoteIdent(c, dialect);
  const alter = (what: string) => `ALTER TABLE ${table} ${what}`;
  const out: Difference[] = [];
  const liveBy = new Map(live.columns.map((c) => [c.name.toLowerCase(), c]));
  const defNames = new Set(def.columns.map((c) => c.name.toLowerCase()));
  for (const c of def.columns) {
    const l = liveBy.get(c.name.toLowerCase());
    const want = render(c.type, dialect);
    if (!l) {
      out.push({
        kind: 'add_column',
        column: c.name,
        expected: `${want}${c.nullable ? '' : ' NOT NULL'}`,
        statements: [alter(`ADD COLUMN ${q(c.name)} ${want}${c.nullable ? '' : ' NOT NULL'}`)],
        ...(c.nullable ? {} : { note: 'NOT NULL without a DEFAULT fails on a table with rows' }),
      });
      continue;
    }
    const ft = typeOf(c.type);
    const typeDiffers =
      ft && l.type ? !sameType(ft, l.type, dialect) : want.toLowerCase() !== l.rawType.toLowerCase();
    const nullDiffers = c.nullable !== l.nullable;
    if (dialect === 'mysql' && (typeDiffers || nullDiffers)) {
      const d: Difference = {
        kind: typeDiffers ? 'type' : 'nullable',
        column: c.name,
        expected: `${want}${c.nullable ? '' : ' NOT NULL'}`,
        actual: `${l.rawType}${l.nullable ? '' : ' NOT NULL'}`,
        // MODIFY restates the whole column: keep its comment.
        statements: [
          alter(
            `MODIFY COLUMN ${q(c.name)} ${want}${c.nullable ? ' NULL' : ' NOT NULL'}` +
              (c.description ? ` COMMENT '${c.description.replace(/\\/g, '\\\\').replace(/'/g, "''")}'` : ''),
          ),
        ],
      };
      out.push(d);
      continue;
    }
    if (typeDiffers) out.push(typeChange(c.name, want, l.rawType, ft, l.type, dialect, alter, q));
    if (nullDiffers)
      out.push({
        kind: 'nullable',
        column: c.name,
        expected: c.nullable ? 'NULL' : 'NOT NULL',
        actual: l.nullable ? 'NULL' : 'NOT NULL',
        statements:
          dialect === 'redshift'
            ? []
            : [alter(`ALTER COLUMN ${q(c.name)} ${c.nullable ? 'DROP' : 'SET'} NOT NULL`)],
        ...(dialect === 'redshift'
          ? { note: 'Redshift cannot change NOT NULL in place; recreate the table' }
          : {}),
      });
  }
  for (const l of live.columns)
    if (!defNames.has(l.name.toLowerCase()))
      out.push({
        kind: 'drop_column',
        column: l.name,
        actual: l.rawType,
        statements: [alter(`DROP COLUMN ${q(l.name)}`)],
        note: 'drops the column and its data',
      });
  const want = def.primaryKey.map((c) => c.toLowerCase());
  const have = live.primaryKey.map((c) => c.toLowerCase());
  if (want.join(',') !== have.join(',')) {
    const statements: string[] = [];
    if (have.length > 0)
      statements.push(
        dialect === 'mysql'
          ? alter('DROP PRIMARY KEY')
          : alter(`DROP CONSTRAINT ${q(live.primaryKeyName ?? `${def.name}_pkey`)}`),
      );
    if (want.length > 0) statements.push(alter(`ADD PRIMARY KEY (${def.primaryKey.map(q).join(', ')})`));
    out.push({
      kind: 'primary_key',
      expected: want.length ? `(${def.primaryKey.join(', ')})` : 'none',
      actual: have.length ? `(${live.primaryKey.join(', ')})` : 'none',
      statements,
    });
  }
  return out;
}

function typeChange(
  column: string,
  want: string,
  raw: string,
  ft: FieldType | undefined,
  lt: FieldType | undefined,
  dialect: Dialect,
  alter: (s: string) => string,
  q: (s: string) => string,
): Difference {
  const base = { kind: 'type' as const, column, expected: want, actual: raw };
  if (dialect === 'redshift') {
    // Redshift alters a VARCHAR's length (only up), nothing else.
    if (ft?.base === 'varchar' && lt?.base === 'varchar' && (ft.length ?? 0) > (lt.length ?? 0))
      return { ...base, statements: [alter(`ALTER COLUMN ${q(column)} TYPE ${want}`)] };
    return {
      ...base,
      statements: [],
      note: 'Redshift cannot change this type in place: add a new column and copy, or recreate the table',
    };
  }
  return {
    ...base,
    statements: [alter(`ALTER COLUMN ${q(column)} TYPE ${want} USING ${q(column)}::${want}`)],
  };
}
