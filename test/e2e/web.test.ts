/**
 * The web UI in a real browser: Debian's Chromium driven by playwright-core against the platform
 * serving the built UI on PGlite. What a person sees: the public licence lookup, an institution's
 * record, a supervisor's dashboard with the real counts, a licence decision, and the switch to English.
 * Every page is photographed in Chinese and in English (test-results/screens), the public and
 * consumer pages also at phone width, where nothing may be wider than the screen.
 */
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser, Page } from 'playwright-core';
import { makeResidentId } from '../harness.js';
import { startWebPlatform, type WebPlatform } from './web-platform.js';
import { browserTools, CHROMIUM, launchChromium } from './browser.js';

const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) {
  if (process.env.CI) throw new Error(`${CHROMIUM} is required in CI for the browser test (apt-get install chromium)`);
  console.warn(`[e2e] skipping the browser test: ${CHROMIUM} is missing (apt-get install chromium); CI fails instead of skipping`);
}

const screens = fileURLToPath(new URL('../../test-results/screens/', import.meta.url));
/** Interface text that is an i18n key rather than a translation, e.g. "dashboard.title". */
const rawKey = /\b(app|nav|menu|role|status|kind|dashboard|licence|institution|registry|error|common|form|login|apiKeys|consumer|accessLog|filings|filingStatus|standard|loanCost)\.[a-zA-Z_]+/;
const chinese = /[\u4e00-\u9fff]/;

