/**
 * The real database servers the integration tests use. Test files use fixed schema and table
 * names, so two checkouts testing at once (CI beside a developer, parallel worktrees) each point
 * at their own database: TEST_PG_DB / TEST_MY_DB (default `test`); the global setup
 * creates them when missing.
 */
export const PG_DB = process.env.TEST_PG_DB || 'test';
export const MY_DB = process.env.TEST_MY_DB || 'test';
export const PG_URL = `postgres://postgres@127.0.0.1:5432/${PG_DB}`;
export const MY_URL = `mysql://root@127.0.0.1:3306/${MY_DB}`;
