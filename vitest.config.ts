import { defineConfig } from 'vitest/config';
import { classifyTests } from './test/projects.js';

// Projects by what a test needs (test/projects.ts): `npm test` runs unit, integration and e2e;
// `npm run test:all` (and CI) adds the benchmark smoke run; `npm run test:unit` needs no server.
const byProject = classifyTests(import.meta.dirname);

/**
 * `engine-pg`: test/local's engine tests with every state store a PostgreSQL schema
 * (test/state-pg-setup.ts), in databases of their own (`<db>_pgstate`, made by the global setup) so
 * they never meet the same file's tables running at the same time in the SQLite projects. Files
 * that choose their store themselves are not run twice.
 */
const OWN_STORE = new Set([
  'test/local/agents.test.ts',
  'test/local/state-store-pg.test.ts',
  'test/local/state-transfer.test.ts',
]);
const ENGINE_PG = {
  name: 'engine-pg',
  include: [...byProject.integration, ...byProject.e2e].filter(
    (f) => f.startsWith('test/local/') && !OWN_STORE.has(f),
  ),
  setupFiles: ['test/state-pg-setup.ts'],
  env: {
    TEST_STATE_STORE: 'postgres',
    TEST_PG_DB: `${process.env.TEST_PG_DB || 'test'}_pgstate`,
    TEST_MY_DB: `${process.env.TEST_MY_DB || 'test'}_pgstate`,
  },
};

const shared = {
  testTimeout: 60_000,
  hookTimeout: 60_000,
  pool: 'forks' as const,
};

export default defineConfig({
  test: {
    // Builds dist/ once when it is missing or older than the sources (e2e tests run the built CLI),
    // and creates the test databases.
    globalSetup: ['test/global-setup.ts'],
    // TEST_STATE_STORE=postgres: the engine suite on the PostgreSQL state store (issue 15).
    setupFiles: process.env.TEST_STATE_STORE === 'postgres' ? ['test/state-pg-setup.ts'] : [],
    // Integration tests share two real database servers; each test file uses its own schema/table names.
    fileParallelism: true,
    projects: [
      ...(['unit', 'integration', 'e2e', 'bench'] as const).map((name) => ({
        extends: true,
        test: {
          ...shared,
          name,
          include: byProject[name].length ? byProject[name] : ['test/none-in-this-project'],
        },
      })),
      // The engine suite again on the PostgreSQL state store (issue 15, `npm run test:all` and CI).
      {
        extends: true,
        test: { ...shared, ...ENGINE_PG },
      },
    ],
  },
});
