import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two cores in CI: two forks keep native modules (better-sqlite3, sharp) isolated per file.
    pool: 'forks',
    maxWorkers: 2,
    reporters: ['default'],
  },
});
