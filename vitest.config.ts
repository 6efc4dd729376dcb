import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/**
 * Files that start other processes (a browser, the command line) run longest: they start first,
 * so that both workers are still busy with short files at the end rather than one with a long one.
 */
const startsProcesses = /(^|\/)test\/e2e\/|\.cli\.test\.ts$/;

class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    return [...sorted.filter((file) => startsProcesses.test(file.moduleId)), ...sorted.filter((file) => !startsProcesses.test(file.moduleId))];
  }
}

export default defineConfig({
  test: {
    globalSetup: ['test/global-setup.ts'],
    setupFiles: ['test/setup.ts'],
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'web/src/**/*.test.ts', 'bench/**/*.test.ts'],
    // Upper bounds, not expectations: every wait in the suite is for a state, and on a busy machine
    // a test that boots databases, servers or a browser can take minutes.
    testTimeout: 180_000,
    hookTimeout: 300_000,
    pool: 'forks',
    // Two cores: more workers only make each PGlite boot slower.
    maxWorkers: 2,
    // A worker runs file after file in one process: the modules, the PGlite engine and the compiled
    // route schemas are loaded once per worker rather than once per file. Every test still starts
    // its own databases and platforms, so no state passes from one file to the next.
    isolate: false,
    sequence: { sequencer: LongestFirst },
    reporters: ['default'],
  },
});
