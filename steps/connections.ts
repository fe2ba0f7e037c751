/** Connection lookups shared by the Postgres steps (extract-postgres, load-postgres), and Redshift table names. */
import type { StepContext } from '../src/compile/context.js';
import type { DatabaseConfig } from '../src/config/types.js';
import { parseQualifiedName, renderPart } from '../src/spec/sql-identifiers.js';
import { sqlName, sqlNameParam } from './sql-names.js';

/**
 * The Postgres connection named by param `key`; without it, the config's only Postgres
 * connection (Dataduct had a single `postgres:` section, so its pipelines name none).
 */
export function postgresConnection(
  ctx: StepContext,
  key: string,
): { id: string; db: DatabaseConfig } | undefined {
  if (ctx.params[key] !== undefined)
    return ctx.database(key, { engines: ['postgres'], fallbackToWarehouse: false });
  const pg = Object.values(ctx.config.databases).filter((d) => d.engine === 'postgres');
  if (pg.length === 1) return { id: ctx.b.databaseObject(pg[0], ctx.origin), db: pg[0] };
  ctx.error(
    'ETL1110',
    pg.length === 0
      ? `${ctx.step.type} needs a Postgres connection, and the config has none`
      : `${ctx.step.type} needs '${key}': the config has ${pg.length} Postgres connections`,
    [],
    pg.length === 0
      ? 'add a connection with `engine: postgres` under `databases:` in the config'
      : `set ${key}: to one of ${pg.map((d) => d.name).join(', ')}`,
  );
  return undefined;
}

/**
 * Redshift steps take `schema` and `table` apart, each one identifier: a dotted table name is a
 * mistake (ETL1111), anything else that is not a name an error at its key (ETL1200). Returns
 * both as SQL text, or undefined when either is wrong.
 */
export function schemaAndTable(ctx: StepContext): { schema: string; table: string } | undefined {
  const schema = sqlNameParam(ctx, 'schema', { maxParts: 1 });
  const t = ctx.str('table');
  let table: string | undefined;
  if (t !== undefined) {
    const parsed = parseQualifiedName(t, { maxParts: Infinity });
    if ('parts' in parsed && parsed.parts.length > 1) {
      const [first, ...rest] = parsed.parts.map((p) => renderPart(p));
      ctx.error(
        'ETL1111',
        `table '${t}' contains a '.'; give the schema separately`,
        ['table'],
        `write schema: ${first} and table: ${rest.join('.')}`,
      );
    } else table = sqlName(ctx, ['table'], t, { maxParts: 1 })?.sql;
  }
  return schema && table !== undefined ? { schema: schema.sql, table } : undefined;
}
