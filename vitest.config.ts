import { defineConfig } from 'vitest/config';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** The browser tests: one file, and by far the longest of the suite. */
const BROWSER_ENTRY = 'test/e2e/web-ui.test.ts';

/**
 * The browser file starts first, so the other worker works through everything else beside it
 * rather than the run ending on it alone. Without a cache of earlier durations (a fresh clone in
 * CI) vitest would order the files by size, and that file is small: it only gathers the suites.
 */
class BrowserFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const isBrowser = (file: TestSpecification) => file.moduleId.replaceAll('\\', '/').endsWith(BROWSER_ENTRY);
    return [...sorted.filter(isBrowser), ...sorted.filter((file) => !isBrowser(file))];
  }
}

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
    sequence: { sequencer: BrowserFirst },
  },
});