// Each test walks a whole journey through a real browser; on a busy two-core machine one can take minutes.
describe.skipIf(!haveChromium)('web UI in Chromium', { timeout: 240_000 }, () => {
  let web: WebPlatform;
  let browser: Browser;
  const { freshPage, settled, clickSettled, screenshot, switchLanguage } = browserTools(() => browser, screens);

  beforeAll(async () => {
    mkdirSync(screens, { recursive: true });
    web = await startWebPlatform();
    browser = await launchChromium();
  }, 600_000);

  afterAll(async () => {
    await browser?.close();
    await web?.close();
  });

  /**
   * The page in Chinese and in English, a screenshot of each (`<name>-zh`, `<name>-en`), checking
   * that no interface key shows and that the English page's own words (header, menu, headings,
   * table heads, buttons, alerts) hold no Chinese; `inEnglish`, checks of the test's own, run while
   * the page is in English. Leaves the page in Chinese.
   */
  async function screenshotsInBothLanguages(page: Page, name: string, data: string[] = [], inEnglish?: () => Promise<void>): Promise<void> {
    await screenshot(page, `${name}-zh`);
    await switchLanguage(page, 'en');
    expect(await page.locator('body').innerText()).not.toMatch(rawKey);
    const interfaceText = await page
      .locator('.fh-brand, .fh-nav, .fh-user-role, .fh-sider, .fh-menu-top, .fh-page-title h3, .ant-card-head-title, thead, .ant-btn:not(.fh-user), .ant-alert-title, .ant-form-item-label')
      .evaluateAll((elements) => elements.map((element) => (element as HTMLElement).innerText).join('\n'));
    // A person's own name is data, in whatever script it was written.
    const ownWords = data.reduce((text, datum) => text.replaceAll(datum, ''), interfaceText);
    // Institution names are data and were seeded with English names; anything Chinese here is untranslated interface text.
    expect(ownWords, `${name}: Chinese in the English interface`).not.toMatch(chinese);
    await screenshot(page, `${name}-en`);
    await inEnglish?.();
    await switchLanguage(page, 'zh');
  }

  /** At phone width: nothing wider than the screen, and the header above the page rather than over it. */
  async function fitsThePhone(page: Page, name: string): Promise<void> {
    await settled(page);
    const layout = await page.evaluate(() => {
      const header = document.querySelector('.fh-header')!.getBoundingClientRect();
      const main = document.querySelector('.fh-header + *')!.getBoundingClientRect();
      return { scrollWidth: document.documentElement.scrollWidth, width: window.innerWidth, headerBottom: header.bottom, headerHeight: header.height, contentTop: main.top };
    });
    expect(layout.scrollWidth, `${name}: sideways scroll`).toBeLessThanOrEqual(layout.width);
    expect(layout.headerHeight, `${name}: header height`).toBeLessThanOrEqual(72);
    expect(layout.contentTop, `${name}: content under the header`).toBeGreaterThanOrEqual(layout.headerBottom - 1);
  }

  /** Wait until every chart on the page has finished drawing. */
  async function chartsDrawn(page: Page, count: number): Promise<void> {
    await page.locator('[data-testid^="chart-"][data-rendered="true"]').nth(count - 1).waitFor();
    expect(await page.locator('[data-testid^="chart-"][data-rendered="false"]').count()).toBe(0);
  }

  async function logInAsSupervisor(page: Page): Promise<void> {
    await page.goto(`${web.baseUrl}/login`);
    await page.getByLabel('用户名').fill(web.supervisor.username);
    await page.getByLabel('密码').fill(web.supervisor.password);
    await page.locator('form').getByRole('button', { name: /登\s*录/ }).click();
    await page.waitForURL(`${web.baseUrl}/supervisor`);
  }

  it('lets the public find a licensed institution by name and open its record', async () => {
    const { page, done } = await freshPage();
    const { qiantang } = web.institutions;
    await page.goto(web.baseUrl);
    await page.getByText('共 3 家机构').waitFor();

    const search = page.getByPlaceholder('输入机构名称或统一社会信用代码').first();
    await search.fill('钱塘');
    await search.press('Enter');
    await page.getByText('共 1 家机构').waitFor();
    const rows = page.getByTestId('registry-table').locator('tbody tr.ant-table-row');
    expect(await rows.count()).toBe(1);
    const row = rows.first();
    expect(await row.getByRole('link').textContent()).toBe(qiantang.nameZh);
    expect(await row.locator('[data-status]').getAttribute('data-status')).toBe('approved');
    expect(await row.locator('[data-status]').textContent()).toBe('已批准');
    expect(page.url()).toContain('q=%E9%92%B1%E5%A1%98');
    await screenshotsInBothLanguages(page, 'registry-search');

    await row.getByRole('link').click();
    await page.waitForURL(`${web.baseUrl}/institutions/${qiantang.institutionId}`);
    await page.getByRole('heading', { name: qiantang.nameZh }).waitFor();
    const licence = page.locator('.fh-licence');
    expect(await licence.count()).toBe(1);
    expect(await licence.locator('.ant-card-head [data-status]').textContent()).toBe('已批准');
    expect(await licence.locator('.fh-mono').first().textContent()).toMatch(/^330100-OL-\d{4}-\d{6}$/);
    expect(await licence.getByTestId('qualifications-met').textContent()).toBe('已满足 5/5');
    await licence.getByText('资质条件全部满足，准予许可').waitFor();
    expect(await page.getByTestId('licence-warning').count()).toBe(0);
    await screenshotsInBothLanguages(page, 'institution-detail');

    // A suspended platform: a warning anyone can read, in the reader's language only, with the supervisor's reason.
    await page.goto(`${web.baseUrl}/institutions/${web.institutions.xihu.institutionId}`);
    const warning = page.getByTestId('licence-warning');
    await warning.waitFor();
    expect(await warning.getAttribute('data-status')).toBe('suspended');
    expect(await warning.innerText()).toMatch(/许可已暂停（[^）]+）：暂停期间该机构不得从事此项业务/);
    expect(await warning.innerText()).toContain('客户备付金存管不足');
    expect(await warning.innerText()).not.toContain('client reserve funds');
    await screenshotsInBothLanguages(page, 'institution-suspended', [], async () => {
      expect(await warning.innerText()).toMatch(/Licence suspended[\s\S]*may not do this business/);
      expect(await warning.innerText()).toContain('client reserve funds not fully held in custody');
      expect(await warning.innerText()).not.toMatch(chinese);
      expect(await page.locator('.fh-history').innerText()).not.toContain('客户备付金');
    });

    // An institution that does not exist: no Retry that would fail again, a way back instead.
    await page.goto(`${web.baseUrl}/institutions/00000000-0000-4000-8000-000000000000`);
    await page.getByTestId('error-state').waitFor();
    expect(await page.getByTestId('error-retry').count()).toBe(0);
    await page.getByTestId('error-home').waitFor();
    await screenshotsInBothLanguages(page, 'institution-not-found');
    await page.goto(`${web.baseUrl}/no-such-page`);
    await page.getByText('页面不存在').waitFor();
    await screenshotsInBothLanguages(page, 'page-not-found');

    // A name nobody holds finds nothing, and says so.
    await page.goto(`${web.baseUrl}/?q=${encodeURIComponent('不存在的平台')}`);
    await page.getByText('没有符合条件的机构').waitFor();
    expect(await page.getByTestId('registry-table').locator('tbody tr.ant-table-row').count()).toBe(0);
    await done();
  });

  it('refuses a wrong password in the reader’s language, then shows the supervisor the real counts, in Chinese and in English', async () => {
    const { page, done } = await freshPage();
    await page.goto(`${web.baseUrl}/login`);
    await page.getByLabel('用户名').fill(web.supervisor.username);
    await page.getByLabel('密码').fill('not the password');
    await page.locator('form').getByRole('button', { name: /登\s*录/ }).click();
    // The refusal is in Chinese (message.zh of the error body) and sits on the field to correct.
    await page.locator('.ant-form-item').filter({ has: page.getByLabel('密码') }).getByText('用户名或密码错误').waitFor();
    expect(page.url()).toBe(`${web.baseUrl}/login`);
    await screenshotsInBothLanguages(page, 'login-wrong-password');

    await logInAsSupervisor(page);
    await page.getByRole('heading', { name: '浙江省 监管概览' }).waitFor();
    const institutions = page.getByTestId('stat-institutions');
    await institutions.locator('.ant-statistic-content-value').waitFor();
    // The number on the card is the number the API reports, and that is what was seeded.
    const token = await page.evaluate(() => (JSON.parse(sessionStorage.getItem('fenghuo.session') ?? '{}') as { token?: string }).token);
    const overview = (await (await fetch(`${web.baseUrl}/v1/supervisor/overview`, { headers: { authorization: `Bearer ${token}` } })).json()) as { institutions: number; licencesByStatus: Record<string, number> };
    expect(overview.institutions).toBe(3);
    expect(await institutions.locator('.ant-statistic-content-value').textContent()).toBe(String(overview.institutions));
    expect(await page.getByTestId('stat-approved').locator('.ant-statistic-content-value').textContent()).toBe(String(overview.licencesByStatus.approved));
    expect(await page.getByTestId('stat-suspended').locator('.ant-statistic-content-value').textContent()).toBe('1');
    await chartsDrawn(page, 3);
    expect(await institutions.locator('.ant-statistic-title').textContent()).toBe('登记机构');
    await screenshot(page, 'supervisor-dashboard-zh');

    await page.locator('.fh-language').getByText('EN').click();
    await page.getByRole('heading', { name: 'Zhejiang: supervision overview' }).waitFor();
    await chartsDrawn(page, 3);
    expect(await institutions.locator('.ant-statistic-title').textContent()).toBe('Institutions');
    expect(await institutions.locator('.ant-statistic-content-value').textContent()).toBe(String(overview.institutions));
    expect(await page.locator('.fh-sider').innerText()).toMatch(/Supervision[\s\S]*Overview[\s\S]*Institutions/);
    expect(await page.locator('.fh-sider').innerText()).not.toMatch(chinese);
    // The supervisor is named by jurisdiction in English, not by a Chinese display name.
    expect(await page.getByTestId('user-menu').innerText()).toMatch(/Zhejiang supervisor/);
    for (const card of await page.locator('[data-testid^="stat-"]').all()) expect(await card.innerText()).not.toMatch(chinese);
    expect(await page.locator('body').innerText()).not.toMatch(rawKey);
    expect(await page.locator('html').getAttribute('lang')).toBe('en');
    await screenshot(page, 'supervisor-dashboard-en');

    // The choice survives a reload (localStorage), and so does the session (sessionStorage).
    await page.reload();
    await page.getByRole('heading', { name: 'Zhejiang: supervision overview' }).waitFor();
    expect(await page.evaluate(() => localStorage.getItem('fenghuo.language'))).toBe('en');
    await done();
  });

  it('lets a supervisor approve an application only once every qualification is checked, with a reason', async () => {
    const { page, done } = await freshPage();
    const { yongjiang } = web.institutions;
    await logInAsSupervisor(page);
    await page.getByRole('link', { name: '机构管理' }).click();
    const listed = page.locator('.ant-table-tbody tr.ant-table-row');
    await expect.poll(() => listed.count(), { timeout: 20_000 }).toBe(3);
    // Filters: licence status, then licence type, then a name; each narrows the list the API returns.
    await page.goto(`${web.baseUrl}/supervisor/institutions?licenceStatus=suspended`);
    await expect.poll(() => listed.count(), { timeout: 20_000 }).toBe(1);
    await listed.first().getByText(web.institutions.xihu.nameZh).waitFor();
    await screenshotsInBothLanguages(page, 'supervisor-institutions-filtered');
    await page.goto(`${web.baseUrl}/supervisor/institutions?licenceType=consumer_finance`);
    await expect.poll(() => listed.count(), { timeout: 20_000 }).toBe(1);
    await listed.first().getByText(yongjiang.nameZh).waitFor();
    await page.goto(`${web.baseUrl}/supervisor/institutions?jurisdiction=330100`);
    await expect.poll(() => listed.count(), { timeout: 20_000 }).toBe(2);
    await page.getByTestId('institution-search').locator('input').fill('甬江');
    await page.getByTestId('institution-search').locator('input').press('Enter');
    await expect.poll(() => listed.count(), { timeout: 20_000 }).toBe(0);
    await page.goto(`${web.baseUrl}/supervisor/institutions`);
    await expect.poll(() => listed.count(), { timeout: 20_000 }).toBe(3);
    await page.getByRole('link', { name: yongjiang.nameZh }).click();
    await page.waitForURL(`${web.baseUrl}/supervisor/institutions/${yongjiang.institutionId}`);

    const licence = page.locator('.fh-licence');
    const approve = licence.locator('button[data-action="approved"]');
    expect(await licence.locator('.ant-card-head [data-status]').getAttribute('data-status')).toBe('applied');
    expect(await approve.isDisabled()).toBe(true);
    const switches = licence.getByRole('switch');
    const total = await switches.count();
    expect(total).toBeGreaterThan(0);
    for (let index = 0; index < total; index++) {
      await switches.nth(index).click();
      await licence.getByTestId('qualifications-met').getByText(`已满足 ${index + 1}/${total}`).waitFor();
    }
    expect(await approve.isDisabled()).toBe(false);

    await approve.click();
    const dialog = page.getByRole('dialog');
    // Click only once the dialog has finished opening (a click during its animation can be lost under load).
    await dialog.getByRole('textbox').waitFor();
    await settled(page);
    await dialog.getByRole('button', { name: /确\s*定/ }).click();
    await dialog.getByText('请填写理由').waitFor(); // no reason, no decision
    await dialog.getByRole('textbox').fill('资质条件核查完毕，准予许可');
    await settled(page);
    await page.screenshot({ path: `${screens}supervisor-approve-dialog.png` });
    await dialog.getByRole('button', { name: /确\s*定/ }).click();
    await licence.locator('.ant-card-head [data-status="approved"]').waitFor();
    expect(await licence.locator('.fh-mono').first().textContent()).toMatch(/^330200-CN-\d{4}-\d{6}$/);
    await licence.getByText('资质条件核查完毕，准予许可').waitFor();
    await screenshotsInBothLanguages(page, 'supervisor-institution-approved');

    // The public registry shows the decision at once.
    const record = (await (await fetch(`${web.baseUrl}/v1/public/institutions/${yongjiang.institutionId}`)).json()) as { licences: { status: string }[] };
    expect(record.licences.map((l) => l.status)).toEqual(['approved']);
    await done();
  });

  it('shows a consumer the field at fault when registering, then their masked record and who read it', async () => {
    const { page, done } = await freshPage();
    const residentId = makeResidentId('330102', '1985-09-30', 17);
    const wrongCheckDigit = residentId.slice(0, 17) + (residentId.endsWith('0') ? '1' : '0');
    await page.goto(`${web.baseUrl}/register`);
    await page.getByLabel('姓名').fill('王芳');
    await page.getByLabel('居民身份证号码').fill(wrongCheckDigit);
    await page.getByLabel('用户名').fill('wang-fang');
    await page.getByLabel('密码', { exact: true }).fill('a long enough secret');
    await page.getByLabel('确认密码').fill('a long enough secret');
    await page.locator('form').getByRole('button', { name: /注\s*册/ }).click();
    // The server's check-digit verdict lands under the field it names (body.residentId).
    const residentField = page.locator('.ant-form-item').filter({ has: page.getByLabel('居民身份证号码') });
    await residentField.getByText('居民身份证号码不合法').waitFor();
    await screenshotsInBothLanguages(page, 'register-field-error');

    await page.getByLabel('居民身份证号码').fill(residentId);
    await page.locator('form').getByRole('button', { name: /注\s*册/ }).click();
    await page.getByText('注册成功').waitFor();

    await page.goto(`${web.baseUrl}/login`);
    await page.getByLabel('用户名').fill('wang-fang');
    await page.getByLabel('密码').fill('a long enough secret');
    await page.locator('form').getByRole('button', { name: /登\s*录/ }).click();
    await page.waitForURL(`${web.baseUrl}/consumer`);
    const masked = (await page.getByTestId('masked-id').textContent()) ?? '';
    expect(masked).toMatch(/\*/);
    expect(masked).not.toContain(residentId.slice(6, 14)); // the birth date digits are hidden
    expect(masked.slice(0, 6)).toBe('330102');
    await screenshotsInBothLanguages(page, 'consumer-profile', ['王芳']);

    await page.getByRole('link', { name: '数据访问记录' }).click();
    await page.locator('tbody').getByText('注册账户').waitFor();
    // One look at the profile is one read in the log: the page must not fetch personal data twice.
    expect(await page.locator('tbody').getByText('读取个人信息').count()).toBe(1);
    await screenshotsInBothLanguages(page, 'consumer-access-log', ['王芳']);

    // The session ends on the server (expired, or ended elsewhere): the next request lands on the login page, which says why.
    const token = await page.evaluate(() => (JSON.parse(sessionStorage.getItem('fenghuo.session') ?? '{}') as { token?: string }).token);
    expect((await fetch(`${web.baseUrl}/v1/auth/logout`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' }, body: '{}' })).status).toBeLessThan(300);
    await page.getByRole('link', { name: '我的信息' }).click();
    await page.waitForURL(`${web.baseUrl}/login`);
    await page.getByTestId('session-expired').getByText('登录已过期，请重新登录。').waitFor();
    await screenshotsInBothLanguages(page, 'login-session-expired');
    await done();
  });

  /** Into the institution portal with Qiantang's API key. */
  async function logInWithApiKey(page: Page): Promise<void> {
    await page.goto(`${web.baseUrl}/login`);
    await page.getByRole('tab', { name: '机构 API 密钥' }).click();
    await page.locator('input#apiKey').fill(web.institutionApiKey);
    await page.getByRole('button', { name: '进入机构门户' }).click();
    await page.waitForURL(`${web.baseUrl}/institution`);
  }

  it('opens the institution portal with an API key, with an empty filings list', async () => {
    const { page, done } = await freshPage();
    await page.goto(`${web.baseUrl}/login`);
    await page.getByRole('tab', { name: '机构 API 密钥' }).click();
    await page.locator('input#apiKey').fill('fhk_000000000000.not-a-key');
    await page.getByRole('button', { name: '进入机构门户' }).click();
    await page.locator('.ant-form-item').filter({ has: page.locator('input#apiKey') }).getByText('API 密钥无效或已吊销').waitFor();

    await page.locator('input#apiKey').fill(web.institutionApiKey);
    await page.getByRole('button', { name: '进入机构门户' }).click();
    await page.waitForURL(`${web.baseUrl}/institution`);
    await page.getByRole('heading', { name: web.institutions.qiantang.nameZh }).waitFor();
    expect(await page.locator('.fh-licence [data-status]').first().getAttribute('data-status')).toBe('approved');
    await screenshotsInBothLanguages(page, 'institution-profile');

    await page.getByRole('link', { name: '数据报送' }).click();
    await page.getByTestId('filings-table').getByText('尚无报送').waitFor();

    await page.getByRole('link', { name: 'API 密钥' }).click();
    await page.locator('tbody').getByText('当前会话').waitFor();
    await screenshotsInBothLanguages(page, 'institution-api-keys');
    await done();
  });

  it('takes a loan file with a wrong ID check digit to its error row, then a corrected file through verification, signing and a verified receipt, and the supervisor counts the loans', async () => {
    const { page, done } = await freshPage();
    const period = '2025-06';
    const header = 'loan_id,contract_id,product_id,borrower_type,borrower_id,borrower_phone,contract_date,principal_fen,disbursed_fen,disbursement_date,first_due_date,installments,period_months,nominal_annual_rate,repayment_method,fee_per_installment_fen,other_fees_fen,purpose,guarantee_type,guarantor_type,guarantor_id';
    // The third borrower was 15 when the contract was signed: a quality warning (Q004) the filer must explain.
    const borrowers = [makeResidentId('330106', '1988-03-15', 11), makeResidentId('330102', '1992-11-02', 24), makeResidentId('330203', '2009-07-28', 35)];
    // The second borrower's ID with another check character: V011 must catch it on record 2.
    const wrongId = borrowers[1]!.slice(0, 17) + (borrowers[1]!.endsWith('1') ? '2' : '1');
    // The first file also pays out more than the first loan's principal (V016).
    const loans = (ids: string[], firstDisbursed = 2000000) =>
      [
        header,
        `QT-2025-0601,HT-0601,,individual,${ids[0]},13800138001,2025-06-03,2000000,${firstDisbursed},2025-06-03,2025-07-03,12,1,0.12,equal_installment,0,,consumption,none,,`,
        `QT-2025-0602,HT-0602,,individual,${ids[1]},13800138002,2025-06-11,1000000,1000000,2025-06-11,2025-07-11,6,1,0.15,equal_principal,0,,education,none,,`,
        // Interest deducted in advance, a rate above 24 % and monthly fees: a cost above the 36 % cap.
        // Legal limits are the rulebook's to check, not the filing's: no finding here.
        `QT-2025-0603,HT-0603,,individual,${ids[2]},13800138003,2025-06-20,500000,450000,2025-06-20,2025-07-20,12,1,0.30,equal_installment,2000,,travel,none,,`,
      ].join('\n') + '\n';

    await logInWithApiKey(page);
    await page.getByRole('link', { name: '数据报送' }).click();
    await page.getByRole('heading', { name: '数据报送' }).waitFor();
    // The help drawer lists the loan fields by their Chinese names, from the standard.
    await page.getByTestId('open-standard').click();
    const drawer = page.locator('.ant-drawer-section');
    await drawer.getByText('借款人证件号码').first().waitFor();
    await drawer.getByText('borrower_id', { exact: true }).first().waitFor();
    await settled(page);
    await page.screenshot({ path: `${screens}institution-standard-drawer.png` });
    await page.keyboard.press('Escape');
    await drawer.waitFor({ state: 'hidden' });

    // A template of the chosen record type: the CSV header of the standard and an example row.
    await page.getByTestId('download-template').click();
    const downloading = page.waitForEvent('download');
    await clickSettled(page.getByTestId('template-csv'));
    const template = await downloading;
    expect(template.suggestedFilename()).toBe('template-loan.csv');
    const templateLines = readFileSync(await template.path(), 'utf8').replace(/^\uFEFF/, '').trim().split(/\r?\n/);
    expect(templateLines).toHaveLength(2);
    // Every field of the standard, the optional term in days included (the file below leaves it out).
    expect(templateLines[0]).toBe(header.replace(',period_months,', ',period_months,period_days,'));
    await page.mouse.move(0, 0);
    await screenshotsInBothLanguages(page, 'institution-filings');

    /** Fill the period, attach `csv` and upload it; resolves with the validation result card. */
    const uploadFile = async (csv: string, name: string) => {
      // Cards that load beside the form (the filing calendar) must not move the button under a click.
      await settled(page);
      const periodInput = page.locator('input#period');
      await periodInput.click();
      await periodInput.fill(period);
      await periodInput.press('Enter');
      await page.getByTestId('file-drop').locator('input[type=file]').setInputFiles({ name, mimeType: 'text/csv', buffer: Buffer.from(csv, 'utf8') });
      await settled(page);
      await page.getByTestId('upload').click();
      // The bar reached the whole file, and the upload has finished.
      await page.locator('[data-testid="upload-progress"][data-percent="100"][data-done="true"]').waitFor();
      expect(await page.getByTestId('upload-progress').innerText()).toMatch(/100%/);
      return page.getByTestId('upload-result');
    };

    const first = await uploadFile(loans([borrowers[0]!, wrongId, borrowers[2]!], 2100000), 'loans-2025-06.csv');
    await first.locator('[data-status="errors"]').waitFor();
    await first.getByText('V011').waitFor();
    await first.getByText('居民身份证号码校验码错误。').waitFor();
    await screenshotsInBothLanguages(page, 'filing-upload-errors');

    await first.getByTestId('open-result').click();
    await page.waitForURL(/\/institution\/filings\/[0-9a-f-]{36}$/);
    const detail = page.getByTestId('filing-detail');
    expect(await detail.getAttribute('data-status')).toBe('errors');
    const v011 = page.getByTestId('findings-table').locator('tr', { hasText: 'V011' }).first();
    expect(await v011.innerText()).toMatch(/V011[\s\S]*V · 有效性[\s\S]*错误[\s\S]*居民身份证号码校验码错误/);
    // The example row: record 2, the borrower ID masked but for its last four characters, which are the wrong ones.
    const example = page.getByTestId('examples-V011').locator('tbody tr.ant-table-row');
    await example.first().waitFor();
    expect(await example.count()).toBe(1);
    expect(await example.locator('td').nth(0).innerText()).toBe('2');
    expect(await example.innerText()).toContain(wrongId.slice(-4));
    expect(await example.innerText()).not.toContain(wrongId.slice(0, 14));
    // Amounts in yuan, the values as filed on hover.
    const v016 = page.getByTestId('examples-V016').locator('tbody tr.ant-table-row').first();
    await v016.waitFor();
    expect(await v016.innerText()).toContain('¥20,000.00');
    expect(await v016.innerText()).toContain('¥21,000.00');
    expect(await v016.innerText()).not.toContain('2100000');
    expect(await v016.locator('[data-raw="2100000"]').getAttribute('title')).toBe('报送原值：2100000');
    expect(await page.getByTestId('findings-table').innerText()).not.toMatch(/principal_fen|disbursed_fen/);
    expect(await page.getByTestId('sign').count()).toBe(0); // errors cannot be signed

    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('download-findings').click()]);
    const csvPath = await download.path();
    const findingsCsv = readFileSync(csvPath, 'utf8');
    expect(download.suggestedFilename()).toBe(`findings-loan-${period}-v1.csv`);
    expect(findingsCsv).toMatch(/^\uFEFF?edit_id,/);
    expect(findingsCsv).toContain(`V011,validity,error,1,2,borrower_id`);
    await screenshotsInBothLanguages(page, 'filing-detail-errors');

    // Correct the file: the link brings the record type and period back to the upload form.
    await page.getByRole('button', { name: '上传更正后的文件' }).click();
    await page.waitForURL(/\/institution\/filings\?recordType=loan&period=2025-06$/);
    const second = await uploadFile(loans(borrowers), 'loans-2025-06-corrected.csv');
    await second.locator('[data-status="warnings"]').waitFor();
    expect(await second.innerText()).toMatch(/记录 3 条 · 错误 0 处 · 警告 1 处/);
    await second.getByTestId('open-result').click();
    await page.waitForURL(/\/institution\/filings\/[0-9a-f-]{36}$/);

    // Every warning edit needs an explanation before the filing can be verified.
    const verify = page.getByTestId('verify-form');
    const explanations = verify.locator('textarea');
    await explanations.first().waitFor();
    expect(await explanations.count()).toBe(1);
    // The example row of record 3: the borrower ID masked, the contract date as filed.
    const q004 = page.getByTestId('examples-Q004').locator('tbody tr.ant-table-row').first();
    await q004.waitFor();
    expect(await q004.locator('td').nth(0).innerText()).toBe('3');
    expect(await q004.innerText()).toContain('2025-06-20');
    expect(await q004.innerText()).not.toContain(borrowers[2]!.slice(0, 14));
    await verify.getByTestId('verify-submit').click();
    // The form validates before it shows the message: wait for it, then count.
    await verify.getByText('请说明此项警告的原因').first().waitFor();
    expect(await verify.getByText('请说明此项警告的原因').count()).toBe(1);
    await verify.getByTestId('explanation-Q004').fill('Q004：借款人签约时未成年，合同已解除并全额退回本金，已整改准入审核');
    await screenshotsInBothLanguages(page, 'filing-verify');
    await verify.getByTestId('verify-submit').click();
    await page.locator('[data-testid="filing-detail"][data-status="verified"]').waitFor();

    await page.getByTestId('sign').click();
    await clickSettled(page.locator('.ant-popconfirm').getByRole('button', { name: /签名报送/ }));
    await page.locator('[data-testid="filing-detail"][data-status="accepted"]').waitFor();
    const receipt = page.getByTestId('receipt');
    await receipt.getByText(web.institutions.qiantang.nameZh).waitFor();
    await receipt.getByTestId('verify-receipt').click();
    const check = receipt.getByTestId('receipt-check');
    await check.getByText('回执签名有效').waitFor();
    expect(await check.getAttribute('data-valid')).toBe('true');
    await screenshot(page, 'filing-signed-receipt');

    // The same page in English: edit messages and labels from the catalogue, no Chinese in the findings.
    await page.locator('.fh-language').getByText('EN').click();
    await page.getByRole('heading', { name: /Loan · 2025-06 · v2/ }).waitFor();
    await receipt.getByText('The receipt signature is valid').waitFor();
    expect(await page.getByTestId('findings-table').locator('thead').first().innerText()).not.toMatch(chinese);
    expect(await page.getByTestId('findings-table').locator('tr', { hasText: 'Q004' }).first().innerText()).toMatch(/under 18 on the contract date/);
    expect(await page.locator('body').innerText()).not.toMatch(rawKey);
    await screenshot(page, 'filing-signed-receipt-en');
    await page.locator('.fh-language').getByText('中文').click();
    await done();

    // The supervisor of Zhejiang sees the accepted loans on the dashboard, as the API counts them.
    const supervisor = await freshPage();
    await logInAsSupervisor(supervisor.page);
    const token = await supervisor.page.evaluate(() => (JSON.parse(sessionStorage.getItem('fenghuo.session') ?? '{}') as { token?: string }).token);
    const overview = (await (await fetch(`${web.baseUrl}/v1/supervisor/overview`, { headers: { authorization: `Bearer ${token}` } })).json()) as {
      business: { loans: { loans: number; aboveCap: number }; loansByMonth: { month: string; loans: number }[] };
    };
    expect(overview.business.loans.loans).toBe(3);
    expect(overview.business.loans.aboveCap).toBe(1);
    const loansCard = supervisor.page.getByTestId('stat-loans');
    expect(await loansCard.locator('.ant-statistic-content-value').textContent()).toBe(String(overview.business.loans.loans));
    const aboveCap = supervisor.page.getByTestId('stat-above-cap');
    expect(await aboveCap.locator('.ant-statistic-content-value').textContent()).toBe('1');
    expect(await aboveCap.getAttribute('data-risk')).toBe('true');
    expect(await supervisor.page.getByTestId('stat-principal').locator('.ant-statistic-content-value').textContent()).toBe('3.50 万元');
    await chartsDrawn(supervisor.page, 4);
    // What the figures are as of: the period of the newest accepted filing, as people write it.
    expect(await supervisor.page.getByTestId('data-as-of').innerText()).toMatch(/^数据截至 2025 年 6 月 报告期（最近一次接受报送：2\d{3}-\d{2}-\d{2} \d{2}:\d{2}）$/);
    await screenshot(supervisor.page, 'supervisor-dashboard-business-zh');
    await supervisor.page.locator('.fh-language').getByText('EN').click();
    await supervisor.page.getByText('Filed business (accepted filings of the jurisdiction)').waitFor();
    expect(await supervisor.page.getByTestId('stat-principal').locator('.ant-statistic-content-value').textContent()).toMatch(/^CNY\s35\.00K$/);
    await chartsDrawn(supervisor.page, 4);
    for (const card of await supervisor.page.locator('[data-testid^="stat-"]').all()) expect(await card.innerText()).not.toMatch(chinese);
    expect(await supervisor.page.getByTestId('data-as-of').innerText()).toMatch(/^Data as of the June 2025 reporting period \(last filing accepted 2\d{3}-\d{2}-\d{2} \d{2}:\d{2}\)$/);
    await screenshot(supervisor.page, 'supervisor-dashboard-business-en');
    await supervisor.page.locator('.fh-language').getByText('中文').click();

    // The institution's own page shows its business and its latest filings.
    await supervisor.page.goto(`${web.baseUrl}/supervisor/institutions/${web.institutions.qiantang.institutionId}`);
    const business = supervisor.page.getByTestId('institution-business');
    await business.getByTestId('stat-loans').locator('.ant-statistic-content-value').getByText('3', { exact: true }).waitFor();
    await business.getByTestId('filings-table').locator('tbody tr.ant-table-row').first().waitFor();
    expect(await business.getByTestId('filings-table').locator('tbody tr.ant-table-row').count()).toBe(1);
    await screenshotsInBothLanguages(supervisor.page, 'supervisor-institution-business');

    // Both versions in the supervisor's filings list; the accepted one read-only, with its explanations.
    await supervisor.page.getByRole('link', { name: '数据报送' }).click();
    const rows = supervisor.page.getByTestId('filings-table').locator('tbody tr.ant-table-row');
    // The version replaced by the corrected one is hidden until asked for.
    await rows.first().waitFor();
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(1);
    await supervisor.page.getByTestId('show-replaced').click();
    await rows.nth(1).waitFor();
    expect(await rows.count()).toBe(2);
    expect(await rows.nth(0).innerText()).toMatch(/钱塘网络小额贷款有限公司[\s\S]*2025-06[\s\S]*贷款[\s\S]*v2[\s\S]*已接受/);
    // The version with errors was replaced when the corrected one was accepted.
    expect(await rows.nth(1).innerText()).toMatch(/v1[\s\S]*已被替代/);
    // The option of the open dropdown (antd names it by its title), clicked once the dropdown is still;
    // a click that lands while it is still opening is lost, so open and choose until the filter is set.
    const superseded = supervisor.page.locator('.ant-select-dropdown:not(.ant-select-dropdown-hidden) .ant-select-item-option[title="已被替代"]');
    await expect
      .poll(
        async () => {
          if (/status=superseded/.test(supervisor.page.url())) return true;
          if (await superseded.isVisible()) {
            await settled(supervisor.page);
            await superseded.click({ timeout: 5_000 }).catch(() => undefined);
          } else {
            await supervisor.page.getByTestId('filter-status').click();
          }
          return /status=superseded/.test(supervisor.page.url());
        },
        { timeout: 60_000, interval: 250 },
      )
      .toBe(true);
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(1);
    await rows.nth(0).getByText('已被替代').waitFor();
    await screenshotsInBothLanguages(supervisor.page, 'supervisor-filings');
    await supervisor.page.goto(`${web.baseUrl}/supervisor/filings`);
    await rows.nth(0).getByTestId('filing-link').click();
    await supervisor.page.locator('[data-testid="filing-detail"][data-status="accepted"]').waitFor();
    await supervisor.page.getByText('机构说明：Q004：借款人签约时未成年，合同已解除并全额退回本金，已整改准入审核').waitFor();
    expect(await supervisor.page.getByTestId('sign').count()).toBe(0);
    expect(await supervisor.page.getByTestId('verify-form').count()).toBe(0);
    await supervisor.page.getByTestId('verify-receipt').click();
    await supervisor.page.getByTestId('receipt-check').getByText('回执签名有效').waitFor();
    await screenshotsInBothLanguages(supervisor.page, 'supervisor-filing-detail');
    await supervisor.done();
  });

  it('shows the institution and its supervisor the cost of a loan, compound and simple side by side, and fits it on a phone', async () => {
    // A 14-day loan of 1,000 yuan at 0.1% a day whose filed instalment also carries a 50-yuan fee:
    // 1,064 yuan back after 14 days, 1.064^(365/14) − 1 = 403.97% compound, 6.4% × 365/14 = 166.86% simple.
    const db = web.platform.database.db;
    const institutionId = web.institutions.qiantang.institutionId;
    await db
      .insertInto('filed_loan')
      .values({ filing_id: randomUUID(), institution_id: institutionId, period: '2025-06', party_key: 'e2e'.padEnd(64, '0'), valid_from: new Date().toISOString(), loan_id: 'QT-D14', contract_id: 'HT-D14', borrower_type: 'individual', borrower_pseudonym: 'e2e'.padEnd(64, '0'), contract_date: '2025-06-10', principal_fen: 100_000, disbursed_fen: 100_000, disbursement_date: '2025-06-10', first_due_date: '2025-06-24', installments: 1, period_days: 14, nominal_annual_rate: 0.365, repayment_method: 'bullet', fee_per_installment_fen: 0, purpose: 'consumption', guarantee_type: 'none' })
      .execute();
    await db
      .insertInto('filed_repayment')
      .values({ filing_id: randomUUID(), institution_id: institutionId, period: '2025-06', party_key: 'e2e'.padEnd(64, '0'), valid_from: new Date().toISOString(), repayment_id: 'QT-D14-1', loan_id: 'QT-D14', installment_number: 1, installments: 1, due_date: '2025-06-24', principal_due_fen: 100_000, interest_due_fen: 1_400, fee_due_fen: 5_000, amount_paid_fen: 106_400, paid_date: '2025-06-24', days_past_due: 0, status: 'paid_on_time' })
      .execute();

    const institution = await freshPage();
    await logInWithApiKey(institution.page);
    await institution.page.getByRole('link', { name: '贷款成本' }).click();
    const search = institution.page.getByTestId('loan-cost-search').locator('input');
    await search.fill('NO-SUCH-LOAN');
    await search.press('Enter');
    await institution.page.getByTestId('loan-cost-not-found').waitFor();
    await search.fill('QT-D14');
    await search.press('Enter');
    await institution.page.getByTestId('loan-cost-compound').getByText('403.97%').waitFor();
    await institution.page.getByTestId('loan-cost-simple').getByText('166.86%').waitFor();
    await institution.page.getByText('按已报送的各期还款计算').waitFor();
    await institution.page.getByTestId('threshold-cash_loan_cost_cap').getByText('超过上限').waitFor();
    await screenshotsInBothLanguages(institution.page, 'institution-loan-cost');
    await institution.page.setViewportSize({ width: 375, height: 812 });
    await fitsThePhone(institution.page, 'institution-loan-cost');
    await screenshot(institution.page, 'phone-institution-loan-cost-zh');
    await institution.done();

    const supervisor = await freshPage();
    await logInAsSupervisor(supervisor.page);
    await supervisor.page.goto(`${web.baseUrl}/supervisor/institutions/${institutionId}`);
    await supervisor.page.getByTestId('open-loan-cost').click();
    const supervisorSearch = supervisor.page.getByTestId('loan-cost-search').locator('input');
    await supervisorSearch.fill('QT-D14');
    await supervisorSearch.press('Enter');
    await supervisor.page.getByTestId('loan-cost-compound').getByText('403.97%').waitFor();
    await screenshotsInBothLanguages(supervisor.page, 'supervisor-loan-cost', ['浙江省地方金融管理局 分析员']);
    await supervisor.done();
  });

  it('fits every public and consumer page on a 375 px phone, in Chinese and in English', async () => {
    const { page, done } = await freshPage({ width: 375, height: 812 });
    /** The page fits the phone in both languages; a screenshot of each. */
    const onPhone = async (name: string, data: string[] = []) => {
      await fitsThePhone(page, `${name} (zh)`);
      await screenshotsInBothLanguages(page, `phone-${name}`, data, () => fitsThePhone(page, `${name} (en)`));
    };

    await page.goto(web.baseUrl);
    await page.getByText('共 3 家机构').waitFor();
    // One card per institution rather than a table wider than the screen.
    await expect.poll(() => page.getByTestId('institution-card').count(), { timeout: 20_000 }).toBe(3);
    await onPhone('registry');

    await page.getByTestId('institution-card').filter({ hasText: web.institutions.xihu.nameZh }).getByRole('link').click();
    await page.getByTestId('licence-warning').waitFor();
    await onPhone('institution-suspended');
    await page.goto(`${web.baseUrl}/institutions/${web.institutions.qiantang.institutionId}`);
    await page.getByRole('heading', { name: web.institutions.qiantang.nameZh }).waitFor();
    await onPhone('institution-detail');

    await page.goto(`${web.baseUrl}/no-such-page`);
    await page.getByText('页面不存在').waitFor();
    await onPhone('page-not-found');

    await page.goto(`${web.baseUrl}/register`);
    await page.getByLabel('居民身份证号码').waitFor();
    await onPhone('register');

    await page.goto(`${web.baseUrl}/login`);
    await page.getByLabel('用户名').fill(web.consumer.username);
    await page.getByLabel('密码').fill(web.consumer.password);
    await onPhone('login');
    await page.locator('form').getByRole('button', { name: /登\s*录/ }).click();
    await page.waitForURL(`${web.baseUrl}/consumer`);
    await page.getByTestId('masked-id').waitFor();
    // The area's menu runs across the top on a phone.
    await page.getByTestId('area-menu').waitFor();
    await onPhone('consumer-profile', ['李娜']);
    await page.getByTestId('area-menu').getByRole('link', { name: '数据访问记录' }).click();
    // One card per access rather than a table wider than the screen.
    await page.getByTestId('access-card').filter({ hasText: '注册账户' }).waitFor();
    await onPhone('consumer-access-log', ['李娜']);
    await done();
  });
});
