/**
 * What the browser tests share: a fresh page that fails on uncaught errors, waiting until a page
 * has settled, full-page screenshots and switching the UI language.
 */
import { expect, onTestFailed } from 'vitest';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

export interface BrowserTools {
  /** A fresh browser profile (no session, Chinese by default) on a desktop-sized window. */
  freshPage(viewport?: { width: number; height: number }): Promise<{ page: Page; done: () => Promise<void> }>;
  /** Wait until no loading overlay shows and no fade is under way (endless spinners aside), so screenshots show data. */
  settled(page: Page): Promise<void>;
  /**
   * Click `target` in a pop-up (dialog, menu, confirmation) once it has finished opening: a click
   * while it still moves lands where it was, and under load is lost.
   */
  clickSettled(target: Locator): Promise<void>;
  /** A full-page screenshot once the page has settled: scrolled to the top and no hover menu or toast left. */
  screenshot(page: Page, name: string): Promise<void>;
  /** Switch the UI language with the header control and wait until the page has re-rendered in it. */
  switchLanguage(page: Page, language: 'zh' | 'en'): Promise<void>;
  /** Log in on the login page (in Chinese) and wait for the area's home. */
  logIn(page: Page, baseUrl: string, username: string, password: string, area: string): Promise<void>;
  /**
   * The page in Chinese and in English: a screenshot of each, no interface key, no field name in
   * the values, no Chinese in the English interface; `check.inEnglish`, checks of the test's own,
   * run while the page is in English. Leaves it in Chinese.
   */
  inBothLanguages(page: Page, name: string, check: { values: string; interface: string; rawKey: RegExp; rawName: RegExp; inEnglish?: () => Promise<void> }): Promise<void>;
  /** At phone width nothing is wider than the screen. */
  fitsThePhone(page: Page, name: string): Promise<void>;
}

const CHINESE = /[\u4e00-\u9fff]/;

