/**
 * The one place that chooses the state store: SQLite in the state directory (the embedded
 * default), or the PostgreSQL database `local.state_url` names (many agents on many machines).
 */
import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { EtlError, diag } from '../../diagnostics.js';
import type { SqliteStoreOptions } from './sqlite.js';
import type { StateStore } from './store.js';

export interface OpenStateStoreOptions extends SqliteStoreOptions {
  /** The local state directory (`local.state_dir`): SQLite keeps `state.db` there. */
  stateDir: string;
  /** A shared state database URL (`local.state_url`); absent → the embedded store. */
  url?: string;
}

/** Whether a state URL names a shared store this etlctl serves (postgres:// or postgresql://). */
export function isSharedStateUrl(url: string | undefined): boolean {
  return !!url && /^postgres(ql)?:\/\//i.test(url);
}

/**
 * The shared store URL in effect for a state directory: the config's, else
 * `ETLCTL_LOCAL__STATE_URL`, else — for test suites that run the engine suite against PostgreSQL
 * (`TEST_STATE_STORE=postgres`) — `TEST_ETLCTL_STATE_URL_BY_DIR`, a base URL under which every state
 * directory gets a schema of its own (inherited by every etlctl process the tests start).
 */
export function stateUrlFor(stateDir: string, url?: string): string | undefined {
  if (url) return url;
  if (process.env.ETLCTL_LOCAL__STATE_URL) return process.env.ETLCTL_LOCAL__STATE_URL;
  const base = process.env.TEST_ETLCTL_STATE_URL_BY_DIR;
  if (!base) return undefined;
  const h = createHash('sha256').update(resolve(stateDir)).digest('hex').slice(0, 16);
  // The prefix names the test file's schemas, so the file drops them when it ends.
  const prefix = process.env.TEST_ETLCTL_STATE_PREFIX || 't_';
  return `${base}${base.includes('?') ? '&' : '?'}schema=${prefix}${h}`;
}

export async function openStateStore(opts: OpenStateStoreOptions): Promise<StateStore> {
  const url = stateUrlFor(opts.stateDir, opts.url);
  if (url) {
    if (isSharedStateUrl(url)) {
      const { PgStateStore } = await import('./postgres.js');
      return PgStateStore.open(url, { clock: opts.clock });
    }
    // The scheme only: the rest of a URL may carry a password.
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(url)?.[1]?.toLowerCase() ?? 'local.state_url';
    throw new EtlError(
      diag('ETL7304', `a shared state store (${scheme}) is not supported by this etlctl`, {
        field: 'local.state_url',
        hint: 'use postgres://user@host/db (a schema of its own: ?schema=NAME), or leave local.state_url unset for SQLite under local.state_dir',
      }),
    );
  }
  // Loaded here: commands that never touch run state do not load the native SQLite module.
  const { SqliteStateStore } = await import('./sqlite.js');
  return SqliteStateStore.open(opts.stateDir, opts);
}
