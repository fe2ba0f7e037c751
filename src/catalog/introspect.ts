/**
 * What a live table looks like (issue 16), for `database diff`: its columns (name, type,
 * nullability) and primary key, from information_schema on PostgreSQL, PGlite and Redshift (the
 * same queries, Redshift's through the Data API) and on MySQL/MariaDB.
 */
import type { Driver, Row } from '../local/drivers/types.js';
import { INFORMATIONAL_KEY_COMMENT } from '../local/redshift-keys.js';
import type { FieldType } from './ddl-types.js';
import { canonicalType } from './ddl-types.js';

export interface LiveColumn {
  name: string;
  /** As the database reports it (`character varying(64)`, `int(11)`). */
  rawType: string;
  type?: FieldType;
  nullable: boolean;
}

export interface LiveTable {
  exists: boolean;
  columns: LiveColumn[];
  primaryKey: string[];
  /** PostgreSQL/Redshift name of the primary key constraint (to drop it). */
  primaryKeyName?: string;
}

/** A query runner: SQL with `$1`-style placeholders rewritten by the caller, rows with lower-case keys. */
export type Query = (sql: string, params: string[]) => Promise<Row[]>;

const PG_COLUMNS = `SELECT column_name AS name, data_type AS data_type, character_maximum_length AS len,
  numeric_precision AS prec, numeric_scale AS scale, is_nullable AS nullable
FROM information_schema.columns WHERE table_schema = $1 AND table_name = $2 ORDER BY ordinal_position`;

const PG_KEY = `SELECT tc.constraint_name AS constraint_name, kcu.column_name AS name
FROM information_schema.table_constraints tc
JOIN information_schema.key_column_usage kcu
  ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema AND kcu.table_name = tc.table_name
WHERE tc.constraint_type = 'PRIMARY KEY' AND tc.table_schema = $1 AND tc.table_name = $2
ORDER BY kcu.ordinal_position`;

const MY_COLUMNS = `SELECT COLUMN_NAME AS name, COLUMN_TYPE AS data_type, IS_NULLABLE AS nullable
FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ? ORDER BY ORDINAL_POSITION`;

const MY_KEY = `SELECT COLUMN_NAME AS name FROM information_schema.KEY_COLUMN_USAGE
WHERE TABLE_SCHEMA = COALESCE(?, DATABASE()) AND TABLE_NAME = ? AND CONSTRAINT_NAME = 'PRIMARY' ORDER BY ORDINAL_POSITION`;

const str = (v: unknown): string => (v === null || v === undefined ? '' : String(v));
const num = (v: unknown): number | undefined =>
  v === null || v === undefined || v === '' ? undefined : Number(v);

/** information_schema's type columns → a type text (`character varying(64)`, `numeric(12,2)`). */
function pgTypeText(r: Row): string {
  const t = str(r.data_type).toLowerCase();
  const len = num(r.len);
  if ((t === 'character varying' || t === 'character') && len !== undefined) return `${t}(${len})`;
  if (t === 'numeric' && num(r.prec) !== undefined) return `numeric(${num(r.prec)},${num(r.scale) ?? 0})`;
  return t;
}

function columnsOf(rows: Row[], typeText: (r: Row) => string): LiveColumn[] {
  return rows.map((r) => {
    const rawType = typeText(r);
    const type = canonicalType(rawType);
    return {
      name: str(r.name),
      rawType,
      ...(type ? { type } : {}),
      nullable: str(r.nullable).toUpperCase() === 'YES',
    };
  });
}

/** PostgreSQL, PGlite and Redshift: `schema` defaults to public. */
export async function introspectPostgres(
  query: Query,
  schema: string | undefined,
  table: string,
): Promise<LiveTable> {
  const params = [schema ?? 'public', table];
  const columns = columnsOf(await query(PG_COLUMNS, params), pgTypeText);
  if (columns.length === 0) return { exists: false, columns: [], primaryKey: [] };
  const key = await query(PG_KEY, params);
  return {
    exists: true,
    columns,
    primaryKey: key.map((r) => str(r.name)),
    ...(key[0] ? { primaryKeyName: str(key[0].constraint_name) } : {}),
  };
}

/** MySQL/MariaDB: `schema` (the database) defaults to the connection's. */
export async function introspectMysql(
  query: Query,
  schema: string | undefined,
  table: string,
): Promise<LiveTable> {
  const params = [schema ?? null, table] as string[];
  const columns = columnsOf(await query(MY_COLUMNS, params), (r) => str(r.data_type).toLowerCase());
  if (columns.length === 0) return { exists: false, columns: [], primaryKey: [] };
  const key = await query(MY_KEY, params);
  return { exists: true, columns, primaryKey: key.map((r) => str(r.name)) };
}

/** Through a local engine driver (lower-cased row keys, whatever the server returns). */
export async function introspectDriver(
  driver: Driver,
  schema: string | undefined,
  table: string,
): Promise<LiveTable> {
  const query: Query = async (sql, params) => {
    const res = await driver.query(sql, params);
    return res.rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k.toLowerCase(), v])));
  };
  if (driver.kind === 'mysql') return introspectMysql(query, schema, table);
  const live = await introspectPostgres(query, schema, table);
  if (!live.exists || live.primaryKey.length > 0) return live;
  // A local table made from Redshift DDL keeps its declared key as a commented index.
  const key = await query(INFORMATIONAL_KEY, [schema ?? 'public', table, INFORMATIONAL_KEY_COMMENT]);
  return { ...live, primaryKey: key.map((r) => str(r.name)) };
}

const INFORMATIONAL_KEY = `SELECT a.attname AS name FROM pg_index i
JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
WHERE i.indrelid = to_regclass(quote_ident($1) || '.' || quote_ident($2))
  AND obj_description(i.indexrelid, 'pg_class') = $3
ORDER BY array_position(i.indkey::int2[], a.attnum)`;
