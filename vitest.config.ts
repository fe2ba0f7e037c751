import { defineConfig } from 'vitest/config';
import { classifyTests } from './test/projects.js';

// Projects by what a test needs (test/projects.ts): `npm test` runs unit, integration and e2e;
// `npm run test:all` (and CI) adds the benchmark smoke run; `npm run test:unit` needs no server.
const byProject = classifyTests(import.meta.dirname);

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
    projects: (['unit', 'integration', 'e2e', 'bench'] as const).map((name) => ({
      extends: true,
      test: {
        ...shared,
        name,
        include: byProject[name].length ? byProject[name] : ['test/none-in-this-project'],
      },
    })),
  },
});
