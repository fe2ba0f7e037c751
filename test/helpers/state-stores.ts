/**
 * The state store the engine suite runs against: SQLite (default) or PostgreSQL when
 * `TEST_STATE_STORE=postgres` (`npm run test:pg-state` runs test/local that way). Under PostgreSQL
 * every state directory gets a schema of its own in the test database (TEST_ETLCTL_STATE_URL_BY_DIR,
 * see src/local/state/open.ts), so tests stay as isolated as with one state.db per directory,
 * also in the etlctl processes they start.
 */
import { stateUrlFor } from '../../src/local/state/open.js';
import { PG_URL } from '../db.js';

export const ON_PG = process.env.TEST_STATE_STORE === 'postgres';

/** The state URL standing for a state directory (its own schema). */
export function pgStateUrlFor(stateDir: string): string {
  const saved = process.env.TEST_ETLCTL_STATE_URL_BY_DIR;
  process.env.TEST_ETLCTL_STATE_URL_BY_DIR = PG_URL;
  try {
    return stateUrlFor(stateDir)!;
  } finally {
    if (saved === undefined) delete process.env.TEST_ETLCTL_STATE_URL_BY_DIR;
    else process.env.TEST_ETLCTL_STATE_URL_BY_DIR = saved;
  }
}
