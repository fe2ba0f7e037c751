/**
 * Opens a Driver for a connection URL (DESIGN.md decision 7). The engine modules load lazily so
 * `etlctl --help` never loads a database driver (decision 11).
 *
 *   postgres://user:pass@host:port/db   (also postgresql://)
 *   mysql://user:pass@host:port/db      (MySQL and MariaDB; also mariadb://)
 *   pglite://PATH                       (embedded PostgreSQL in a directory, created on first use)
 *   pglite://memory                     (embedded, in memory, gone on close)
 */
import { join } from 'node:path';
import { diag, EtlError, ExitCode } from '../../diagnostics.js';
import { redactUrl } from './common.js';
import type { Driver, DriverKind, OpenDriverOptions } from './types.js';

export type { Driver, DriverKind, OpenDriverOptions, QueryResult, FieldInfo, Row } from './types.js';
export { redactUrl } from './common.js';

export function driverKindOf(url: string): DriverKind {
  const scheme = /^([a-z0-9+.-]+):/i.exec(url)?.[1]?.toLowerCase();
  switch (scheme) {
    case 'postgres':
    case 'postgresql':
      return 'postgres';
    case 'mysql':
    case 'mariadb':
      return 'mysql';
    case 'pglite':
      return 'pglite';
    default:
      throw new EtlError(
        diag('ETL7000', `unsupported database URL '${redactUrl(url)}'`, {
          hint: 'use postgres://…, mysql://… (MySQL or MariaDB), pglite://PATH or pglite://memory',
        }),
        ExitCode.USAGE,
      );
  }
}

/** The URL of the embedded database a named connection without a URL uses in local mode. */
export function localDatabaseUrl(stateDir: string, name: string): string {
  if (!/^[A-Za-z0-9_.-]+$/.test(name) || name.startsWith('.')) {
    throw new EtlError(
      diag('ETL8124', `database name '${name}' cannot be used as a directory name`, {
        hint: 'use letters, digits, _ . and -',
      }),
    );
  }
  return `pglite://${join(stateDir, 'db', name)}`;
}

export async function openDriver(url: string, opts: OpenDriverOptions = {}): Promise<Driver> {
  switch (driverKindOf(url)) {
    case 'postgres':
      return (await import('./postgres.js')).openPostgres(url, opts);
    case 'mysql':
      return (await import('./mysql.js')).openMysql(url, opts);
    case 'pglite':
      return (await import('./pglite.js')).openPglite(url, opts);
  }
}
