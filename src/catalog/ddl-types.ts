/**
 * Column types across Redshift, PostgreSQL and MySQL/MariaDB (issue 16). One canonical form per
 * type — `varchar(64)`, `numeric(12,2)`, `timestamp` … — lets `database generate` write each
 * dialect's spelling and `database diff` compare a table definition (Redshift spelling) with what
 * a live database reports (`character varying(64)`, `int(11)`, `datetime`, …).
 */

export type Dialect = 'redshift' | 'postgres' | 'mysql';

export interface FieldType {
  /** Canonical base: varchar, char, text, integer, bigint, smallint, numeric, double, real, boolean, date, timestamp, timestamptz, time, json. */
  base: string;
  length?: number;
  precision?: number;
  scale?: number;
}

export const LOGICAL_TYPES = [
  'string',
  'varchar',
  'char',
  'text',
  'integer',
  'bigint',
  'smallint',
  'decimal',
  'double',
  'real',
  'boolean',
  'date',
  'timestamp',
  'timestamptz',
  'time',
  'json',
];

const ALIASES: Record<string, string> = {
  string: 'varchar',
  varchar: 'varchar',
  'character varying': 'varchar',
  nvarchar: 'varchar',
  varchar2: 'varchar',
  char: 'char',
  character: 'char',
  nchar: 'char',
  bpchar: 'char',
  text: 'text',
  tinytext: 'text',
  mediumtext: 'text',
  longtext: 'text',
  clob: 'text',
  int: 'integer',
  integer: 'integer',
  int4: 'integer',
  mediumint: 'integer',
  bigint: 'bigint',
  int8: 'bigint',
  long: 'bigint',
  smallint: 'smallint',
  int2: 'smallint',
  tinyint: 'smallint',
  decimal: 'numeric',
  numeric: 'numeric',
  number: 'numeric',
  double: 'double',
  'double precision': 'double',
  float8: 'double',
  float: 'double',
  real: 'real',
  float4: 'real',
  boolean: 'boolean',
  bool: 'boolean',
  date: 'date',
  timestamp: 'timestamp',
  datetime: 'timestamp',
  'timestamp without time zone': 'timestamp',
  timestamptz: 'timestamptz',
  'timestamp with time zone': 'timestamptz',
  time: 'time',
  'time without time zone': 'time',
  json: 'json',
  jsonb: 'json',
  super: 'json',
};

/** Parse `varchar(64)`, `DECIMAL(12, 2)`, `int(11) unsigned`, `character varying`… to the canonical form. */
export function canonicalType(text: string): FieldType | undefined {
  const lower = text.toLowerCase();
  const params = /\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)/.exec(lower);
  if (/\(/.test(lower) && !params) return undefined;
  const name = lower
    .replace(/\([^)]*\)/, ' ')
    .replace(/\b(unsigned|signed|zerofill)\b/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  const m = params ? ['', '', params[1], params[2]] : [];
  const base = ALIASES[name];
  if (!base) return undefined;
  const a = m[2] !== undefined ? Number(m[2]) : undefined;
  const b = m[3] !== undefined ? Number(m[3]) : undefined;
  // MySQL reports booleans as tinyint(1).
  if (name === 'tinyint' && a === 1) return { base: 'boolean' };
  if (base === 'varchar' || base === 'char')
    return { base, ...(a !== undefined ? { length: a } : base === 'char' ? { length: 1 } : {}) };
  if (base === 'numeric') return { base, ...(a !== undefined ? { precision: a, scale: b ?? 0 } : {}) };
  // Display widths (int(11)), float(p) and timestamp(6) precisions are not part of the type compared.
  return { base };
}

/** A field document's type and length columns → a canonical type, or what is wrong. */
export function parseFieldType(
  type: string,
  length: string | undefined,
): FieldType | { error: string; hint?: string; key: 'type' | 'length' } {
  const t = canonicalType(type);
  if (!t)
    return {
      error: `unknown type '${type.trim()}'`,
      hint: `use one of: ${LOGICAL_TYPES.join(', ')} (with a size in the length column or as varchar(64))`,
      key: 'type',
    };
  const len = length?.trim();
  if (!len) return t;
  const m = /^(\d+)(?:\s*[,.]\s*(\d+))?$/.exec(len);
  if (!m) return { error: `length '${len}' is not a number (or precision,scale)`, key: 'length' };
  if (t.base === 'varchar' || t.base === 'char') {
    if (m[2]) return { error: `a ${t.base} length is one number, not '${len}'`, key: 'length' };
    return { base: t.base, length: Number(m[1]) };
  }
  if (t.base === 'numeric') return { base: 'numeric', precision: Number(m[1]), scale: Number(m[2] ?? 0) };
  return { error: `type ${type.trim()} takes no length (got '${len}')`, key: 'length' };
}

const MYSQL_VARCHAR_MAX = 4096;

/** The type as `dialect` spells it. */
export function dialectType(t: FieldType, dialect: Dialect): string {
  switch (t.base) {
    case 'varchar':
      if (dialect === 'mysql' && (t.length === undefined || t.length > MYSQL_VARCHAR_MAX))
        return (t.length ?? 0) > 65535 ? 'MEDIUMTEXT' : 'TEXT';
      if (t.length === undefined) return dialect === 'postgres' ? 'TEXT' : 'VARCHAR(256)';
      return `VARCHAR(${Math.min(t.length, dialect === 'redshift' ? 65535 : t.length)})`;
    case 'char':
      return `CHAR(${t.length ?? 1})`;
    case 'text':
      return dialect === 'redshift' ? 'VARCHAR(65535)' : 'TEXT';
    case 'integer':
      return dialect === 'mysql' ? 'INT' : 'INTEGER';
    case 'numeric':
      return t.precision !== undefined ? `DECIMAL(${t.precision},${t.scale ?? 0})` : 'DECIMAL(18,0)';
    case 'double':
      return dialect === 'mysql' ? 'DOUBLE' : 'DOUBLE PRECISION';
    case 'timestamp':
      return dialect === 'mysql' ? 'DATETIME' : 'TIMESTAMP';
    case 'timestamptz':
      return dialect === 'mysql' ? 'TIMESTAMP' : 'TIMESTAMPTZ';
    case 'json':
      return dialect === 'redshift' ? 'SUPER' : dialect === 'postgres' ? 'JSONB' : 'JSON';
    default:
      return t.base.toUpperCase();
  }
}

/** Whether two types mean the same column on `dialect` (after that dialect's own spelling). */
export function sameType(a: FieldType, b: FieldType, dialect: Dialect): boolean {
  return (
    canonicalKey(canonicalType(dialectType(a, dialect)) ?? a) ===
    canonicalKey(canonicalType(dialectType(b, dialect)) ?? b)
  );
}

export function canonicalKey(t: FieldType): string {
  if (t.base === 'varchar' || t.base === 'char') return `${t.base}(${t.length ?? ''})`;
  if (t.base === 'numeric') return `numeric(${t.precision ?? ''},${t.scale ?? ''})`;
  return t.base;
}

export function describeType(t: FieldType, dialect: Dialect): string {
  return dialectType(t, dialect);
}
