import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Each file gets its own process: tests change process-wide things (signals, env).
    pool: 'forks',
    // The e2e and browser suites start processes of their own; two cores are enough for two files.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
