/**
 * Setup file (vitest.config.ts adds it when TEST_STATE_STORE=postgres): every state store opened
 * for a state directory — in the tests and in the etlctl processes they start — is a PostgreSQL
 * schema of its own instead of `<dir>/state.db`, so the engine suite runs unchanged against the
 * shared store.
 */
import { PG_URL } from './db.js';

process.env.TEST_ETLCTL_STATE_URL_BY_DIR = PG_URL;
