/**
 * Complaints in a real browser, on the platform with the demo data: consumer1 opens the evidence
 * attached to a demo complaint and files a complaint against Qiantang in the portal with an item of
 * their evidence vault, Qiantang's complaint desk answers it, consumer1 disputes the
 * answer and sees it marked; the Zhejiang supervisor finds it among the disputed complaints and the
 * Guangdong supervisor finds the demo's complaint against an unregistered app; anyone reads the
 * public statistics, small groups withheld. Every page is photographed in Chinese, in English and
 * at phone width into test-results/screens/complaints-*.png.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../src/demo/demo-data.js';
import { browserTools, CHROMIUM, launchChromium } from './browser.js';
import { startDemoWebPlatform, type DemoWebPlatform } from './web-platform.js';

const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  if (process.env.CI) throw new Error(`${CHROMIUM} is required in CI for the browser test (apt-get install chromium)`);
  console.warn(`[e2e] skipping the complaints browser test: ${CHROMIUM} is missing (apt-get install chromium); CI fails instead of skipping`);
}

const screens = fileURLToPath(new URL('../../test-results/screens/', import.meta.url));
/** Interface text that is an i18n key rather than a translation. */
const rawKey = /\b(menu|complaints|common|error)\.[a-zA-Z_]+\.?[a-zA-Z_]*/;
/** A field or parameter name, or an error code. */
const rawName = /\b[a-z]+_[a-z_]+\b|\bFH_[A-Z_]+\b/;
const PHONE = { width: 375, height: 812 };
const DESKTOP = { width: 1440, height: 900 };
const QIANTANG = '钱塘网络小额贷款有限公司';
const NARRATIVE = '借款页面默认勾选了“加速审核服务”，每期多扣 59 元，我从未同意。';

