/**
 * Credit reporting in a real browser, on the platform with the demo data: consumer1 reads a
 * report put together from several lenders' filings, disputes a loan account and sees it marked at
 * once, then withdraws Qiantang's credit-inquiry authorisation; Qiantang's inquiry is refused in
 * plain words and its dispute desk shows the objection; a supervisor sees it among the disputes
 * of the jurisdiction, then the scorecard versions with their figures and points table. Every page is photographed in Chinese, in English and at phone width into
 * test-results/screens/credit-*.png.
 */
import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { DEMO_PASSWORD, demoConsumers, demoPeople } from '../../src/demo/demo-data.js';
import { browserTools, CHROMIUM, launchChromium } from './browser.js';
import { startDemoWebPlatform, type DemoWebPlatform } from './web-platform.js';

const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  if (process.env.CI) throw new Error(`${CHROMIUM} is required in CI for the browser test (apt-get install chromium)`);
  console.warn(`[e2e] skipping the credit browser test: ${CHROMIUM} is missing (apt-get install chromium); CI fails instead of skipping`);
}

const screens = fileURLToPath(new URL('../../test-results/screens/', import.meta.url));
/** Interface text that is an i18n key rather than a translation. */
const rawKey = /\b(menu|credit|creditModels|common|error)\.[a-zA-Z_]+\.?[a-zA-Z_]*/;
/** A field or parameter name, or an error code. */
const rawName = /\b[a-z]+_[a-z_]+\b|\bFH_[A-Z_]+\b/;
const PHONE = { width: 375, height: 812 };
const QIANTANG = '钱塘网络小额贷款有限公司';

interface Report {
  tradelines: { institution: { institutionId: string; nameZh: string }; loanId: string; worstDaysPastDue: number }[];
}

