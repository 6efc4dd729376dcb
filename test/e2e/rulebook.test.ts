/**
 * The rulebook and the alerts in a real browser: Debian's Chromium driven by playwright-core against
 * the platform with the demo data (whose filings hold deliberate violations, so alerts exist). The
 * national supervisor works an alert through triage to dismissal; the Zhejiang supervisor tightens a
 * provincial parameter after a dry run, and is refused a loosening in words; an institution reads the
 * alerts about it. Pages are photographed in Chinese and in English, and at phone width, into
 * /tmp/shots (outside the repository).
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
  console.warn(`[e2e] skipping the rulebook browser test: ${CHROMIUM} is missing (apt-get install chromium); CI fails instead of skipping`);
}

const screens = fileURLToPath(new URL('../../test-results/screens/', import.meta.url));
/** Interface text that is an i18n key rather than a translation, e.g. "alerts.title". */
const rawKey = /\b(app|nav|menu|role|common|form|error|fields|alerts|alertStatus|severity|rulebook|ruleEditor)\.[a-zA-Z_]+/;
/** A field or parameter name of the data standard or a rule (`principal_fen`, `limit_fen`), or an error code. */
const rawName = /\b[a-z]+_[a-z_]+\b|\bFH_[A-Z_]+\b/;
const chinese = /[\u4e00-\u9fff]/;