describe.skipIf(!haveChromium)('complaints in Chromium', { timeout: 300_000 }, () => {
  let web: DemoWebPlatform;
  let browser: Browser;
  let apiKey: string;
  const tools = browserTools(() => browser, screens, 'complaints-');
  const { freshPage, settled, fitsThePhone } = tools;


  beforeAll(async () => {
    mkdirSync(screens, { recursive: true });
    web = await startDemoWebPlatform();
    browser = await launchChromium();
    // An API key of Qiantang for its portal, issued by the national supervisor.
    apiKey = await web.issueApiKey(QIANTANG);
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await web?.close();
  });

  const logIn = (page: Page, username: string, area: string) => tools.logIn(page, web.baseUrl, username, DEMO_PASSWORD, area);
  const inBothLanguages = (page: Page, name: string, values: string) =>
    tools.inBothLanguages(page, name, { values, rawKey, rawName, interface: '.fh-sider, .fh-page-title, thead, .ant-btn:not(.fh-user), .ant-form-item-label, .ant-alert-title, .ant-descriptions-item-label, .ant-empty-description, [data-testid="complaint-status"]' });
  const onPhone = async (page: Page, name: string, values: string) => {
    await page.setViewportSize(PHONE);
    await fitsThePhone(page, name);
    await inBothLanguages(page, `phone-${name}`, values);
    await page.setViewportSize(DESKTOP);
  };

  it('files a complaint, answers it at the desk, disputes the answer; the supervisors and the public see it', async () => {
    // consumer1 files a complaint against Qiantang.
    const consumer = await freshPage();
    const page = consumer.page;
    await logIn(page, 'consumer1', 'consumer');
    await page.getByRole('link', { name: '我的投诉' }).click();
    await page.waitForURL(`${web.baseUrl}/consumer/complaints`);
    // The demo's complaints: one disputed, one answered with relief.
    await page.locator('[data-testid="complaints-list"] [data-status="disputed"]').first().waitFor();
    await inBothLanguages(page, 'mine', '[data-testid="complaints-list"]');
    // The disputed one carries the deduction record from consumer1's evidence vault.
    await page.locator('[data-testid="complaints-list"] .ant-list-item').filter({ has: page.locator('[data-status="disputed"]') }).first().locator('a').click();
    const attachments = page.getByTestId('complaint-attachments');
    await attachments.getByText('扣款记录.txt').waitFor();
    const download = page.waitForEvent('download');
    await attachments.getByText('扣款记录.txt').click();
    expect((await download).suggestedFilename()).toBe('扣款记录.txt');
    await inBothLanguages(page, 'with-evidence', '[data-testid="complaint-detail"]');
    await page.goBack();
    await page.waitForURL(`${web.baseUrl}/consumer/complaints`);
    await page.locator('button[data-action="new-complaint"]').click();
    await page.waitForURL(`${web.baseUrl}/consumer/complaints/new`);
    const form = page.getByTestId('complaint-form');
    await form.getByTestId('complaint-institution').click();
    await page.keyboard.type('钱塘');
    await page.locator('.ant-select-item-option').filter({ hasText: QIANTANG }).click();
    await form.getByTestId('complaint-product').fill('钱塘快贷 App 现金贷');
    await form.getByTestId('complaint-product-type').click();
    await page.locator('.ant-select-item-option').filter({ hasText: '现金贷' }).click();
    await form.getByText('隐性收费或综合成本超过上限').click();
    await form.getByTestId('complaint-narrative').fill(NARRATIVE);
    // Evidence from the vault: the deduction record already there.
    await form.getByTestId('complaint-evidence').click();
    await page.locator('.ant-select-item-option').filter({ hasText: '扣款记录.txt' }).click();
    await page.keyboard.press('Escape');
    await form.getByTestId('complaint-amount').fill('12.345');
    await form.locator('button[data-action="file-complaint"]').click();
    await form.getByText('请输入金额（元），最多两位小数').waitFor();
    await inBothLanguages(page, 'file-form', '[data-testid="complaint-form"]');
    await onPhone(page, 'file-form', '[data-testid="complaint-form"]');
    await form.getByTestId('complaint-amount').fill('708');
    const filed = page.waitForResponse((response) => response.url().endsWith('/v1/consumer/complaints') && response.request().method() === 'POST');
    await form.locator('button[data-action="file-complaint"]').click();
    expect((await filed).status()).toBe(201);
    await page.waitForURL(/\/consumer\/complaints\/[0-9a-f-]{36}$/);
    const complaintId = page.url().split('/').at(-1)!;
    const detail = page.getByTestId('complaint-detail');
    await detail.locator('[data-testid="complaint-status"][data-status="filed"]').waitFor();
    expect(await detail.innerText()).toContain('¥708.00');
    await detail.getByTestId('complaint-attachments').getByText('扣款记录.txt').waitFor();
    expect(await detail.getByTestId('complaint-deadline').innerText()).toMatch(/15 个自然日/);
    await page.getByTestId('complaint-history').getByText('提交投诉').waitFor();
    await inBothLanguages(page, 'filed', '[data-testid="complaint-detail"]');
    await onPhone(page, 'filed', '[data-testid="complaint-detail"]');

    // Qiantang's complaint desk answers it.
    const institution = await freshPage();
    const portal = institution.page;
    await portal.goto(`${web.baseUrl}/login`);
    await portal.getByRole('tab', { name: '机构 API 密钥' }).click();
    await portal.locator('input#apiKey').fill(apiKey);
    await portal.getByRole('button', { name: '进入机构门户' }).click();
    await portal.waitForURL(`${web.baseUrl}/institution`);
    await portal.getByRole('link', { name: '投诉处理' }).click();
    await portal.waitForURL(`${web.baseUrl}/institution/complaints`);
    const row = portal.locator(`tr[data-complaint-id="${complaintId}"]`);
    await row.and(portal.locator('[data-status="filed"]')).waitFor();
    await inBothLanguages(portal, 'desk', '[data-testid="complaints-table"]');
    await row.locator('button[data-action="answer"]').click();
    const dialog = portal.getByRole('dialog');
    await dialog.getByText('经济补偿').click();
    await dialog.getByTestId('answer-text').fill('加速审核服务为自愿选择，已在页面提示，不予退还。');
    await dialog.getByRole('button', { name: '提交答复' }).click();
    await dialog.getByText('请填写补偿金额').waitFor();
    await settled(portal);
    await portal.screenshot({ path: `${screens}complaints-desk-answer-dialog.png` });
    await dialog.getByText('解释说明后办结').click();
    await dialog.getByRole('button', { name: '提交答复' }).click();
    await portal.locator(`tr[data-complaint-id="${complaintId}"][data-status="answered"]`).waitFor();
    await dialog.waitFor({ state: 'hidden' });
    await onPhone(portal, 'desk', '[data-testid="complaints-table"]');
    await institution.done();

    // consumer1 reads the answer and disputes it.
    await page.reload();
    await page.getByTestId('complaint-answer').getByText('不予退还').waitFor();
    const feedback = page.getByTestId('complaint-feedback');
    await feedback.getByText('有异议').click();
    await feedback.locator('button[data-action="send-feedback"]').click();
    await feedback.getByText('请写明异议理由').waitFor();
    await feedback.getByTestId('feedback-reason').fill('我从未选择该服务，页面默认勾选，应退还全部 708 元。');
    await inBothLanguages(page, 'feedback', '[data-testid="complaint-detail"], [data-testid="complaint-feedback"]');
    await feedback.locator('button[data-action="send-feedback"]').click();
    await page.getByTestId('complaint-disputed').waitFor();
    await detail.locator('[data-testid="complaint-status"][data-status="disputed"]').waitFor();
    await page.getByTestId('complaint-history').getByText('对答复提出异议').waitFor();
    await inBothLanguages(page, 'disputed', '[data-testid="complaint-detail"]');
    await onPhone(page, 'disputed', '[data-testid="complaint-detail"]');
    await consumer.done();

    // The Zhejiang supervisor finds it among the disputed complaints; Guangdong's sees the unregistered app.
    const zhejiang = await freshPage();
    await logIn(zhejiang.page, 'zhejiang', 'supervisor');
    await zhejiang.page.getByRole('link', { name: '投诉监督' }).click();
    await zhejiang.page.waitForURL(`${web.baseUrl}/supervisor/complaints`);
    await zhejiang.page.getByTestId('complaint-filter').getByText('有异议').click();
    await zhejiang.page.locator(`tr[data-complaint-id="${complaintId}"]`).waitFor();
    await inBothLanguages(zhejiang.page, 'supervisor-disputed', '[data-testid="complaints-table"]');
    await zhejiang.page.locator(`tr[data-complaint-id="${complaintId}"]`).getByText('隐性收费或综合成本超过上限').click();
    await zhejiang.page.getByTestId('complaint-drawer').getByText(NARRATIVE).waitFor();
    await settled(zhejiang.page);
    await zhejiang.page.screenshot({ path: `${screens}complaints-supervisor-drawer.png` });
    await zhejiang.done();
    const guangdong = await freshPage();
    await logIn(guangdong.page, 'guangdong', 'supervisor');
    await guangdong.page.goto(`${web.baseUrl}/supervisor/complaints`);
    await guangdong.page.getByTestId('complaint-filter').getByText('未登记机构').click();
    await guangdong.page.getByTestId('complaints-table').getByText('闪电速借 App').waitFor();
    await inBothLanguages(guangdong.page, 'supervisor-unregistered', '[data-testid="complaints-table"]');
    await guangdong.page.getByTestId('complaint-filter').getByText('已超期', { exact: true }).click();
    await guangdong.page.getByTestId('complaints-table').locator('[data-late="true"]').first().waitFor();
    await onPhone(guangdong.page, 'supervisor-late', '[data-testid="complaints-table"]');
    // The late complaint is among the early-warning figures of the province.
    await guangdong.page.getByRole('link', { name: '监管概览' }).click();
    await guangdong.page.waitForURL(`${web.baseUrl}/supervisor`);
    const late = guangdong.page.locator('[data-testid="stat-late-complaints"][data-risk="true"]');
    await late.waitFor();
    expect(await late.locator('.ant-statistic-content-value').innerText()).toBe('1');
    await tools.screenshot(guangdong.page, 'supervisor-overview');
    await guangdong.done();

    // The public statistics: Qiantang's complaints published, small groups withheld.
    const visitor = await freshPage();
    await visitor.page.goto(web.baseUrl);
    await visitor.page.getByRole('link', { name: '投诉统计' }).click();
    await visitor.page.waitForURL(`${web.baseUrl}/complaint-statistics`);
    const table = visitor.page.getByTestId('stats-table');
    await table.locator('tr').filter({ hasText: QIANTANG }).waitFor();
    expect(await table.getByTestId('suppressed').count()).toBeGreaterThan(0);
    expect(await table.innerText()).not.toContain('闪电速借');
    await visitor.page.locator('[data-testid="stats-chart"][data-rendered="true"]').waitFor();
    await inBothLanguages(visitor.page, 'statistics', '[data-testid="stats-table"]');
    await visitor.page.getByTestId('stats-by').getByText('按投诉事项').click();
    await table.getByText('隐性收费或综合成本超过上限').waitFor();
    await visitor.page.locator('[data-testid="stats-chart"][data-rendered="true"]').waitFor();
    await inBothLanguages(visitor.page, 'statistics-issue', '[data-testid="stats-table"]');
    await onPhone(visitor.page, 'statistics', '[data-testid="stats-table"]');
    await visitor.done();
  });
});
