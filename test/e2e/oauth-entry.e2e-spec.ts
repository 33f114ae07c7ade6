import { OFFICIAL_ACCOUNT, onApp, pkce, WEBSITE } from '../support/oauth';
import { persona, startTestApp, TestApp } from '../support/test-app';

const WECHAT_BROWSER = 'Mozilla/5.0 (iPhone; CPU iPhone OS 17_0 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 MicroMessenger/8.0.47 NetType/WIFI Language/zh_CN';
const DESKTOP_BROWSER = 'Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 Chrome/126.0 Safari/537.36';

/** One "Sign in with WeChat" link for every browser. */
describe('the single sign-in entry', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  const entry = (userAgent: string, query: Record<string, string> = {}) =>
    t.http.get('/auth/wechat/oauth/authorize').set('user-agent', userAgent).query({ returnTo: '/home', challenge: pkce().challenge, ...query });

  it('sends WeChat’s own browser to the Official Account’s authorization', async () => {
    const response = await entry(WECHAT_BROWSER, { scope: 'snsapi_userinfo' }).expect(302);
    const page = new URL(String(response.headers.location).split('#')[0]);
    expect(page.pathname).toBe('/sandbox/connect/oauth2/authorize');
    expect(page.searchParams.get('appid')).toBe(OFFICIAL_ACCOUNT.appid);
    expect(page.searchParams.get('scope')).toBe('snsapi_userinfo');
    expect(new URL(page.searchParams.get('redirect_uri')!).pathname).toBe(`/auth/wechat/oauth/${OFFICIAL_ACCOUNT.key}/callback`);
  });

  it('sends any other browser to the website’s QR page', async () => {
    const response = await entry(DESKTOP_BROWSER, { scope: 'snsapi_userinfo' }).expect(302);
    const page = new URL(String(response.headers.location).split('#')[0]);
    expect(page.pathname).toBe('/sandbox/connect/qrconnect');
    expect(page.searchParams.get('appid')).toBe(WEBSITE.appid);
    expect(page.searchParams.get('scope')).toBe('snsapi_login');
    expect(new URL(page.searchParams.get('redirect_uri')!).pathname).toBe(`/auth/wechat/oauth/${WEBSITE.key}/callback`);
  });

  it('signs a person in all the way from the entry', async () => {
    const browser = pkce();
    const start = await t.http.get('/auth/wechat/oauth/authorize').set('user-agent', WECHAT_BROWSER).query({ returnTo: '/home', challenge: browser.challenge }).expect(302);
    const page = new URL(String(start.headers.location).split('#')[0]);
    page.searchParams.set('user', persona('entry'));
    const callback = String((await t.http.get(onApp(t, page.toString())).expect(302)).headers.location);
    const landing = String((await t.http.get(onApp(t, callback)).expect(302)).headers.location);
    const ticket = new URLSearchParams(landing.split('#')[1]).get('ticket');
    const pair = await t.http.post('/auth/ticket').send({ ticket, verifier: browser.verifier }).expect(200);
    expect(pair.body.user.isNew).toBe(true);
  });

  it('needs a challenge like every browser login', async () => {
    const response = await t.http.get('/auth/wechat/oauth/authorize').set('user-agent', DESKTOP_BROWSER).query({ returnTo: '/home' }).expect(400);
    expect(response.body.error).toBe('invalid_request');
  });
});