describe.skipIf(!haveChromium)('rulebook and alerts in Chromium', { timeout: 300_000 }, () => {
  let web: DemoWebPlatform;
  let browser: Browser;
  const { freshPage, settled, screenshot, switchLanguage } = browserTools(() => browser, screens, 'rulebook-');

  beforeAll(async () => {
    mkdirSync(screens, { recursive: true });
    web = await startDemoWebPlatform();
    browser = await launchChromium();
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await web?.close();
  });

  /** Call the API as a client would. */
  async function call<T>(method: string, url: string, token?: string, body?: unknown): Promise<{ status: number; body: T }> {
    const response = await fetch(`${web.baseUrl}${url}`, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await response.text();
    return { status: response.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  /** What this page shows of data and values: field and parameter names must never show there. */
  const valueRegions = '[data-testid="facts-table"], [data-testid="dry-run-result"], [data-testid="rule-refusal"], [data-testid="alerts-table"], [data-testid="alert-card"], [data-testid="rulebook"] table, [data-testid="rule-editor"]';

  /**
   * The page in Chinese and in English, a screenshot of each: no interface key, no field or parameter
   * name where values show, and no Chinese in the English page's own words; `inEnglish`, checks of
   * the test's own, run while the page is in English. Leaves the page in Chinese.
   */
  async function inBothLanguages(page: Page, name: string, inEnglish?: () => Promise<void>): Promise<void> {
    const values = () => page.locator(valueRegions).evaluateAll((elements) => elements.map((element) => (element as HTMLElement).innerText).join('\n'));
    expect(await values(), `${name}: raw names (zh)`).not.toMatch(rawName);
    await screenshot(page, `${name}-zh`);
    await switchLanguage(page, 'en');
    expect(await page.locator('body').innerText()).not.toMatch(rawKey);
    expect(await values(), `${name}: raw names (en)`).not.toMatch(rawName);
    const interfaceText = await page
      .locator('.fh-brand, .fh-nav, .fh-user, .fh-sider, .fh-menu-top, .fh-page-title, .ant-card-head-title, thead, .ant-btn, .ant-alert, .ant-form-item-label, .ant-statistic-title, .ant-tag, .fh-history, [data-testid="rule-basis"]')
      .evaluateAll((elements) => elements.map((element) => (element as HTMLElement).innerText).join('\n'));
    expect(interfaceText, `${name}: Chinese in the English interface`).not.toMatch(chinese);
    await screenshot(page, `${name}-en`);
    await inEnglish?.();
    await switchLanguage(page, 'zh');
  }

  /** At phone width: nothing wider than the screen, and the header (with the rulebook's link) on one line. */
  async function fitsThePhone(page: Page, name: string): Promise<void> {
    await settled(page);
    const layout = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, window: window.innerWidth, header: document.querySelector('.fh-header')!.getBoundingClientRect().height }));
    expect(layout.scroll, `${name}: sideways scroll`).toBeLessThanOrEqual(layout.window);
    expect(layout.header, `${name}: header height`).toBeLessThanOrEqual(72);
  }

  async function logIn(page: Page, username: string): Promise<string> {
    await page.goto(`${web.baseUrl}/login`);
    await page.getByLabel('用户名').fill(username);
    await page.getByLabel('密码').fill(DEMO_PASSWORD);
    await page.locator('form').getByRole('button', { name: /登\s*录/ }).click();
    await page.waitForURL(`${web.baseUrl}/supervisor`);
    return page.evaluate(() => (JSON.parse(sessionStorage.getItem('fenghuo.session') ?? '{}') as { token: string }).token);
  }

  interface AlertsReply {
    items: { id: string; status: string; severity: string; institution: { id: string; nameZh: string } }[];
    total: number;
    counts: { bySeverity: Record<string, number>; byRule: { ruleId: string; count: number }[] };
  }
  interface AlertDetail {
    status: string;
    history: { from: string | null; to: string; by: string; reason: string | null }[];
  }

  it('lets the national supervisor work an alert from the queue: triage, then dismissal with a reason, in the history', async () => {
    const { page, done } = await freshPage();
    const token = await logIn(page, 'national');
    await page.getByRole('link', { name: '预警' }).click();
    await page.waitForURL(`${web.baseUrl}/supervisor/alerts`);
    const rows = page.getByTestId('alerts-table').locator('tbody tr.ant-table-row');
    await rows.first().waitFor();

    // The counts on the cards are the API's.
    const all = (await call<AlertsReply>('GET', '/v1/supervisor/alerts?pageSize=1', token)).body;
    expect(all.total).toBeGreaterThan(0);
    for (const severity of ['high', 'medium', 'low']) {
      expect(await page.getByTestId(`count-${severity}`).locator('.ant-statistic-content-value').innerText()).toBe(String(all.counts.bySeverity[severity] ?? 0));
    }
    await page.locator('[data-testid="chart-alerts-by-rule"][data-rendered="true"]').waitFor();
    await inBothLanguages(page, 'alerts');

    // Filters live in the address: the new alerts of high severity.
    await page.goto(`${web.baseUrl}/supervisor/alerts?severity=high&status=new`);
    const highNew = (await call<AlertsReply>('GET', '/v1/supervisor/alerts?severity=high&status=new&pageSize=20', token)).body;
    expect(highNew.total).toBeGreaterThan(0);
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(Math.min(highNew.total, 20));
    for (const row of await rows.all()) {
      expect(await row.locator('[data-severity]').getAttribute('data-severity')).toBe('high');
      expect(await row.locator('[data-alert-status]').getAttribute('data-alert-status')).toBe('new');
    }
    const alert = highNew.items[0]!;
    await page.locator(`a[href="/supervisor/alerts/${alert.id}"]`).click();
    await page.waitForURL(`${web.baseUrl}/supervisor/alerts/${alert.id}`);
    const detail = page.locator('[data-testid="alert-detail"][data-status="new"]');
    await detail.waitFor();
    // The explanation in the reader's language, the legal basis, the values in yuan or percent, a link to the filing.
    expect(await page.getByTestId('alert-explanation').innerText()).toMatch(chinese);
    await page.getByTestId('alert-basis').getByText(/Art\./).first().waitFor();
    expect(await page.getByTestId('facts-table').locator('tbody tr.ant-table-row').count()).toBeGreaterThan(0);
    expect(await page.getByTestId('facts-table').innerText()).not.toMatch(rawName);
    await page.getByTestId('record-filing-link').first().waitFor();
    await inBothLanguages(page, 'alert-new');

    await page.locator('button[data-action="triaged"]').click();
    await page.locator('[data-testid="alert-detail"][data-status="triaged"]').waitFor();
    expect(await page.locator('button[data-action="triaged"]').count()).toBe(0);

    await page.locator('button[data-action="dismissed"]').click();
    const dialog = page.getByRole('dialog');
    await dialog.getByRole('textbox').waitFor();
    await settled(page);
    await dialog.getByRole('button', { name: /确\s*定/ }).click();
    await dialog.getByText('排除预警须说明理由').waitFor(); // no reason, no dismissal
    expect((await call<AlertDetail>('GET', `/v1/supervisor/alerts/${alert.id}`, token)).body.status).toBe('triaged');
    await dialog.getByRole('textbox').fill('经核实，该笔资金划转已于次月经存管账户更正 / checked: the transfer was corrected through the custodian account the next month');
    await settled(page);
    await page.screenshot({ path: `${screens}rulebook-alert-dismiss-dialog.png` });
    await dialog.getByRole('button', { name: /确\s*定/ }).click();
    await page.locator('[data-testid="alert-detail"][data-status="dismissed"]').waitFor();
    await dialog.waitFor({ state: 'hidden' });

    // The history: raised, triaged, dismissed with the reason, in the reader's language only.
    const history = page.getByTestId('alert-history');
    await history.locator('[data-history-to="dismissed"]').getByText('经核实，该笔资金划转已于次月经存管账户更正').waitFor();
    expect(await history.locator('[data-history-to]').count()).toBe(3);
    expect(await history.innerText()).not.toContain('checked: the transfer');
    expect(await history.locator('[data-history-to="triaged"]').innerText()).toMatch(/全国监管分析员（本人）/);
    const stored = (await call<AlertDetail>('GET', `/v1/supervisor/alerts/${alert.id}`, token)).body;
    expect(stored.status).toBe('dismissed');
    expect(stored.history.map((entry) => entry.to)).toEqual(['new', 'triaged', 'dismissed']);
    expect(stored.history[2]!.reason).toMatch(/^经核实/);
    expect(await page.locator('[data-action]').count()).toBe(0); // a dismissed alert moves no further
    await inBothLanguages(page, 'alert-dismissed', async () => {
      expect(await history.innerText()).toContain('checked: the transfer was corrected');
    });

    // The list shows the move.
    await page.goto(`${web.baseUrl}/supervisor/alerts?status=dismissed`);
    await page.locator(`a[href="/supervisor/alerts/${alert.id}"]`).waitFor();

    // At phone width: one card per alert, the alert page without sideways scrolling.
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto(`${web.baseUrl}/supervisor/alerts`);
    await page.getByTestId('alert-card').first().waitFor();
    await page.locator('[data-testid="chart-alerts-by-rule"][data-rendered="true"]').waitFor();
    await fitsThePhone(page, 'alerts');
    await inBothLanguages(page, 'phone-alerts');
    await page.goto(`${web.baseUrl}/supervisor/alerts/${alert.id}`);
    await page.locator('[data-testid="alert-detail"][data-status="dismissed"]').waitFor();
    await fitsThePhone(page, 'alert');
    await inBothLanguages(page, 'phone-alert');
    await done();
  });

  it('lets the Zhejiang supervisor tighten a provincial parameter after a dry run, and refuses a loosening in words', async () => {
    const { page, done } = await freshPage();
    const token = await logIn(page, 'zhejiang');
    await page.getByRole('link', { name: '规则库' }).click();
    await page.waitForURL(`${web.baseUrl}/supervisor/rules`);
    const card = page.locator('[data-testid="rule-card"][data-rule-id="CN-BORROW-INDIVIDUAL-PLATFORM"]');
    await card.waitFor();
    expect(await page.getByTestId('rulebook').getAttribute('data-jurisdiction')).toBe('330000');
    // National value, the province's column empty (it inherits), the value in force: in yuan.
    const limit = card.locator('tr[data-parameter="limit_fen"]');
    expect(await limit.locator('[data-tier="000000"]').innerText()).toContain('¥200,000.00');
    expect(await limit.innerText()).toContain('沿用上级');
    expect(await limit.getByTestId('parameter-value').innerText()).toBe('¥200,000.00');
    expect(await card.getByTestId('rule-basis').innerText()).toContain('Art.17');
    await inBothLanguages(page, 'rulebook');

    await card.getByTestId('tighten').click();
    await page.waitForURL(`${web.baseUrl}/supervisor/rules/CN-BORROW-INDIVIDUAL-PLATFORM/tighten`);
    const input = page.getByTestId('param-input-limit_fen');
    await input.waitFor();
    expect(await input.inputValue()).toBe('200,000'); // yuan in the form

    // Loosening is refused in words: the parameter, the tier above and its value, in the reader's language.
    await input.fill('300000');
    await page.getByTestId('dry-run').click();
    const refusal = page.getByTestId('rule-refusal');
    await refusal.waitFor();
    expect(await refusal.innerText()).toBe('“余额上限”只能收紧：全国规定的值为 ¥200,000.00，本级不得高于该值。');
    await inBothLanguages(page, 'rule-loosened', async () => {
      expect(await refusal.innerText()).toMatch(/^“Balance limit” may only be tightened: .+ sets it at ¥200,000\.00, and this tier may not go above it\.$/);
    });
    // Applying it directly is refused the same way by the API.
    const loosened = await call<{ error: { code: string; details: { parameter: string; parentValue: number } } }>('POST', '/v1/supervisor/rules/CN-BORROW-INDIVIDUAL-PLATFORM/refinements', token, {
      jurisdiction: '330000',
      parameters: { limit_fen: 30_000_000 },
      effectiveFrom: '2026-12-01',
      reason: { zh: '放宽', en: 'loosen' },
    });
    expect(loosened.status).toBe(422);
    expect(loosened.body.error.code).toBe('FH_RULE_PARAMETER_LOOSENED');

    // Tighten to 100,000 yuan: the dry run shows its progress, then what it would change.
    await input.fill('100000');
    await refusal.waitFor({ state: 'detached' });
    expect(await page.getByTestId('apply').isDisabled()).toBe(true); // no apply before a dry run
    await page.getByTestId('rule-reason').fill('本省个人网络借贷余额风险上升，省局决定下调单一平台借款余额上限');
    await page.getByTestId('dry-run').click();
    const result = page.locator('[data-testid="dry-run-result"][data-status="done"]');
    await result.waitFor();
    const added = Number((await result.getByTestId('dry-run-added').locator('.ant-statistic-content-value').innerText()).replace(/,/g, ''));
    expect(added).toBeGreaterThan(0);
    expect(await result.getByTestId('dry-run-institutions').innerText()).toMatch(chinese);
    expect(await result.getByTestId('dry-run-examples').innerText()).toContain('¥100,000.00');
    await inBothLanguages(page, 'rule-dry-run');

    // A changed value makes the result stale: apply waits for a new dry run.
    await input.fill('90000');
    expect(await page.getByTestId('apply').isDisabled()).toBe(true);
    await input.fill('100000');
    await page.getByTestId('apply').click();
    // Confirm once the pop-up has finished opening (a click during its animation can be lost under load).
    const confirm = page.locator('.ant-popconfirm').getByRole('button', { name: /应\s*用/ });
    await confirm.waitFor();
    await settled(page);
    await page.screenshot({ path: `${screens}rulebook-rule-apply-confirm.png` });
    await confirm.click();
    await page.waitForURL(/\/supervisor\/rules\?jurisdiction=330000&date=\d{4}-\d{2}-\d{2}$/);
    const tightened = page.locator('[data-testid="rule-card"][data-rule-id="CN-BORROW-INDIVIDUAL-PLATFORM"] tr[data-parameter="limit_fen"]');
    await tightened.locator('[data-tier="330000"][data-tightened="true"]').waitFor();
    expect(await tightened.locator('[data-tier="330000"]').innerText()).toMatch(/¥100,000\.00\s*收紧/);
    expect(await tightened.getByTestId('parameter-value').innerText()).toBe('¥100,000.00');
    const rules = (await call<{ rules: { id: string; version: string; parameters: { name: string; value: number; setBy: string }[] }[] }>('GET', '/v1/rules?jurisdiction=330000')).body;
    const rule = rules.rules.find((candidate) => candidate.id === 'CN-BORROW-INDIVIDUAL-PLATFORM')!;
    expect(rule.parameters.find((parameter) => parameter.name === 'limit_fen')).toMatchObject({ value: 10_000_000, setBy: '330000' });
    expect(rule.version).toMatch(/@000000\+\d+@330000$/);
    await inBothLanguages(page, 'rulebook-tightened');

    // The same pages on a phone.
    await page.setViewportSize({ width: 390, height: 844 });
    await fitsThePhone(page, 'rulebook');
    await screenshot(page, 'phone-rulebook-zh');
    await page.goto(`${web.baseUrl}/supervisor/rules/CN-BORROW-INDIVIDUAL-PLATFORM/tighten`);
    await input.waitFor();
    await input.fill('80000');
    await page.getByTestId('dry-run').click();
    await result.waitFor();
    await fitsThePhone(page, 'rule editor');
    await inBothLanguages(page, 'phone-rule-dry-run');
    await done();
  });

  it('shows an institution the alerts about it, read-only, and anyone the rulebook without logging in', async () => {
    // An API key of an institution the demo's violations raised alerts about.
    const { body: login } = await call<{ token: string }>('POST', '/v1/auth/login', undefined, { username: 'national', password: DEMO_PASSWORD });
    const alerts = (await call<AlertsReply>('GET', '/v1/supervisor/alerts?status=new&severity=high&pageSize=1', login.token)).body;
    const institution = alerts.items[0]!.institution;
    const { body: key } = await call<{ apiKey: string }>('POST', `/v1/supervisor/institutions/${institution.id}/api-keys`, login.token, { label: '浏览器测试' });

    const { page, done } = await freshPage();
    await page.goto(`${web.baseUrl}/login`);
    await page.getByRole('tab', { name: '机构 API 密钥' }).click();
    await page.locator('input#apiKey').fill(key.apiKey);
    await page.getByRole('button', { name: '进入机构门户' }).click();
    await page.waitForURL(`${web.baseUrl}/institution`);
    await page.getByRole('link', { name: '关于本机构的预警' }).click();
    const rows = page.getByTestId('alerts-table').locator('tbody tr.ant-table-row');
    await rows.first().waitFor();
    const own = (await call<AlertsReply>('GET', '/v1/institution/alerts?pageSize=200', await page.evaluate(() => (JSON.parse(sessionStorage.getItem('fenghuo.session') ?? '{}') as { token: string }).token))).body;
    expect(own.items.every((item) => item.institution.id === institution.id)).toBe(true);
    expect(await page.getByTestId('filter-institution').count()).toBe(0);
    await inBothLanguages(page, 'institution-alerts');
    await rows.first().getByTestId('alert-link').click();
    await page.waitForURL(/\/institution\/alerts\/[0-9a-f-]{36}$/);
    await page.getByTestId('alert-detail').waitFor();
    expect(await page.locator('[data-action]').count()).toBe(0);
    await inBothLanguages(page, 'institution-alert');

    // What its licences make it owe, month by month, beside its filings.
    await page.getByRole('link', { name: '数据报送' }).click();
    const calendar = page.getByTestId('filing-calendar');
    await calendar.locator('[data-obligation]').first().waitFor();
    const token = await page.evaluate(() => (JSON.parse(sessionStorage.getItem('fenghuo.session') ?? '{}') as { token: string }).token);
    const owed = (await call<{ entries: { status: string }[] }>('GET', '/v1/institution/filing-calendar', token)).body.entries;
    expect(await calendar.locator('[data-obligation="filed"]').count()).toBe(owed.filter((entry) => entry.status === 'filed').length);
    await calendar.scrollIntoViewIfNeeded();
    await settled(page);
    await calendar.screenshot({ path: `${screens}rulebook-institution-calendar-zh.png` });
    await switchLanguage(page, 'en');
    expect(await calendar.innerText()).not.toMatch(chinese);
    await calendar.screenshot({ path: `${screens}rulebook-institution-calendar-en.png` });
    await switchLanguage(page, 'zh');
    await done();

    // The narrowest phone the other pages are held to: the header's links and buttons still on one line, in both languages.
    const visitor = await freshPage({ width: 375, height: 812 });
    await visitor.page.goto(`${web.baseUrl}/rules`);
    await visitor.page.locator('[data-testid="rule-card"][data-rule-id="CN-LOAN-RATE-4LPR"]').waitFor();
    expect(await visitor.page.getByTestId('tighten').count()).toBe(0);
    await fitsThePhone(visitor.page, 'public rulebook (zh)');
    await inBothLanguages(visitor.page, 'phone-public-rulebook', () => fitsThePhone(visitor.page, 'public rulebook (en)'));
    await visitor.done();
  });
});
