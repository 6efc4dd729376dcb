/**
 * The evidence vault in a real browser, on the platform with the demo data: consumer1 finds the
 * contract and voucher of the demo in the vault, uploads a screenshot, sees it listed with its type,
 * size and hash, checks its integrity, and is told in words when a file lies about its type. Every
 * step is photographed in Chinese, in English and at phone width into
 * test-results/screens/evidence-*.png.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../src/demo/demo-data.js';
import { voucherPng } from '../../src/evidence/samples.js';
import { browserTools, CHROMIUM, launchChromium } from './browser.js';
import { startDemoWebPlatform, type DemoWebPlatform } from './web-platform.js';

const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  if (process.env.CI) throw new Error(`${CHROMIUM} is required in CI for the browser test (apt-get install chromium)`);
  console.warn(`[e2e] skipping the evidence browser test: ${CHROMIUM} is missing (apt-get install chromium); CI fails instead of skipping`);
}

const screens = fileURLToPath(new URL('../../test-results/screens/', import.meta.url));
const rawKey = /\b(menu|evidence|common|error)\.[a-zA-Z_]+\.?[a-zA-Z_]*/;
const rawName = /\b[a-z]+_[a-z_]+\b|\bFH_[A-Z_]+\b/;
const PHONE = { width: 375, height: 812 };

describe.skipIf(!haveChromium)('the evidence vault in Chromium', { timeout: 300_000 }, () => {
  let web: DemoWebPlatform;
  let browser: Browser;
  const tools = browserTools(() => browser, screens, 'evidence-');
  const { freshPage, fitsThePhone } = tools;

  beforeAll(async () => {
    mkdirSync(screens, { recursive: true });
    web = await startDemoWebPlatform();
    browser = await launchChromium();
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await web?.close();
  });

  const logIn = (page: Page, username: string, area: string) => tools.logIn(page, web.baseUrl, username, DEMO_PASSWORD, area);
  const inBothLanguages = (page: Page, name: string) =>
    tools.inBothLanguages(page, name, { values: '[data-testid="evidence-list"]', rawKey, rawName, interface: '.fh-sider, .fh-menu-top, .fh-page-title, .ant-card-head-title, .ant-btn:not(.fh-user), .ant-empty-description, [data-testid="evidence-item"] .ant-tag, .ant-upload-drag p' });

  it('lets consumer1 upload a screenshot, see it listed, check it, and refuses a file that lies about its type', async () => {
    const { page, done } = await freshPage();
    await logIn(page, 'consumer1', 'consumer');
    await page.getByRole('link', { name: '证据保管' }).click();
    await page.waitForURL(`${web.baseUrl}/consumer/evidence`);
    const items = page.getByTestId('evidence-item');
    // The demo's contract and voucher are there (and whatever else the demo put in consumer1's vault).
    await items.filter({ hasText: '借款合同-钱塘小贷.pdf' }).waitFor();
    const before = await items.count();
    expect(before).toBeGreaterThanOrEqual(2);

    const stored = page.waitForResponse((response) => response.url().includes('/v1/consumer/evidence?') && response.request().method() === 'POST');
    await page.locator('[data-testid="evidence-upload"] input[type="file"]').setInputFiles({ name: '催收短信截图.png', mimeType: 'image/png', buffer: voucherPng(200, 120) });
    expect((await stored).status()).toBe(201);
    await expect.poll(() => items.count()).toBe(before + 1);
    const added = items.filter({ hasText: '催收短信截图.png' });
    expect(await added.innerText()).toMatch(/图片[\s\S]*SHA-256/);
    await added.getByTestId('evidence-check').click();
    await expect.poll(() => added.getByTestId('evidence-check-result').innerText().catch(() => '')).toBe('完整，未被改动');
    await inBothLanguages(page, 'vault');

    // A PNG that says it is a PDF: refused, in words, and nothing is added.
    const refused = page.waitForResponse((response) => response.url().includes('/v1/consumer/evidence?') && response.request().method() === 'POST');
    await page.locator('[data-testid="evidence-upload"] input[type="file"]').setInputFiles({ name: '合同.pdf', mimeType: 'application/pdf', buffer: voucherPng(10, 10) });
    expect((await refused).status()).toBe(400);
    await expect.poll(() => page.locator('.ant-message-notice').innerText().catch(() => '')).toContain('文件的实际类型与声明的类型或扩展名不符');
    expect(await items.count()).toBe(before + 1);

    await page.setViewportSize(PHONE);
    await items.first().waitFor();
    await fitsThePhone(page, 'vault');
    await inBothLanguages(page, 'phone-vault');
    await done();
  });
});
