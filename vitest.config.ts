import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'web/src/**/*.test.ts', 'bench/**/*.test.ts'],
    // Upper bounds, not expectations: every wait in the suite is for a state, and on a busy machine
    // a test that boots databases, servers or a browser can take minutes.
    testTimeout: 180_000,
    hookTimeout: 300_000,
    pool: 'forks',
    // Two cores: more workers only make each PGlite boot slower.
    maxWorkers: 2,
    reporters: ['default'],
  },
});