describe.skipIf(!haveChromium)('credit reports in Chromium', { timeout: 300_000 }, () => {
  let web: DemoWebPlatform;
  let browser: Browser;
  let apiKey: string;
  const tools = browserTools(() => browser, screens, 'credit-');
  const { freshPage, settled } = tools;

  const call = <T>(method: string, url: string, options?: { token?: string; apiKey?: string; body?: unknown }) => web.call<T>(method, url, options);

  const tokenOf = (username: string) => web.tokenOf(username);

  beforeAll(async () => {
    mkdirSync(screens, { recursive: true });
    web = await startDemoWebPlatform();
    browser = await launchChromium();
    // An API key of Qiantang, the demo lender holding consumer1's authorisation, issued by the national supervisor.
    apiKey = await web.issueApiKey(QIANTANG);
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await web?.close();
  });

  const logIn = (page: Page, username: string, area: string) => tools.logIn(page, web.baseUrl, username, DEMO_PASSWORD, area);
  const inBothLanguages = (page: Page, name: string, values: string, inEnglish?: () => Promise<void>) =>
    tools.inBothLanguages(page, name, { values, rawKey, rawName, ...(inEnglish ? { inEnglish } : {}), interface: '.fh-sider, .fh-menu-top, .fh-page-title, .ant-card-head-title .ant-tag, .ant-card-extra, thead, .ant-btn:not(.fh-user), .ant-alert-title, .ant-alert-description, .ant-descriptions-item-label, .ant-statistic-title, .ant-empty-description, .fh-credit-legend, .fh-dispute-mark' });
  const { fitsThePhone } = tools;

  it('shows consumer1 a report from several lenders, marks a dispute at once, and refuses the lender whose authorisation was withdrawn', async () => {
    const consumer1 = demoConsumers(demoPeople(900))[0]!;
    const consumerToken = await tokenOf('consumer1');
    // Tradelines are built from the filings in the background: wait until the demo's loans are there.
    await expect
      .poll(async () => (await call<Report>('GET', '/v1/consumer/credit-report', { token: consumerToken })).body.tradelines.map((t) => t.loanId), { timeout: 60_000, interval: 250 })
      .toEqual(expect.arrayContaining(['QIAN-X40', 'YONG-X40']));

    const { page, done } = await freshPage();
    await logIn(page, 'consumer1', 'consumer');
    await page.getByRole('link', { name: '我的信用报告' }).click();
    await page.waitForURL(`${web.baseUrl}/consumer/credit-report`);
    const cards = page.getByTestId('tradeline-card');
    await cards.first().waitFor();
    const institutions = new Set(await cards.evaluateAll((elements) => elements.map((element) => element.getAttribute('data-institution-id'))));
    expect(institutions.size).toBeGreaterThanOrEqual(2);
    // The late loan says so in words and in its history; the identity number shows in full only on request.
    const late = page.locator('[data-testid="tradeline-card"][data-loan-id="YONG-X40"]');
    expect(await late.getByTestId('tradeline-worst').innerText()).toMatch(/最长逾期 \d+ 天/);
    expect(await late.locator('[data-code="1"], [data-code="2"]').count()).toBeGreaterThan(0);
    await late.getByTestId('negative-record').waitFor();
    expect(await page.getByTestId('report-resident-id').innerText()).not.toBe(consumer1.person.residentId);
    await page.locator('button[data-action="reveal"]').click();
    expect(await page.getByTestId('report-resident-id').innerText()).toBe(consumer1.person.residentId);
    await page.locator('button[data-action="reveal"]').click();
    await page.getByTestId('free-reports').waitFor();
    await inBothLanguages(page, 'report', '[data-testid="credit-report"]');

    // Disputing Qiantang's loan: the form, then the mark on the card at once.
    const disputed = page.locator('[data-testid="tradeline-card"][data-loan-id="QIAN-X40"]');
    await disputed.locator('button[data-action="dispute"]').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByTestId('dispute-reason').fill('这笔借款的开立日期不对，我是十月才借的。');
    await settled(page);
    await page.screenshot({ path: `${screens}credit-dispute-dialog.png` });
    const filed = page.waitForResponse((response) => response.url().endsWith('/v1/consumer/credit/disputes') && response.request().method() === 'POST');
    await dialog.getByRole('button', { name: '提交异议' }).click();
    expect((await filed).status()).toBe(201);
    await page.locator('[data-testid="tradeline-card"][data-loan-id="QIAN-X40"][data-disputed="true"]').getByTestId('dispute-mark').waitFor();
    await dialog.waitFor({ state: 'hidden' });
    expect(await disputed.getByTestId('tradeline-dispute').innerText()).toContain('机构须在');
    expect(await disputed.locator('button[data-action="dispute"]').count()).toBe(0);
    await inBothLanguages(page, 'report-disputed', '[data-testid="credit-report"]');
    await page.setViewportSize(PHONE);
    await disputed.waitFor();
    await fitsThePhone(page, 'report');
    await inBothLanguages(page, 'phone-report', '[data-testid="credit-report"]');
    await page.setViewportSize({ width: 1440, height: 900 });

    // Withdrawing Qiantang's authorisation, after saying so in the dialog.
    await page.getByRole('link', { name: '我的授权' }).click();
    await page.waitForURL(`${web.baseUrl}/consumer/consents`);
    const consent = page.getByTestId('consent-card').filter({ hasText: QIANTANG });
    await consent.and(page.locator('[data-status="active"]')).waitFor();
    await inBothLanguages(page, 'consents', '[data-testid="consent-list"]');
    await consent.locator('button[data-action="withdraw"]').click();
    await page.locator('.ant-modal-confirm-title').getByText(`撤回对 ${QIANTANG} 的授权？`).waitFor();
    await settled(page);
    await page.screenshot({ path: `${screens}credit-consents-withdraw-dialog.png` });
    await page.getByRole('dialog').getByRole('button', { name: /撤\s*回/ }).click();
    await page.locator('[data-testid="consent-card"][data-status="withdrawn"]').filter({ hasText: QIANTANG }).waitFor();
    expect(await consent.locator('button[data-action="withdraw"]').count()).toBe(0);
    await inBothLanguages(page, 'consents-withdrawn', '[data-testid="consent-list"]');
    await page.setViewportSize(PHONE);
    await fitsThePhone(page, 'consents');
    await inBothLanguages(page, 'phone-consents', '[data-testid="consent-list"]');
    await done();

    // Qiantang asks for consumer1's report: refused, in words.
    const institution = await freshPage();
    const portal = institution.page;
    await portal.goto(`${web.baseUrl}/login`);
    await portal.getByRole('tab', { name: '机构 API 密钥' }).click();
    await portal.locator('input#apiKey').fill(apiKey);
    await portal.getByRole('button', { name: '进入机构门户' }).click();
    await portal.waitForURL(`${web.baseUrl}/institution`);
    await portal.getByRole('link', { name: '征信查询' }).click();
    await portal.waitForURL(`${web.baseUrl}/institution/credit-inquiry`);
    await portal.getByTestId('inquiry-resident-id').fill(consumer1.person.residentId);
    await portal.locator('button[data-action="inquire"]').click();
    const refused = portal.locator('[data-testid="inquiry-refused"][data-code="FH_CONSENT_WITHDRAWN"]');
    await refused.waitFor();
    expect(await refused.innerText()).toContain('此人已撤回给贵机构的授权');
    await inBothLanguages(portal, 'inquiry-refused', '[data-testid="inquiry-refused"]', async () => {
      expect(await refused.innerText()).toContain('withdrawn their authorisation');
    });
    await portal.setViewportSize(PHONE);
    await fitsThePhone(portal, 'inquiry');
    await inBothLanguages(portal, 'phone-inquiry-refused', '[data-testid="inquiry-refused"]');
    await portal.setViewportSize({ width: 1440, height: 900 });

    // Its dispute desk holds consumer1's objection, with its due date.
    await portal.getByRole('link', { name: '异议处理' }).click();
    await portal.waitForURL(`${web.baseUrl}/institution/disputes`);
    const row = portal.locator('tr[data-dispute-id]').filter({ hasText: 'QIAN-X40' });
    await row.and(portal.locator('[data-status="open"]')).waitFor();
    expect(await row.getByTestId('dispute-due').innerText()).toMatch(/剩 \d+ 天/);
    await inBothLanguages(portal, 'desk', '[data-testid="disputes-table"]');
    await row.locator('button[data-action="answer"]').click();
    await portal.getByRole('dialog').getByText('核实无误，维持原记录').waitFor();
    await tools.clickSettled(portal.getByRole('dialog').getByText('信息有误，已更正'));
    await portal.getByRole('dialog').locator('textarea').fill('已核对合同，开立日期无误。');
    await portal.getByRole('dialog').getByRole('button', { name: '提交答复' }).click();
    // Corrected needs a corrected filing first: the refusal says what to do.
    await portal.getByTestId('answer-refused').getByText('还没有收到更正后的报送').waitFor();
    await settled(portal);
    await portal.screenshot({ path: `${screens}credit-desk-answer-refused.png` });
    await portal.getByRole('dialog').getByText('核实无误，维持原记录').click();
    await portal.getByRole('dialog').getByRole('button', { name: '提交答复' }).click();
    await portal.locator('tr[data-dispute-id][data-status="kept"]').filter({ hasText: 'QIAN-X40' }).waitFor();
    await portal.setViewportSize(PHONE);
    await fitsThePhone(portal, 'desk');
    await inBothLanguages(portal, 'phone-desk', '[data-testid="disputes-table"]');
    await institution.done();

    // A supervisor of Zhejiang sees it among the disputes of the province.
    const supervisor = await freshPage();
    await logIn(supervisor.page, 'zhejiang', 'supervisor');
    await supervisor.page.getByRole('link', { name: '征信异议' }).click();
    await supervisor.page.waitForURL(`${web.baseUrl}/supervisor/credit-disputes`);
    await supervisor.page.locator('tr[data-dispute-id][data-status="kept"]').filter({ hasText: 'QIAN-X40' }).waitFor();
    await inBothLanguages(supervisor.page, 'supervisor', '[data-testid="disputes-table"]');
    await supervisor.page.getByTestId('escalated-only').click();
    await supervisor.page.waitForURL(/status=escalated/);
    await supervisor.page.getByTestId('disputes-table').locator('.ant-empty').waitFor();

    // The scorecard the demo trained at load: in force, with its figures, calibration and points.
    await supervisor.page.getByRole('link', { name: '评分模型' }).click();
    await supervisor.page.waitForURL(`${web.baseUrl}/supervisor/credit-models`);
    await supervisor.page.locator('[data-testid="model-versions"] [data-version="1"][data-in-force="true"]').waitFor();
    expect(await supervisor.page.getByTestId('model-detail').getAttribute('data-version')).toBe('1');
    expect(Number(await supervisor.page.getByTestId('model-auc').innerText())).toBeGreaterThan(0.5);
    await supervisor.page.locator('[data-testid="chart-calibration"][data-rendered="true"]').waitFor();
    const points = supervisor.page.getByTestId('points-table').getByTestId('bin-points');
    expect(await points.count()).toBeGreaterThanOrEqual(4);
    // Ranges in words (below, from … to, or more), never the bracket notation of the trainer.
    const ranges = await supervisor.page.getByTestId('points-table').locator('tbody').innerText();
    expect(ranges).toMatch(/低于|及以上|至/);
    expect(ranges).not.toMatch(/\[-?[\d.]+, |[<≥] ?-?\d/);
    expect(await supervisor.page.getByTestId('score-range').innerText()).toMatch(/评分范围：-?\d+ – -?\d+ 分/);
    const modelsPage = '[data-testid="credit-models"]';
    await tools.inBothLanguages(supervisor.page, 'models', { values: modelsPage, rawKey, rawName, interface: '.fh-sider, .fh-page-title, .ant-card-head-title, thead, .ant-statistic-title, .ant-descriptions-item-label, .ant-alert-message, .ant-alert-description, .ant-tag' });
    await supervisor.page.setViewportSize(PHONE);
    await supervisor.page.locator('[data-testid="model-versions"] [data-version="1"]').waitFor();
    await supervisor.page.locator('[data-testid="chart-calibration"][data-rendered="true"]').waitFor();
    await fitsThePhone(supervisor.page, 'models');
    await tools.inBothLanguages(supervisor.page, 'phone-models', { values: modelsPage, rawKey, rawName, interface: '.fh-page-title, .ant-card-head-title, thead, .ant-statistic-title, .ant-descriptions-item-label, .ant-alert-message, .ant-tag' });
    await supervisor.done();
  });
});
