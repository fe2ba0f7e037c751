/**
 * Setup file (vitest.config.ts adds it when TEST_STATE_STORE=postgres): every state store opened
 * for a state directory — in the tests and in the etlctl processes they start — is a PostgreSQL
 * schema of its own instead of `<dir>/state.db`, so the engine suite runs unchanged against the
 * shared store. The schemas carry a prefix of this test file's own and are dropped when it ends
 * (other files, running at the same time, keep theirs).
 */
import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll } from 'vitest';
import { PG_URL } from './db.js';

const prefix = `t_${randomBytes(4).toString('hex')}_`;
process.env.TEST_ETLCTL_STATE_URL_BY_DIR = PG_URL;
process.env.TEST_ETLCTL_STATE_PREFIX = prefix;

afterAll(async () => {
  const c = new pg.Client({ connectionString: PG_URL });
  await c.connect();
  try {
    const r = await c.query<{ nspname: string }>(
      'SELECT nspname FROM pg_namespace WHERE starts_with(nspname, $1)',
      [prefix],
    );
    for (const { nspname } of r.rows) await c.query(`DROP SCHEMA IF EXISTS "${nspname}" CASCADE`);
  } finally {
    await c.end();
  }
});
