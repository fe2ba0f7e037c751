/**
 * Table and column names in the SQL steps build (src/spec/sql-identifiers.ts): names from YAML
 * parameters are parsed as identifiers (an error at their key otherwise) and every name, from
 * YAML or from a table definition file, is written into SQL through the quoting functions, never
 * pasted in as text.
 */
import type { StepContext } from '../src/compile/context.js';
import type { TableDef } from '../src/compile/table-definition.js';
import type { KeyPath } from '../src/spec/yaml.js';
import type { IdentPart, SqlDialect } from '../src/spec/sql-identifiers.js';
import { identifierHint, parseQualifiedName, quoteIdent, renderName } from '../src/spec/sql-identifiers.js';

export interface SqlName {
  parts: IdentPart[];
  /** The name as SQL text in the step's dialect. */
  sql: string;
}

/**
 * The identifier at `key` (a step parameter, or a path inside one), parsed; undefined after an
 * ETL1200 error at that key. `maxParts` 2 allows `schema.table`.
 */
export function sqlName(
  ctx: StepContext,
  key: KeyPath,
  value: string,
  opts: { maxParts?: number; dialect?: SqlDialect; what?: string } = {},
): SqlName | undefined {
  const dialect = opts.dialect ?? 'postgres';
  const parsed = parseQualifiedName(value, { maxParts: opts.maxParts ?? 2, mysql: dialect === 'mysql' });
  if ('parts' in parsed) return { parts: parsed.parts, sql: renderName(parsed.parts, dialect) };
  const what = opts.what ?? String(key[key.length - 1]);
  ctx.error(
    'ETL1200',
    `${what} '${value}' is not a valid name: ${parsed.error}`,
    [...key],
    identifierHint(what),
  );
  return undefined;
}

/** The step parameter `key` as a name, when given; `null` when given and wrong (reported). */
export function sqlNameParam(
  ctx: StepContext,
  key: string,
  opts: { maxParts?: number; dialect?: SqlDialect } = {},
): SqlName | undefined | null {
  const value = ctx.str(key);
  if (value === undefined) return undefined;
  return sqlName(ctx, [key], value, opts) ?? null;
}

/** Each name of a list parameter (`columns: [a, b]`); undefined when any is wrong (all reported). */
export function sqlNames(
  ctx: StepContext,
  key: KeyPath,
  values: readonly string[],
  opts: { dialect?: SqlDialect; what?: string } = {},
): SqlName[] | undefined {
  const out = values.map((v, i) => sqlName(ctx, [...key, i], v, { maxParts: 1, ...opts }));
  return out.every((x): x is SqlName => x !== undefined) ? out : undefined;
}

/** A table definition's names as SQL text, and its helpers' names derived from it. */
export interface SqlTable {
  /** `schema.name`, each part quoted where it must be. */
  full: string;
  schema?: string;
  name: string;
  columns: string[];
  primaryKey: string[];
  /** A work table named after this one (`<name>_etlctl_stage`), quoted as one identifier. */
  derived(suffix: string): string;
  column(name: string): string;
}

export function sqlTable(def: TableDef, dialect: SqlDialect = 'postgres'): SqlTable {
  const q = (n: string) => quoteIdent(n, dialect);
  return {
    full: def.schema === undefined ? q(def.name) : `${q(def.schema)}.${q(def.name)}`,
    schema: def.schema === undefined ? undefined : q(def.schema),
    name: q(def.name),
    columns: def.columns.map((c) => q(c.name)),
    primaryKey: def.primaryKey.map(q),
    derived: (suffix) => q(`${def.name}${suffix}`),
    column: q,
  };
}
