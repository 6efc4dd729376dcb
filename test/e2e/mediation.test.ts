/**
 * Online mediation in a real browser, on the platform with the demo data: consumer1's complaint
 * about Qiantang — filed with a deduction record from their evidence vault, answered by Qiantang
 * and disputed, as the demo leaves it — goes to mediation from the consumer's mediation page;
 * mediator1 (Zhejiang) takes it from the queue and proposes terms; Qiantang accepts in its portal,
 * consumer1 accepts and downloads the signed agreement, which verifies offline and fails once
 * altered. A supervisor appoints a mediator on the appointments page. Every page is photographed
 * in Chinese, in English and at phone width into test-results/screens/mediation-*.png.
 */
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { DEMO_PASSWORD } from '../../src/demo/demo-data.js';
import { verifyAgreement } from '../../src/mediation/agreement.js';
import { voucherPng } from '../../src/evidence/samples.js';
import { browserTools, CHROMIUM, launchChromium } from './browser.js';
import { startDemoWebPlatform, type DemoWebPlatform } from './web-platform.js';

const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  if (process.env.CI) throw new Error(`${CHROMIUM} is required in CI for the browser test (apt-get install chromium)`);
  console.warn(`[e2e] skipping the mediation browser test: ${CHROMIUM} is missing (apt-get install chromium); CI fails instead of skipping`);
}

const screens = fileURLToPath(new URL('../../test-results/screens/', import.meta.url));
/** Interface text that is an i18n key rather than a translation. */
const rawKey = /\b(menu|mediation|common|error|complaints)\.[a-zA-Z_]+\.?[a-zA-Z_]*/;
/** A field or parameter name, or an error code. */
const rawName = /\b[a-z]+_[a-z_]+\b|\bFH_[A-Z_]+\b/;
const PHONE = { width: 375, height: 812 };
const DESKTOP = { width: 1440, height: 900 };
const QIANTANG = '钱塘网络小额贷款有限公司';
const TERMS = '钱塘公司于 10 个工作日内退还会员服务费 480 元，并取消默认勾选的会员服务';

