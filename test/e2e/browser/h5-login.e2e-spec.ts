import { existsSync } from 'node:fs';
import { Browser, chromium } from 'playwright-core';
import { persona, startTestApp, TestApp } from '../../support/test-app';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`Skipping the browser test: no Chromium at ${CHROMIUM} (apt-get install chromium).`);
const describeInBrowser = haveChromium ? describe : describe.skip;

describeInBrowser('H5 login in a real browser', () => {
  let t: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    t = await startTestApp();
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('walks from the demo page through WeChat’s consent page back to the logged-in page', async () => {
    const user = persona('browser');
    await t.http.post('/sandbox/personas').send({ user, nickname: 'Browser Bai' }).expect(204);
    const page = await browser.newPage();
    try {
      await page.goto(`${t.url}/demo/h5`);
      await page.click('#login');
      await page.waitForURL(/\/sandbox\/connect\/oauth2\/authorize/);
      await page.fill('#user', user);
      await page.click('#allow');
      await page.waitForURL(/\/demo\/h5$/);
      await page.waitForSelector('#status[data-done]');
      expect(await page.textContent('#status')).toBe('Logged in as Browser Bai');
      // The ticket left the address bar as soon as the page read it.
      expect(page.url()).toBe(`${t.url}/demo/h5`);
    } finally {
      await page.close();
    }
  });

  it('shows a refusal', async () => {
    const page = await browser.newPage();
    try {
      await page.goto(`${t.url}/demo/h5`);
      await page.click('#login');
      await page.waitForURL(/\/sandbox\/connect\/oauth2\/authorize/);
      await page.click('#deny');
      await page.waitForSelector('#status[data-done]');
      expect(await page.textContent('#status')).toBe('Login failed: authorization_denied');
    } finally {
      await page.close();
    }
  });
});
