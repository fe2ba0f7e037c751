import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
    globalSetup: ['test/global-setup.ts'],
    // TEST_STATE_STORE=postgres: the engine suite on the PostgreSQL state store (issue 15).
    setupFiles: process.env.TEST_STATE_STORE === 'postgres' ? ['test/state-pg-setup.ts'] : [],
    // Integration tests share two real database servers; each test file uses its own schema/table names.
    fileParallelism: true,
  },
});
