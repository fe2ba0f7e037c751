/**
 * The lookups behind tokenize and convert_id, one query per chunk of distinct values.
 *
 * tokenize keeps `<vault>.tokens_<domain> (id PRIMARY KEY, token UNIQUE)` on PostgreSQL. New ids
 * get random tokens through `INSERT … ON CONFLICT DO NOTHING` and every token is then read back
 * with a SELECT, so when two runs race on one id the row that won is the one both use: one id
 * never has two tokens, and an id keeps its token across runs.
 */
import { randomBytes } from 'node:crypto';
import { diag, EtlError } from '../diagnostics.js';
import type { Driver } from '../local/drivers/types.js';
import type { BatchLookup } from './stream.js';

/** Enough for a chunk's working set; cleared when full (a miss is one more query, not an error). */
const CACHE_LIMIT = 200_000;

function vaultError(message: string, cause?: unknown): EtlError {
  const why = cause instanceof Error ? `: ${cause.message}` : '';
  return new EtlError(
    diag('ETL3704', `${message}${why}`, {
      hint: 'tokenize needs a PostgreSQL connection whose user may create (or use) the vault schema',
    }),
  );
}

function newToken(): string {
  return 'tok_' + randomBytes(15).toString('base64url');
}

export async function tokenLookup(driver: Driver, vaultSchema: string, domain: string): Promise<BatchLookup> {
  if (driver.kind === 'mysql')
    throw vaultError('the token vault must be on a PostgreSQL connection, not MySQL');
  const table = `${driver.quoteIdent(vaultSchema)}.${driver.quoteIdent(`tokens_${domain}`)}`;
  const ddl = async () => {
    await driver.exec(`CREATE SCHEMA IF NOT EXISTS ${driver.quoteIdent(vaultSchema)}`);
    await driver.exec(
      `CREATE TABLE IF NOT EXISTS ${table} (id text PRIMARY KEY, token text NOT NULL UNIQUE, created_at timestamptz NOT NULL DEFAULT now())`,
    );
  };
  try {
    await ddl();
  } catch {
    // Two runs creating the schema at once: one loses the catalog race; the second try sees it.
    try {
      await ddl();
    } catch (e) {
      throw vaultError(`cannot create the token table ${vaultSchema}.tokens_${domain}`, e);
    }
  }
  const cache = new Map<string, string>();
  return {
    async resolve(values) {
      const out = new Map<string, string | null>();
      let missing = values.filter((v) => {
        const t = cache.get(v);
        if (t !== undefined) out.set(v, t);
        return t === undefined;
      });
      if (cache.size + missing.length > CACHE_LIMIT) cache.clear();
      // A token collision (astronomically rare) leaves its id unmapped: go round again.
      for (let round = 0; missing.length > 0 && round < 5; round++) {
        try {
          await driver.query(
            `INSERT INTO ${table} (id, token) SELECT * FROM unnest($1::text[], $2::text[]) ON CONFLICT DO NOTHING`,
            [missing, missing.map(newToken)],
          );
          const got = await driver.query(`SELECT id, token FROM ${table} WHERE id = ANY($1::text[])`, [
            missing,
          ]);
          for (const r of got.rows) {
            out.set(String(r.id), String(r.token));
            cache.set(String(r.id), String(r.token));
          }
        } catch (e) {
          throw vaultError(`cannot read or write the token table ${vaultSchema}.tokens_${domain}`, e);
        }
        missing = missing.filter((v) => !out.has(v));
      }
      if (missing.length > 0) throw vaultError(`${missing.length} ids could not be given a token`);
      return out;
    },
  };
}

export interface IdLookupOptions {
  table: string;
  from: string;
  to: string;
  onMissing: 'error' | 'null' | 'keep';
  column: string;
}

export function idLookup(driver: Driver, o: IdLookupOptions): BatchLookup {
  const cache = new Map<string, string | null>();
  const sqlTable = driver.quoteQualified(o.table);
  const f = driver.quoteIdent(o.from);
  const t = driver.quoteIdent(o.to);
  return {
    async resolve(values) {
      const out = new Map<string, string | null>();
      const todo = values.filter((v) => {
        if (!cache.has(v)) return true;
        out.set(v, cache.get(v)!);
        return false;
      });
      if (cache.size + todo.length > CACHE_LIMIT) cache.clear();
      for (let i = 0; i < todo.length; i += 5000) {
        const part = todo.slice(i, i + 5000);
        const sql =
          driver.kind === 'mysql'
            ? `SELECT ${f} AS f, ${t} AS t FROM ${sqlTable} WHERE ${f} IN (${part.map(() => '?').join(', ')})`
            : `SELECT ${f} AS f, ${t} AS t FROM ${sqlTable} WHERE ${f}::text = ANY($1::text[])`;
        const got = await driver.query(sql, driver.kind === 'mysql' ? part : [part]);
        for (const r of got.rows) {
          const to = r.t === null || r.t === undefined ? null : String(r.t);
          out.set(String(r.f), to);
          cache.set(String(r.f), to);
        }
      }
      const missing = todo.filter((v) => !out.has(v));
      if (missing.length > 0) {
        if (o.onMissing === 'error') {
          // Never the ids themselves: they may be personal data.
          throw new EtlError(
            diag(
              'ETL3705',
              `convert_id of column '${o.column}': ${missing.length} ids have no row in ${o.table}`,
              {
                hint: `add them to ${o.table}, or set on_missing: null or keep on the transform`,
              },
            ),
          );
        }
        for (const v of missing) out.set(v, o.onMissing === 'keep' ? v : null);
      }
      return out;
    },
  };
}
