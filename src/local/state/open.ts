/**
 * The one place that chooses the state store: SQLite in the state directory (the embedded
 * default), or, later, the database `local.state_url` names for many agents on many machines.
 */
import { EtlError, diag } from '../../diagnostics.js';
import type { SqliteStoreOptions } from './sqlite.js';
import type { StateStore } from './store.js';

export interface OpenStateStoreOptions extends SqliteStoreOptions {
  /** The local state directory (`local.state_dir`): SQLite keeps `state.db` there. */
  stateDir: string;
  /** A shared state database URL (`local.state_url`); absent → the embedded store. */
  url?: string;
}

export async function openStateStore(opts: OpenStateStoreOptions): Promise<StateStore> {
  if (opts.url) {
    // The scheme only: the rest of a URL may carry a password.
    const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(opts.url)?.[1]?.toLowerCase() ?? 'local.state_url';
    throw new EtlError(
      diag('ETL7304', `a shared state store (${scheme}) is not supported by this etlctl`, {
        field: 'local.state_url',
        hint: 'leave local.state_url unset to keep run state in SQLite under local.state_dir',
      }),
    );
  }
  // Loaded here: commands that never touch run state do not load the native SQLite module.
  const { SqliteStateStore } = await import('./sqlite.js');
  return SqliteStateStore.open(opts.stateDir, opts);
}
