import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two cores in CI: two forks keep native modules (better-sqlite3, sharp) isolated per file.
    pool: 'forks',
    maxWorkers: 2,
    // The fault reporter adds one summary line per fault test (test/faults-*.test.ts) after the run.
    reporters: ['default', './test/support/fault-reporter.ts'],
  },
});