/** The tools over one browser, writing screenshots to `screens` (a directory path ending in `/`) with `prefix`. */
export function browserTools(browser: () => Browser, screens: string, prefix = ''): BrowserTools {
  const settled = async (page: Page) => {
    await page.waitForFunction(
      () =>
        document.querySelectorAll('.ant-spin-blur, .ant-spin-spinning, .ant-skeleton').length === 0 &&
        document.getAnimations().every((animation) => animation.playState !== 'running' || animation.effect?.getComputedTiming().endTime === Infinity),
    );
  };
  const tools: BrowserTools = {
    async freshPage(viewport = { width: 1440, height: 900 }) {
      const context = await browser().newContext({ viewport, locale: 'zh-CN' });
      const page = await context.newPage();
      page.setDefaultTimeout(60_000);
      const errors: string[] = [];
      page.on('pageerror', (error) => errors.push(error.message));
      // Said at once, so that a step that times out has the browser's side of the story beside it.
      page.on('requestfailed', (request) => {
        // Loads a navigation or a closed page cancels are aborted: not news.
        const reason = request.failure()?.errorText ?? 'unknown';
        if (reason !== 'net::ERR_ABORTED') console.warn(`[browser] request failed: ${request.method()} ${request.url()}: ${reason}`);
      });
      // A refusal the test does not expect shows in the page as a toast that is gone by the time a wait times out.
      page.on('response', (response) => {
        if (response.status() >= 400 && new URL(response.url()).pathname.startsWith('/v1/')) console.warn(`[browser] ${response.status()} from ${response.request().method()} ${response.url()}`);
      });
      page.on('console', (message) => {
        // A refused request the test makes on purpose is logged by the browser too: not news.
        if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) console.warn(`[browser] console error: ${message.text()}`);
      });
      // When a step fails, what the page showed then: where it was, and any toast or dialog on it.
      onTestFailed(async () => {
        if (page.isClosed()) return;
        const shown = await page
          .evaluate(() => [...document.querySelectorAll('.ant-message-notice, .ant-notification-notice, .ant-modal, .ant-popover, .ant-dropdown')].map((element) => `${element.className.split(' ')[0]}: ${(element as HTMLElement).innerText.replace(/\s+/g, ' ').slice(0, 300)}`))
          .catch((error: unknown) => [`(not read: ${String(error)})`]);
        console.warn(`[browser] at failure: ${page.url()}${shown.map((line) => `\n  ${line}`).join('')}`);
      });
      return {
        page,
        async done() {
          await context.close();
          expect(errors, 'uncaught errors in the page').toEqual([]);
        },
      };
    },
    settled,
    async clickSettled(target) {
      await target.waitFor();
      // A pop-up about to open holds its motion class with its animation paused, which the
      // animations alone do not show: wait until neither the target nor its containers has one.
      const element = await target.elementHandle();
      await target.page().waitForFunction(
        (start) => {
          for (let node: Element | null = start; node; node = node.parentElement) {
            if ([...node.classList].some((name) => /^ant-[\w-]+-(appear|enter|leave)(-(prepare|start|active))?$/.test(name))) return false;
          }
          return true;
        },
        element,
      );
      await settled(target.page());
      await target.click();
    },
    async screenshot(page, name) {
      await page.mouse.move(0, 0);
      await page.evaluate(() => window.scrollTo(0, 0));
      // A toast from an earlier step (in the language of that moment) has gone.
      await page.waitForFunction(() => document.querySelector('.ant-message-notice') === null);
      await settled(page);
      await page.screenshot({ path: `${screens}${prefix}${name}.png`, fullPage: true });
    },
    async logIn(page, baseUrl, username, password, area) {
      await page.goto(`${baseUrl}/login`);
      await page.getByLabel('用户名').fill(username);
      await page.getByLabel('密码').fill(password);
      await page.locator('form').getByRole('button', { name: /登\s*录/ }).click();
      await page.waitForURL(`${baseUrl}/${area}`);
    },
    async inBothLanguages(page, name, check) {
      const text = (selector: string) => page.locator(selector).evaluateAll((elements) => elements.map((element) => (element as HTMLElement).innerText).join('\n'));
      expect(await text(check.values), `${name}: raw names (zh)`).not.toMatch(check.rawName);
      await tools.screenshot(page, `${name}-zh`);
      await tools.switchLanguage(page, 'en');
      expect(await page.locator('body').innerText(), `${name}: interface keys`).not.toMatch(check.rawKey);
      expect(await text(check.values), `${name}: raw names (en)`).not.toMatch(check.rawName);
      expect(await text(check.interface), `${name}: Chinese in the English interface`).not.toMatch(CHINESE);
      await tools.screenshot(page, `${name}-en`);
      await check.inEnglish?.();
      await tools.switchLanguage(page, 'zh');
    },
    async fitsThePhone(page, name) {
      await settled(page);
      // A chart follows a new viewport only when its size sensor fires, a moment after the resize:
      // wait (bounded) for the page to fit, then measure, so that a real overflow still fails below.
      await page.waitForFunction(() => document.documentElement.scrollWidth <= window.innerWidth, undefined, { timeout: 10_000 }).catch(() => undefined);
      const layout = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, window: window.innerWidth }));
      expect(layout.scroll, `${name}: sideways scroll`).toBeLessThanOrEqual(layout.window);
    },
    async switchLanguage(page, language) {
      await page.locator('.fh-language').getByText(language === 'en' ? 'EN' : '中文').click();
      await page.locator(`html[lang="${language === 'en' ? 'en' : 'zh-CN'}"]`).waitFor({ state: 'attached' });
      // The header re-renders with the rest of the page once the language has changed.
      await page.locator('.fh-language .ant-segmented-item-selected').getByText(language === 'en' ? 'EN' : '中文').waitFor();
      await settled(page);
    },
  };
  return tools;
}

/** The Debian Chromium the browser tests drive (never a downloaded one). */
export const CHROMIUM = '/usr/bin/chromium';

/** Headless Chromium as every browser test starts it: no sandbox, GPU, network chatter or updates. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}