describe.skipIf(!haveChromium)('online mediation in Chromium', { timeout: 300_000 }, () => {
  let web: DemoWebPlatform;
  let browser: Browser;
  let apiKey: string;
  const tools = browserTools(() => browser, screens, 'mediation-');
  const { freshPage, settled, fitsThePhone } = tools;

  const call = <T>(method: string, url: string, options?: { token?: string; apiKey?: string; body?: unknown }) => web.call<T>(method, url, options);

  beforeAll(async () => {
    mkdirSync(screens, { recursive: true });
    web = await startDemoWebPlatform();
    browser = await launchChromium();
    apiKey = await web.issueApiKey(QIANTANG);
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await web?.close();
  });

  const logIn = (page: Page, username: string, area: string) => tools.logIn(page, web.baseUrl, username, DEMO_PASSWORD, area);
  const inBothLanguages = (page: Page, name: string, values: string) =>
    tools.inBothLanguages(page, name, { values, rawKey, rawName, interface: '.fh-sider, .fh-page-title, .ant-card-head-title, .ant-btn:not(.fh-user), .ant-form-item-label, .ant-alert-title, .ant-descriptions-item-label, .ant-empty-description, [data-mediation-status]' });
  const onPhone = async (page: Page, name: string, values: string) => {
    await page.setViewportSize(PHONE);
    await fitsThePhone(page, name);
    await inBothLanguages(page, `phone-${name}`, values);
    await page.setViewportSize(DESKTOP);
  };

  it('takes a disputed complaint with evidence to mediation, where both sides accept the proposal and the consumer downloads the signed agreement', async () => {
    // consumer1 asks for mediation of the disputed complaint.
    const consumer = await freshPage();
    const page = consumer.page;
    await logIn(page, 'consumer1', 'consumer');
    await page.getByRole('link', { name: '在线调解' }).click();
    await page.waitForURL(`${web.baseUrl}/consumer/mediations`);
    // The demo's settled case is there already, with its outcome.
    await page.locator('[data-testid="consumer-mediations"] [data-mediation-status="settled"]').first().waitFor();
    const candidate = page.getByTestId('mediation-candidates').locator('.ant-list-item').filter({ hasText: QIANTANG }).first();
    await candidate.waitFor();
    await inBothLanguages(page, 'consumer-list', '[data-testid="mediation-candidates"], [data-testid="consumer-mediations"]');
    await onPhone(page, 'consumer-list', '[data-testid="mediation-candidates"], [data-testid="consumer-mediations"]');
    await candidate.locator('button[data-action="request-mediation"]').click();
    await page.waitForURL(new RegExp(`${web.baseUrl}/consumer/mediations/[0-9a-f-]{36}$`));
    const room = page.getByTestId('mediation-room');
    await room.locator('[data-mediation-status="requested"]').waitFor();
    const caseId = (await room.getAttribute('data-case-id'))!;
    // The complaint's evidence is in the case.
    await page.getByTestId('mediation-evidence').getByText('扣款记录.txt').waitFor();
    await page.getByTestId('position-text').fill('借款页面默认勾选了会员服务，我从未主动开通，请全额退还。');
    await page.locator('button[data-action="submit-position"]').click();
    await page.getByTestId('mediation-positions').locator('[data-party="consumer"]').waitFor();
    await inBothLanguages(page, 'consumer-room-requested', '[data-testid="mediation-room"]');

    // mediator1 of Zhejiang takes it from the queue and proposes terms.
    const mediator = await freshPage();
    const desk = mediator.page;
    await logIn(desk, 'mediator1', 'mediator');
    const queued = desk.locator(`[data-testid="mediator-queue"] [data-case-id="${caseId}"]`);
    await queued.waitFor();
    await inBothLanguages(desk, 'queue', '[data-testid="mediator-queue"]');
    await queued.locator('button[data-action="open-case"]').click();
    await desk.waitForURL(`${web.baseUrl}/mediator/cases/${caseId}`);
    await desk.locator('button[data-action="take"]').click();
    await desk.getByTestId('mediation-room').locator('[data-mediation-status="in_mediation"]').waitFor();
    await desk.getByTestId('propose-terms').fill(TERMS);
    await desk.locator('input[data-testid="propose-amount"], [data-testid="propose-amount"] input').first().fill('480');
    await desk.locator('button[data-action="propose"]').click();
    await desk.getByTestId('mediation-proposal').getByTestId('proposal-terms').getByText(TERMS).waitFor();
    expect(await desk.getByTestId('proposal-amount').innerText()).toContain('480.00');
    await inBothLanguages(desk, 'mediator-room', '[data-testid="mediation-room"]');
    await onPhone(desk, 'mediator-room', '[data-testid="mediation-room"]');
    await mediator.done();

    // Qiantang reads the consumer's position and evidence in its portal, states its own and accepts.
    const institution = await freshPage();
    const portal = institution.page;
    await portal.goto(`${web.baseUrl}/login`);
    await portal.getByRole('tab', { name: '机构 API 密钥' }).click();
    await portal.locator('input#apiKey').fill(apiKey);
    await portal.getByRole('button', { name: '进入机构门户' }).click();
    await portal.waitForURL(`${web.baseUrl}/institution`);
    // The institution keeps its own record of the case in its evidence vault.
    await portal.goto(`${web.baseUrl}/institution/evidence`);
    await portal.locator('[data-testid="evidence-upload"] input[type="file"]').setInputFiles({ name: '会员服务页面截图.png', mimeType: 'image/png', buffer: voucherPng(160, 90) });
    await portal.locator('[data-testid="evidence-item"]').filter({ hasText: '会员服务页面截图.png' }).waitFor();
    await portal.getByRole('link', { name: '在线调解' }).click();
    await portal.locator(`[data-testid="institution-mediations"] [data-case-id="${caseId}"] button[data-action="open-case"]`).click();
    await portal.waitForURL(`${web.baseUrl}/institution/mediations/${caseId}`);
    await portal.getByTestId('mediation-positions').getByText('默认勾选了会员服务').waitFor();
    await portal.getByTestId('mediation-evidence').getByText('扣款记录.txt').waitFor();
    await portal.getByTestId('position-text').fill('会员服务页面确有默认勾选，同意调解员的方案。');
    await portal.locator('button[data-action="submit-position"]').click();
    await portal.getByTestId('mediation-positions').locator('[data-party="institution"]').waitFor();
    await portal.locator('button[data-action="accept"]').click();
    await tools.clickSettled(portal.locator('.ant-modal-confirm').getByRole('button', { name: /接受方案/ }));
    await portal.getByTestId('mediation-proposal').getByText('已接受').waitFor();
    await inBothLanguages(portal, 'institution-room', '[data-testid="mediation-room"]');
    await onPhone(portal, 'institution-room', '[data-testid="mediation-room"]');
    await institution.done();

    // consumer1 sees the other side's position, accepts, and downloads the signed agreement.
    await page.reload();
    await page.getByTestId('mediation-positions').locator('[data-party="institution"]').waitFor();
    await page.locator('button[data-action="accept"]').click();
    await tools.clickSettled(page.locator('.ant-modal-confirm').getByRole('button', { name: /接受方案/ }));
    await page.getByTestId('mediation-room').locator('[data-mediation-status="settled"]').waitFor();
    await page.getByTestId('mediation-outcome').waitFor();
    await settled(page);
    const download = page.waitForEvent('download');
    await page.locator('button[data-action="download-agreement"]').click();
    const file = await download;
    expect(file.suggestedFilename()).toBe(`mediation-${caseId}.json`);
    const document = JSON.parse(readFileSync((await file.path())!, 'utf8')) as { agreement: { outcome: string; terms: { text: string; amountFen: number }; acceptances: unknown[] } };
    expect(document.agreement).toMatchObject({ outcome: 'settled', terms: { text: TERMS, amountFen: 48_000 } });
    expect(document.agreement.acceptances).toHaveLength(2);
    const key = (await call<{ algorithm: 'ed25519' | 'sm2'; keyId: string; publicKey: string }>('GET', '/v1/platform/public-key')).body;
    expect(verifyAgreement(document, key)).toEqual({ valid: true });
    expect(verifyAgreement({ ...document, agreement: { ...document.agreement, terms: { ...document.agreement.terms, amountFen: 4_800 } } }, key)).toMatchObject({ valid: false, check: 'signature' });
    await inBothLanguages(page, 'consumer-room-settled', '[data-testid="mediation-room"]');
    await onPhone(page, 'consumer-room-settled', '[data-testid="mediation-room"]');
    await consumer.done();
  });

  it('lets a supervisor appoint a mediator for a city of the province and see the cases of the jurisdiction', async () => {
    const { page, done } = await freshPage();
    await logIn(page, 'zhejiang', 'supervisor');
    await page.getByRole('link', { name: '调解员' }).click();
    await page.waitForURL(`${web.baseUrl}/supervisor/mediators`);
    await page.locator('[data-testid="mediator-list"] [data-username="mediator1"]').waitFor();
    await page.getByTestId('mediator-name').fill('杭州市金融纠纷调解员');
    await page.getByTestId('mediator-username').fill('mediator.hangzhou');
    await page.getByTestId('mediator-password').fill('a mediator password');
    await page.getByTestId('mediator-jurisdiction').click();
    await page.locator('.ant-select-tree-node-content-wrapper').filter({ hasText: '杭州市' }).first().click();
    await page.locator('button[data-action="appoint"]').click();
    await page.locator('[data-testid="mediator-list"] [data-username="mediator.hangzhou"]').waitFor();
    await page.locator('[data-testid="supervisor-mediations"] [data-case-id]').first().waitFor();
    await inBothLanguages(page, 'supervisor-mediators', '[data-testid="mediator-list"], [data-testid="supervisor-mediations"]');
    await onPhone(page, 'supervisor-mediators', '[data-testid="mediator-list"], [data-testid="supervisor-mediations"]');
    await done();
    // The new mediator logs in to their workspace.
    const session = await call<{ principal: { role: string; jurisdictionCode: string } }>('POST', '/v1/auth/login', { body: { username: 'mediator.hangzhou', password: 'a mediator password' } });
    expect(session.body.principal).toMatchObject({ role: 'mediator', jurisdictionCode: '330100' });
  });
});
