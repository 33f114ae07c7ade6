import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { Browser, chromium } from 'playwright-core';
import { bearer, database, grantAdmin } from '../../support/admin';
import { oauthJourney } from '../../support/oauth';
import { loginAs, persona, startTestApp, TestApp, uniquePhone } from '../../support/test-app';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = join(__dirname, '..', '..', 'artifacts');
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const suite = existsSync(CHROMIUM) ? describe : describe.skip;
if (!existsSync(CHROMIUM)) console.warn(`Skipping the admin page browser test: ${CHROMIUM} is missing (apt-get install -y chromium).`);

suite('the admin page in a browser', () => {
  let t: TestApp;
  let browser: Browser;

  beforeAll(async () => {
    t = await startTestApp();
    browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  it('signs an admin in through the sandbox, searches, opens a user, disables it and sees the change', async () => {
    const adminPersona = persona('browser-admin');
    const admin = await loginAs(t, adminPersona);
    await grantAdmin(t, admin.user.id);
    const tag = `browser${Date.now()}`;
    const target = await loginAs(t, persona('browser-target'));
    const phone = uniquePhone();
    await database(t).query(`UPDATE users SET nickname = $2, phone = $3 WHERE id = $1`, [target.user.id, `${tag} <b>Target</b>`, phone]);

    const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(message.text());
    });
    page.on('dialog', (dialog) => void dialog.accept());

    await page.goto(`${t.url}/admin`);
    await page.fill('#sandbox-sign-in input[name=persona]', adminPersona);
    await page.click('#sandbox-sign-in button[type=submit]');
    await page.waitForSelector('#console:not([hidden])');
    await page.waitForSelector('#users tbody tr[data-user-id]');
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'admin-list.png'), fullPage: true });

    await page.fill('#filters input[name=q]', tag);
    await page.click('#filters button[type=submit]');
    await page.locator('#page-info', { hasText: '(1 user)' }).waitFor();
    const row = page.locator(`#users tbody tr[data-user-id="${target.user.id}"]`);
    expect(await page.locator('#users tbody tr[data-user-id]').count()).toBe(1);
    // A nickname is shown as text, never run as HTML, and the phone is masked in the list.
    expect(await row.locator('td').first().innerText()).toContain(`${tag} <b>Target</b>`);
    expect(await row.innerText()).toContain(`${phone.slice(0, 3)}****${phone.slice(-4)}`);

    await row.click();
    await page.waitForSelector('#detail:not([hidden])');
    expect(await page.locator('#detail-title').innerText()).toBe(`${tag} <b>Target</b>`);
    expect(await page.locator('#detail-fields').innerText()).toContain(phone);
    expect(await page.locator('#identities tbody tr').count()).toBe(1);
    expect(await page.locator('#sessions tbody tr').first().innerText()).toContain('last used');

    await page.click('#disable');
    await page.locator('#detail-message', { hasText: 'User disabled.' }).waitFor();
    expect(await page.locator('#detail-fields .status-disabled').innerText()).toBe('disabled');
    expect(await row.locator('.status-disabled').innerText()).toBe('disabled');
    expect(await page.locator('#enable').isVisible()).toBe(true);
    await page.locator('#events tbody tr', { hasText: 'admin_disable' }).waitFor();
    await page.screenshot({ path: join(ARTIFACTS, 'admin-user-disabled.png'), fullPage: true });

    const refused = await t.http.get('/greetings').set(bearer(target.accessToken)).expect(403);
    expect(refused.body.error).toBe('user_disabled');
    expect(problems).toEqual([]);
  });

  it('shows the sign-in overview in the admin’s time zone', async () => {
    const adminPersona = persona('browser-overview');
    const admin = await loginAs(t, adminPersona);
    await grantAdmin(t, admin.user.id);
    const page = await browser.newPage({ viewport: { width: 1366, height: 900 }, timezoneId: 'Asia/Shanghai' });
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(error.message));

    await page.goto(`${t.url}/admin`);
    await page.fill('#sandbox-sign-in input[name=persona]', adminPersona);
    await page.click('#sandbox-sign-in button[type=submit]');
    await page.waitForSelector('#charts figure');
    expect(await page.locator('#overview-zone').innerText()).toBe('(Asia/Shanghai)');
    expect(await page.locator('#charts figcaption').allInnerTexts()).toEqual([
      'Sign-ins per day, by app',
      'New users per day',
      'Failures per day, by error',
      'Merged users per day',
    ]);
    // Today's sign-ins (this test's own, at least) are drawn as bars, and the legend names the app.
    expect(await page.locator('#charts figure').first().locator('rect').count()).toBeGreaterThan(0);
    expect(await page.locator('#charts figure').first().locator('.legend').innerText()).toContain('demo-miniprogram');
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'admin-overview.png'), fullPage: true });
    expect(problems).toEqual([]);
  });

  it('shows only its own error codes from a sign-in link, never the link’s text', async () => {
    const page = await browser.newPage();
    await page.goto(`${t.url}/admin#error=${encodeURIComponent('Your account is locked: call IT on +86 138 0000 0000')}`);
    await page.waitForSelector('#sign-in:not([hidden])');
    expect(await page.locator('#sign-in-error').innerText()).toBe('WeChat sign-in failed.');
    await page.goto(`${t.url}/admin?again#error=authorization_denied`);
    await page.locator('#sign-in-error', { hasText: 'authorization_denied' }).waitFor();
    expect(await page.locator('#sign-in-error').innerText()).toBe('WeChat sign-in failed (authorization_denied).');
  });

  it('never takes a ticket it did not start (a link with someone else’s sign-in)', async () => {
    const attacker = await oauthJourney(t, persona('admin-page-attacker'));
    const page = await browser.newPage();
    await page.goto(`${t.url}/admin#ticket=${attacker.ticket}`);
    await page.locator('#sign-in-error', { hasText: 'did not start' }).waitFor();
    expect(await page.evaluate("sessionStorage.getItem('wechat-auth-admin-tokens')")).toBeNull();
    expect(await page.locator('#console').isHidden()).toBe(true);
  });
});
