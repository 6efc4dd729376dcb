/**
 * Data rights in a real browser, on the platform with the demo data: consumer1, whose payment
 * waits for an answer, sees why their data cannot be deleted now and downloads a copy of it; a
 * newly registered consumer corrects their name and deletes their data with their password, and
 * can no longer log in. Screenshots in Chinese, English and at phone width go to
 * test-results/screens/data-rights-*.png.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { DEMO_PASSWORD, demoConsumers, demoPeople } from '../../src/demo/demo-data.js';
import { makeResidentId } from '../harness.js';
import { browserTools, CHROMIUM, launchChromium } from './browser.js';
import { startDemoWebPlatform, type DemoWebPlatform } from './web-platform.js';

const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  if (process.env.CI) throw new Error(`${CHROMIUM} is required in CI for the browser test (apt-get install chromium)`);
  console.warn(`[e2e] skipping the data-rights browser test: ${CHROMIUM} is missing (apt-get install chromium); CI fails instead of skipping`);
}

const screens = fileURLToPath(new URL('../../test-results/screens/', import.meta.url));
const rawKey = /\b(menu|dataRights|common|error)\.[a-zA-Z_]+\.?[a-zA-Z_]*/;
const rawName = /\b[a-z]+_[a-z_]+\b|\bFH_[A-Z_]+\b/;
const PHONE = { width: 375, height: 812 };

describe.skipIf(!haveChromium)('data rights in Chromium', { timeout: 300_000 }, () => {
  let web: DemoWebPlatform;
  let browser: Browser;
  const tools = browserTools(() => browser, screens, 'data-rights-');
  const { freshPage, settled, fitsThePhone } = tools;
  const logIn = (page: Page, username: string, password = DEMO_PASSWORD) => tools.logIn(page, web.baseUrl, username, password, 'consumer');
  const inBothLanguages = (page: Page, name: string) =>
    tools.inBothLanguages(page, name, { values: '[data-testid="data-requests"]', rawKey, rawName, interface: '.fh-sider, .fh-page-title, .ant-card-head-title, .ant-btn:not(.fh-user), .ant-alert-message, .ant-alert-description, .ant-form-item-label, .ant-typography, .ant-empty-description' });

  beforeAll(async () => {
    mkdirSync(screens, { recursive: true });
    web = await startDemoWebPlatform();
    browser = await launchChromium();
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await web?.close();
  });

  it('tells consumer1 why deletion must wait, and hands them a copy of their data', async () => {
    const consumer1 = demoConsumers(demoPeople(900))[0]!;
    const { page, done } = await freshPage();
    await logIn(page, 'consumer1');
    await page.getByRole('link', { name: '我的数据权利' }).click();
    await page.waitForURL(`${web.baseUrl}/consumer/data-rights`);
    // The demo holds a payment of consumer1's that waits for their answer: the reason is shown and the button is off.
    await page.locator('[data-testid="data-deletion"][data-blocked="true"]').waitFor();
    expect(await page.getByTestId('deletion-hold').first().innerText()).toContain('等待您确认');
    expect(await page.locator('button[data-action="delete"]').isDisabled()).toBe(true);

    const download = page.waitForEvent('download');
    await page.locator('button[data-action="export"]').click();
    const file = await (await download).path();
    const copy = JSON.parse(await readFile(file, 'utf8')) as { format: string; identity: { residentId: string }; accessLog: { action: string }[] };
    expect(copy.format).toBe('fenghuo.personal-data');
    expect(copy.identity.residentId).toBe(consumer1.person.residentId);
    expect(copy.accessLog.map((entry) => entry.action)).toContain('personal_data.export');
    await page.locator('[data-testid="data-request"][data-kind="export"]').waitFor();
    await inBothLanguages(page, 'consumer1');
    await page.setViewportSize(PHONE);
    await fitsThePhone(page, 'consumer1');
    await done();
  });

  it('lets a consumer correct their name, then delete their data with their password, after which the login is gone', async () => {
    const username = 'data.rights.leaver';
    const password = 'leaving for good 1';
    const registered = await fetch(`${web.baseUrl}/v1/public/consumers`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password, displayName: '王小明', residentId: makeResidentId('330106', '1992-03-04', 77), phone: '13700001234' }),
    });
    expect(registered.status).toBe(201);
    const { page, done } = await freshPage();
    await logIn(page, username, password);
    await page.goto(`${web.baseUrl}/consumer/data-rights`);
    await page.locator('[data-testid="data-deletion"][data-blocked="false"]').waitFor();

    await page.getByTestId('data-correction').getByLabel('显示名称').fill('王晓明');
    await page.locator('button[data-action="correct"]').click();
    await page.locator('[data-testid="data-request"][data-kind="correction"]').waitFor();
    expect(await page.locator('[data-testid="data-request"][data-kind="correction"]').innerText()).toContain('显示名称');

    await page.locator('button[data-action="delete"]').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByTestId('deletion-password').fill('not the password');
    await dialog.getByRole('button', { name: '确认删除' }).click();
    await page.locator('.ant-message-error').waitFor();
    await dialog.getByTestId('deletion-password').fill(password);
    await settled(page);
    await page.screenshot({ path: `${screens}data-rights-delete-dialog.png` });
    await dialog.getByRole('button', { name: '确认删除' }).click();
    await page.getByTestId('data-deleted').waitFor();
    await settled(page);
    await page.screenshot({ path: `${screens}data-rights-deleted.png` });
    await page.getByTestId('data-deleted').getByRole('button').click();
    await page.waitForURL(`${web.baseUrl}/`);
    await done();

    const login = await fetch(`${web.baseUrl}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
    expect(login.status).toBe(401);
  });
});
