/**
 * Data rights in a real browser, on the platform with the demo data: a consumer whose payment
 * waits for their answer sees why their data cannot be deleted now and downloads a copy of it; a
 * newly registered consumer corrects their name and deletes their data with their password, and
 * can no longer log in. Each test registers its own consumer: the demo's consumer1 answers their
 * held payment in the screening suite. Screenshots in Chinese, English and at phone width go to
 * test-results/screens/data-rights-*.png.
 */
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import type { Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../../src/demo/demo-data.js';
import { makeResidentId } from '../../harness.js';
import { browserTools, SCREENS, type SharedBrowser } from '../browser.js';
import type { DemoWebPlatform } from '../web-platform.js';

const rawKey = /\b(menu|dataRights|common|error)\.[a-zA-Z_]+\.?[a-zA-Z_]*/;
const rawName = /\b[a-z]+_[a-z_]+\b|\bFH_[A-Z_]+\b/;
const PHONE = { width: 375, height: 812 };

export const dataRightsSuite = (shared: SharedBrowser) => describe('data rights in Chromium', { timeout: 300_000 }, () => {
  let web: DemoWebPlatform;
  const tools = browserTools(shared.browser, SCREENS, 'data-rights-');
  const { freshPage, settled, fitsThePhone } = tools;
  const logIn = (page: Page, username: string, password = DEMO_PASSWORD) => tools.logIn(page, web.baseUrl, username, password, 'consumer');
  const inBothLanguages = (page: Page, name: string) =>
    tools.inBothLanguages(page, name, { values: '[data-testid="data-requests"]', rawKey, rawName, interface: '.fh-sider, .fh-page-title, .ant-card-head-title, .ant-btn:not(.fh-user), .ant-alert-message, .ant-alert-description, .ant-form-item-label, .ant-typography, .ant-empty-description' });

  beforeAll(async () => {
    web = shared.demo();
  });

  it('tells a consumer whose payment is held why deletion must wait, and hands them a copy of their data', async () => {
    const username = 'data.rights.holder';
    const password = 'waiting for an answer 2';
    const residentId = makeResidentId('330106', '1988-07-21', 41);
    const registered = await web.call('POST', '/v1/public/consumers', { body: { username, password, displayName: '陈静', residentId } });
    expect(registered.status, JSON.stringify(registered.body)).toBe(201);
    // Their payment institution holds a large first payment to someone new for their answer. Its
    // thresholds as the screening suite sets them too: held for the consumer, not reviewed by hand.
    const apiKey = await web.issueApiKey('西湖支付科技有限公司');
    const settings = await web.call('PUT', '/v1/institution/screening/settings', { apiKey, body: { thresholds: { confirm: 30, review: 70, block: 90 } } });
    expect(settings.status).toBe(200);
    const held = await web.call<{ decision: string; status: string }>('POST', '/v1/screen', {
      apiKey,
      body: { paymentId: 'E2E-DR-0001', initiatedAt: new Date().toISOString(), amount: '6000.00', currency: 'CNY', payer: { account: '6230580000004401', residentId }, payee: { account: '6228480000004402', name: '赵磊' }, fundingSource: 'bank_card' },
    });
    expect(held.status).toBe(200);
    expect(held.body).toMatchObject({ decision: 'confirm', status: 'awaiting_consumer' });

    const { page, done } = await freshPage();
    await logIn(page, username, password);
    await page.getByRole('link', { name: '我的数据权利' }).click();
    await page.waitForURL(`${web.baseUrl}/consumer/data-rights`);
    // The payment waits for their answer: the reason is shown and the button is off.
    await page.locator('[data-testid="data-deletion"][data-blocked="true"]').waitFor();
    expect(await page.getByTestId('deletion-hold').allInnerTexts()).toEqual([expect.stringContaining('等待您确认')]);
    expect(await page.locator('button[data-action="delete"]').isDisabled()).toBe(true);

    const download = page.waitForEvent('download');
    await page.locator('button[data-action="export"]').click();
    const file = await (await download).path();
    const copy = JSON.parse(await readFile(file, 'utf8')) as { format: string; identity: { residentId: string }; accessLog: { action: string }[] };
    expect(copy.format).toBe('fenghuo.personal-data');
    expect(copy.identity.residentId).toBe(residentId);
    expect(copy.accessLog.map((entry) => entry.action)).toContain('personal_data.export');
    await page.locator('[data-testid="data-request"][data-kind="export"]').waitFor();
    await inBothLanguages(page, 'held');
    await page.setViewportSize(PHONE);
    await fitsThePhone(page, 'held');
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
    await page.screenshot({ path: `${SCREENS}data-rights-delete-dialog.png` });
    await dialog.getByRole('button', { name: '确认删除' }).click();
    await page.getByTestId('data-deleted').waitFor();
    await settled(page);
    await page.screenshot({ path: `${SCREENS}data-rights-deleted.png` });
    await page.getByTestId('data-deleted').getByRole('button').click();
    await page.waitForURL(`${web.baseUrl}/`);
    await done();

    const login = await fetch(`${web.baseUrl}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username, password }) });
    expect(login.status).toBe(401);
  });
});
