import { OFFICIAL_ACCOUNT, onApp, pkce } from '../support/oauth';
import { persona, startTestApp, TestApp } from '../support/test-app';

/**
 * Login CSRF: an attacker signs in with their own WeChat, keeps the callback
 * URL unopened and sends it to a victim. The victim's browser would land
 * with a ticket for the attacker's account; PKCE makes that ticket useless there.
 */
describe('login CSRF', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  /** The attacker's own login, stopped before the callback: the URL WeChat would send the attacker's browser to. */
  async function attackersCallbackUrl(): Promise<{ url: string; verifier: string }> {
    const attacker = pkce();
    const authorize = await t.http.get(`/auth/wechat/oauth/${OFFICIAL_ACCOUNT.key}/authorize`).query({ returnTo: '/home', challenge: attacker.challenge }).expect(302);
    const page = new URL(String(authorize.headers.location).split('#')[0]);
    page.searchParams.set('user', persona('attacker'));
    return { url: String((await t.http.get(onApp(t, page.toString())).expect(302)).headers.location), verifier: attacker.verifier };
  }

  it('refuses the attacker’s ticket in the victim’s browser, and it is spent for the attacker too', async () => {
    const { url, verifier: attackersVerifier } = await attackersCallbackUrl();
    // The victim opens the link: the callback runs in the victim's browser and hands it the ticket.
    const landing = await t.http.get(onApp(t, url)).expect(302);
    const ticket = new URLSearchParams(String(landing.headers.location).split('#')[1]).get('ticket');
    expect(ticket).toBeTruthy();

    // The victim's page trades it with what it holds: its own verifier, or none at all.
    const victim = pkce();
    expect((await t.http.post('/auth/ticket').send({ ticket, verifier: victim.verifier }).expect(401)).body.error).toBe('ticket_invalid');
    expect((await t.http.post('/auth/ticket').send({ ticket }).expect(401)).body.error).toBe('ticket_invalid');
    // Refused once, the ticket is gone: not even the right verifier brings it back.
    expect((await t.http.post('/auth/ticket').send({ ticket, verifier: attackersVerifier }).expect(401)).body.error).toBe('ticket_invalid');
  });

  it('trades a ticket in the browser that started the login', async () => {
    const browser = pkce();
    const authorize = await t.http.get(`/auth/wechat/oauth/${OFFICIAL_ACCOUNT.key}/authorize`).query({ returnTo: '/home', challenge: browser.challenge }).expect(302);
    const page = new URL(String(authorize.headers.location).split('#')[0]);
    page.searchParams.set('user', persona('owner'));
    const landing = await t.http.get(onApp(t, String((await t.http.get(onApp(t, page.toString())).expect(302)).headers.location))).expect(302);
    const ticket = new URLSearchParams(String(landing.headers.location).split('#')[1]).get('ticket');
    await t.http.post('/auth/ticket').send({ ticket, verifier: browser.verifier }).expect(200);
  });

  it('refuses to start a browser login without a challenge', async () => {
    const response = await t.http.get(`/auth/wechat/oauth/${OFFICIAL_ACCOUNT.key}/authorize`).query({ returnTo: '/home' }).expect(400);
    expect(response.body.error).toBe('invalid_request');
  });
});
