/** Connection lookups shared by the Postgres steps (extract-postgres, load-postgres). */
import type { StepContext } from '../src/compile/context.js';
import type { DatabaseConfig } from '../src/config/types.js';

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

/** Redshift steps take `schema` and `table` apart; a dotted table name is a mistake, not a schema. */
export function checkPlainTableName(ctx: StepContext, key = 'table'): boolean {
  const t = ctx.str(key);
  if (t === undefined || !t.includes('.')) return true;
  const [schema, ...rest] = t.split('.');
  ctx.error(
    'ETL1111',
    `${key} '${t}' contains a '.'; give the schema separately`,
    [key],
    `write schema: ${schema} and ${key}: ${rest.join('.')}`,
  );
  return false;
}
