/**
 * Named connection → Driver for `etlctl task …` (DESIGN.md decision 7). Same rule as the local
 * engine (src/local/connections.ts): the connection's `url`, else in local mode the embedded
 * PGlite database `<stateDir>/db/<name>`. On a worker (target aws) a connection without a url is
 * built from host/port/database/user, or from a JDBC connection_string, with the password from
 * its secret source (env or secrets file) — never from the definition.
 */
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { resolveSecret } from '../config/secrets.js';
import type { DatabaseConfig, ResolvedConfig } from '../config/types.js';
import { diag, didYouMean, EtlError, ExitCode } from '../diagnostics.js';
import type { Driver } from '../local/drivers/types.js';
import { withPassword } from '../local/connections.js';

export interface TaskEnv {
  config: ResolvedConfig;
  stateDir: string;
  env: NodeJS.ProcessEnv;
}

/** The state directory the engine gave us, else the config's (relative to cwd). */
export function taskStateDir(
  config: ResolvedConfig,
  env: NodeJS.ProcessEnv = process.env,
  cwd = process.cwd(),
): string {
  return resolve(cwd, env.ETLCTL_STATE_DIR_OVERRIDE || env.ETLCTL_STATE_DIR || config.local.stateDir);
}

export function connectionConfig(config: ResolvedConfig, name: string): DatabaseConfig {
  const db = config.databases[name];
  if (db) return db;
  const known = Object.keys(config.databases);
  throw new EtlError(
    diag('ETL7901', `unknown database connection '${name}'`, {
      hint:
        (didYouMean(name, known) ?? '') +
        (known.length ? ` configured: ${known.join(', ')}` : ' the config has no `databases:` section') +
        (config.file ? ` (config ${config.file})` : ' (no config file found: set ETLCTL_CONFIG or --config)'),
    }),
    ExitCode.USAGE,
  );
}

function enc(s: string): string {
  return encodeURIComponent(s);
}

/** The URL the task connects with (may hold a password: never print it, use the driver's displayUrl). */
export function connectionUrl(name: string, t: TaskEnv): { url: string; seedSql?: string } {
  const db = connectionConfig(t.config, name);
  const password = (): string | undefined =>
    db.password ? resolveSecret(db.password, { env: t.env, config: t.config }) : undefined;
  // Same rule as the engine: a server URL gets the secret when it can be read, else goes as written.
  if (db.url) return { url: withPassword(db.url, db, t.config, t.env) };
  let host = db.host;
  let port = db.port;
  let database = db.database;
  const jdbc = db.connectionString
    ? /^jdbc:(?:postgresql|redshift|mysql):\/\/([^:/]+)(?::(\d+))?\/([^?;]*)/i.exec(db.connectionString)
    : null;
  if (!host && jdbc) {
    host = jdbc[1];
    port = jdbc[2] ? Number(jdbc[2]) : port;
    database = database ?? jdbc[3];
  }
  if (t.config.target !== 'aws' && !host) {
    const seedSql = db.seed ? readSeed(db.seed, name) : undefined;
    return { url: `pglite://${embeddedDir(t.stateDir, name)}`, seedSql };
  }
  if (!host) {
    throw new EtlError(
      diag(
        'ETL7902',
        `connection '${name}' has no url, host or connection_string to connect to from the worker`,
        {
          hint: `set databases.${name}.url (or host, port, database) in the config used on the worker`,
        },
      ),
      ExitCode.USAGE,
    );
  }
  const scheme = db.engine === 'mysql' ? 'mysql' : 'postgres';
  const p = password();
  const auth = db.user ? `${enc(db.user)}${p !== undefined ? `:${enc(p)}` : ''}@` : '';
  const dflt = db.engine === 'mysql' ? 3306 : db.engine === 'redshift' ? 5439 : 5432;
  return { url: `${scheme}://${auth}${host}:${port ?? dflt}/${database ?? ''}` };
}

function embeddedDir(stateDir: string, name: string): string {
  if (!/^[A-Za-z0-9_.-]+$/.test(name) || name.startsWith('.'))
    throw new EtlError(diag('ETL8124', `database name '${name}' cannot be used as a directory name`));
  return resolve(stateDir, 'db', name);
}

function readSeed(path: string, name: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (e) {
    throw new EtlError(
      diag('ETL7903', `seed SQL for connection '${name}' cannot be read: ${(e as Error).message}`),
      ExitCode.ENVIRONMENT,
    );
  }
}

/** Open a Driver for a named connection. Database drivers load here, not at CLI start. */
export async function openConnection(name: string, t: TaskEnv): Promise<Driver> {
  const { url, seedSql } = connectionUrl(name, t);
  const { openDriver } = await import('../local/drivers/index.js');
  return openDriver(url, { seedSql });
}

/** Opens each connection once per task run and closes them all at the end. */
export class Connections {
  private readonly open = new Map<string, Promise<Driver>>();
  constructor(private readonly t: TaskEnv) {}

  get(name: string): Promise<Driver> {
    let d = this.open.get(name);
    if (!d) {
      d = openConnection(name, this.t);
      this.open.set(name, d);
    }
    return d;
  }

  async closeAll(): Promise<void> {
    for (const d of this.open.values()) await d.then((x) => x.close()).catch(() => undefined);
    this.open.clear();
  }
}
