import { existsSync } from 'node:fs';
import { Browser, chromium, Page } from 'playwright-core';
import { phoneCode } from '../../support/miniprogram-data';
import { persona, startTestApp, TestApp, uniquePhone, wxLogin } from '../../support/test-app';

const CHROMIUM = '/usr/bin/chromium';
const haveChromium = existsSync(CHROMIUM);
if (!haveChromium) console.warn(`Skipping the browser test: no Chromium at ${CHROMIUM} (apt-get install chromium).`);
const describeInBrowser = haveChromium ? describe : describe.skip;

function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** From the demo H5 page through WeChat's consent page as `user`, back to the demo page. */
async function consentOnDemoPage(page: Page, url: string, user: string): Promise<void> {
  await page.goto(`${url}/demo/h5`);
  await page.click('#login');
  await page.waitForURL(/\/sandbox\/connect\/oauth2\/authorize/);
  await page.fill('#user', user);
  await page.click('#allow');
  await page.waitForURL(/\/demo\/h5$/);
}

describeInBrowser('H5 login in a real browser', () => {
  let t: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    t = await startTestApp();
    browser = await launchChromium();
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
      await consentOnDemoPage(page, t.url, user);
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

describeInBrowser('H5 sign-up with a phone in a real browser (require-phone)', () => {
  let t: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    t = await startTestApp({ SIGN_UP_POLICY: 'require-phone' });
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /**
   * `user` signs in on the demo page as a newcomer and fills the sign-up form
   * with their own phone code and the wx.login code of `presser`: what the
   * page then says.
   */
  async function signUpInPage(user: string, presser: string): Promise<string | null> {
    const page = await browser.newPage();
    try {
      await consentOnDemoPage(page, t.url, user);
      await page.waitForSelector('#signup:not([hidden])');
      await page.fill('#phone-code', await phoneCode(t, user, uniquePhone()));
      await page.fill('#login-code', await wxLogin(t, presser));
      await page.click('#finish');
      await page.waitForSelector('#status[data-done]');
      return await page.textContent('#status');
    } finally {
      await page.close();
    }
  }

  it('finishes the sign-up with a phone code, a wx.login code of the same person and the verifier this browser kept', async () => {
    const user = persona('browser-signup');
    await t.http.post('/sandbox/personas').send({ user, nickname: 'Signup Sun' }).expect(204);
    // The demo Mini Program's wx.login, which WeChat answers with the same unionid as the Official Account login.
    expect(await signUpInPage(user, user)).toBe('Logged in as Signup Sun');
  });

  it('refuses the sign-up when the wx.login code is another person’s', async () => {
    expect(await signUpInPage(persona('browser-signup'), persona('someone-else'))).toBe('Login failed: ticket_invalid');
  });

  it('ignores a sign-up link that another browser started', async () => {
    const user = persona('browser-signup-link');
    const starter = await browser.newPage();
    let link: string;
    try {
      // The starter only shows its sign-up form: the ticket in the callback's redirect stays good.
      await starter.goto(`${t.url}/demo/h5`);
      await starter.click('#login');
      await starter.waitForURL(/\/sandbox\/connect\/oauth2\/authorize/);
      await starter.fill('#user', user);
      const callback = starter.waitForResponse((response) => response.url().includes('/callback'));
      await starter.click('#allow');
      link = (await callback).headers().location;
    } finally {
      await starter.close();
    }
    expect(link).toMatch(/#signupTicket=/);

    const reader = await browser.newContext();
    const page = await reader.newPage();
    try {
      await page.goto(new URL(link, t.url).toString());
      await page.waitForSelector('#status[data-done]');
      expect(await page.textContent('#status')).toBe('Ignored a login this page did not start.');
      expect(await page.isHidden('#signup')).toBe(true);
    } finally {
      await reader.close();
    }
  });
});
