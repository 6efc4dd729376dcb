/**
 * The web UI in a real browser: every browser suite (test/e2e/suites/) in one file, on one Debian
 * Chromium and one platform with the demo data, each started once. Building the demo on PGlite
 * takes minutes on a two-core machine; started once per suite, it was most of the test run.
 *
 * The suites run one after another in the order below, but none relies on it: each works on data
 * of its own (its own complaint, consumer, payment or API key) or checks what changed relative to
 * what it found, never a count that another suite could alter. The first web UI suite keeps a
 * small platform of its own, whose registry counts it seeded itself.
 *
 * Run one suite with `npx vitest run test/e2e/web-ui.test.ts -t 'complaints in Chromium'`.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { afterAll, beforeAll, describe } from 'vitest';
import type { Browser } from 'playwright-core';
import { CHROMIUM, launchChromium, SCREENS, type SharedBrowser } from './browser.js';
import { startDemoWebPlatform, type DemoWebPlatform } from './web-platform.js';
import { webSuite } from './suites/web.js';
import { rulebookSuite } from './suites/rulebook.js';
import { screeningSuite } from './suites/screening.js';
import { creditSuite } from './suites/credit.js';
import { evidenceSuite } from './suites/evidence.js';
import { complaintsSuite } from './suites/complaints.js';
import { mediationSuite } from './suites/mediation.js';
import { dataRightsSuite } from './suites/data-rights.js';

const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  if (process.env.CI) throw new Error(`${CHROMIUM} is required in CI for the browser tests (apt-get install chromium)`);
  console.warn(`[e2e] skipping the browser tests: ${CHROMIUM} is missing (apt-get install chromium); CI fails instead of skipping`);
}

describe.skipIf(!haveChromium)('the web UI in Chromium', () => {
  let browser: Browser | undefined;
  let demo: DemoWebPlatform | undefined;
  const shared: SharedBrowser = {
    browser: () => browser ?? fail('Chromium is not started'),
    demo: () => demo ?? fail('the demo platform is not started'),
  };

  beforeAll(async () => {
    mkdirSync(SCREENS, { recursive: true });
    browser = await launchChromium();
    demo = await startDemoWebPlatform();
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await demo?.close();
  });

  webSuite(shared);
  rulebookSuite(shared);
  screeningSuite(shared);
  creditSuite(shared);
  evidenceSuite(shared);
  complaintsSuite(shared);
  mediationSuite(shared);
  dataRightsSuite(shared);
});

function fail(message: string): never {
  throw new Error(message);
}
