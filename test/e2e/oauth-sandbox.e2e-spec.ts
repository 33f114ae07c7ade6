import { INestApplication } from '@nestjs/common';
import request from 'supertest';
import { loadAppConfig } from '../../src/app/config/app-config';
import { DEMO_APPS } from '../../src/sandbox/demo-apps';
import { startStandaloneSandbox } from '../../src/sandbox/standalone';
import { HTTP_PLATFORM, persona } from '../support/test-app';

const OFFICIAL_ACCOUNT = DEMO_APPS.find((app) => app.type === 'official_account')!;
const WEBSITE = DEMO_APPS.find((app) => app.type === 'website')!;
const UNBOUND = { key: 'unbound-oa', type: 'official_account', appid: 'wxe000000000000009', secret: 'unbound-secret-0000000000000009', openPlatformBound: false };
const CALLBACK = 'https://app.example.com/cb?returnTo=%2Fx';

/** WeChat's web authorization as the standalone sandbox plays it, talked to as a browser and a server would. */
describe('WeChat sandbox: web authorization', () => {
  let app: INestApplication;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    const config = loadAppConfig({
      NODE_ENV: 'test',
      HTTP_PLATFORM,
      LOG_LEVEL: 'silent',
      PUBLIC_BASE_URL: 'https://app.example.com',
      WECHAT_APPS: JSON.stringify([...DEMO_APPS, UNBOUND]),
    });
    const sandbox = await startStandaloneSandbox(config, 0);
    app = sandbox.app;
    http = request(sandbox.url.replace(/\/sandbox$/, ''));
  });
  afterAll(() => app.close());

  const json = (response: request.Response) => JSON.parse(response.text) as Record<string, unknown>;

  function authorize(query: Record<string, string>, page = '/sandbox/connect/oauth2/authorize') {
    return http.get(page).query({ appid: OFFICIAL_ACCOUNT.appid, redirect_uri: CALLBACK, response_type: 'code', scope: 'snsapi_base', state: 'abc123', ...query });
  }

  async function codeFor(user: string, query: Record<string, string> = {}, page?: string): Promise<string> {
    const response = await authorize({ user, ...query }, page).expect(302);
    return new URL(response.headers.location as string).searchParams.get('code')!;
  }

  function accessToken(code: string, appid = OFFICIAL_ACCOUNT.appid, secret = OFFICIAL_ACCOUNT.secret) {
    return http.get('/sandbox/sns/oauth2/access_token').query({ appid, secret, code, grant_type: 'authorization_code' });
  }

  it('redirects back with code and state, keeping the callback’s own query', async () => {
    const response = await authorize({ user: persona() }).expect(302);
    const back = new URL(response.headers.location as string);
    expect(back.origin + back.pathname).toBe('https://app.example.com/cb');
    expect(back.searchParams.get('returnTo')).toBe('/x');
    expect(back.searchParams.get('state')).toBe('abc123');
    expect(back.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]+$/);
  });

  it('comes back without a code when the user refuses', async () => {
    const response = await authorize({ user: persona(), deny: '1' }).expect(302);
    const back = new URL(response.headers.location as string);
    expect(back.searchParams.get('code')).toBeNull();
    expect(back.searchParams.get('state')).toBe('abc123');
  });

  it('shows a consent page when no persona is given', async () => {
    const response = await authorize({ scope: 'snsapi_userinfo' }).expect(200);
    expect(response.headers['content-type']).toMatch(/text\/html/);
    expect(response.text).toContain('id="allow"');
    expect(response.text).toContain('id="deny"');
  });

  it.each([
    ['a redirect_uri outside the app’s domain', { redirect_uri: 'https://evil.example/cb' }, 10003],
    ['a scope the page does not offer', { scope: 'snsapi_login' }, 10005],
    ['no scope', { scope: '' }, 10010],
    ['no redirect_uri', { redirect_uri: '' }, 10011],
    ['no appid', { appid: '' }, 10012],
    ['no state', { state: '' }, 10013],
    ['a website appid', { appid: WEBSITE.appid }, 10016],
  ])('shows WeChat’s error page for %s', async (_label, query, errcode) => {
    const response = await authorize({ user: persona(), ...query }).expect(200);
    expect(response.text).toContain(`errcode=${errcode}`);
  });

  it('serves the QR page for website apps only, with snsapi_login', async () => {
    await http.get('/sandbox/connect/qrconnect').query({ appid: WEBSITE.appid, redirect_uri: CALLBACK, response_type: 'code', scope: 'snsapi_login', state: 's1', user: persona() }).expect(302);
    const official = await http.get('/sandbox/connect/qrconnect').query({ appid: OFFICIAL_ACCOUNT.appid, redirect_uri: CALLBACK, scope: 'snsapi_login', state: 's1' }).expect(200);
    expect(official.text).toContain('errcode=10016');
  });

  it('answers snsapi_base with the openid only, and 48001 from /sns/userinfo', async () => {
    const token = json(await accessToken(await codeFor(persona())).expect(200));
    expect(token).toEqual({ access_token: expect.any(String), expires_in: 7200, refresh_token: expect.any(String), openid: expect.any(String), scope: 'snsapi_base' });
    const userinfo = json(await http.get('/sandbox/sns/userinfo').query({ access_token: token.access_token as string, openid: token.openid as string }).expect(200));
    expect(userinfo.errcode).toBe(48001);
  });

  it('answers snsapi_userinfo with unionid and a profile', async () => {
    const user = persona();
    await http.post('/sandbox/personas').send({ user, nickname: 'Li Lei' }).expect(204);
    const token = json(await accessToken(await codeFor(user, { scope: 'snsapi_userinfo' })).expect(200));
    expect(token.unionid).toMatch(/^u/);
    const userinfo = json(await http.get('/sandbox/sns/userinfo').query({ access_token: token.access_token as string, openid: token.openid as string, lang: 'zh_CN' }).expect(200));
    expect(userinfo).toMatchObject({ openid: token.openid, nickname: 'Li Lei', headimgurl: expect.stringMatching(/^https:/), unionid: token.unionid, privilege: [] });
    expect(json(await http.get('/sandbox/sns/auth').query({ access_token: token.access_token as string, openid: token.openid as string }).expect(200))).toEqual({ errcode: 0, errmsg: 'ok' });
    expect(json(await http.get('/sandbox/sns/auth').query({ access_token: token.access_token as string, openid: 'oSomeoneElse' }).expect(200)).errcode).toBe(40003);
  });

  it('gives no unionid for an app not bound to the open platform', async () => {
    const response = await http
      .get('/sandbox/connect/oauth2/authorize')
      .query({ appid: UNBOUND.appid, redirect_uri: CALLBACK, scope: 'snsapi_userinfo', state: 's', user: persona() })
      .expect(302);
    const code = new URL(response.headers.location as string).searchParams.get('code')!;
    const token = json(await accessToken(code, UNBOUND.appid, UNBOUND.secret).expect(200));
    expect(token.openid).toEqual(expect.any(String));
    expect(token.unionid).toBeUndefined();
  });

  it('marks a snapshot user', async () => {
    const user = persona();
    await http.post('/sandbox/personas').send({ user, snapshotUser: true }).expect(204);
    expect(json(await accessToken(await codeFor(user)).expect(200)).is_snapshotuser).toBe(1);
  });

  it('refuses a used, foreign or expired code, and wrong credentials, as WeChat does', async () => {
    const code = await codeFor(persona());
    await accessToken(code).expect(200);
    expect(json(await accessToken(code).expect(200)).errcode).toBe(40163);
    expect(json(await accessToken(await codeFor(persona()), WEBSITE.appid, WEBSITE.secret).expect(200)).errcode).toBe(40029);
    expect(json(await accessToken(await codeFor(persona()), OFFICIAL_ACCOUNT.appid, 'wrong-secret-000000000000').expect(200)).errcode).toBe(40125);
    const old = await codeFor(persona());
    await http.post('/sandbox/clock').send({ advanceSeconds: 301 }).expect(204);
    expect(json(await accessToken(old).expect(200)).errcode).toBe(42003);
  });

  it('refreshes a user access token with the refresh token', async () => {
    const token = json(await accessToken(await codeFor(persona(), { scope: 'snsapi_userinfo' })).expect(200));
    const refreshed = json(
      await http.get('/sandbox/sns/oauth2/refresh_token').query({ appid: OFFICIAL_ACCOUNT.appid, grant_type: 'refresh_token', refresh_token: token.refresh_token as string }).expect(200),
    );
    expect(refreshed).toMatchObject({ openid: token.openid, refresh_token: token.refresh_token, scope: 'snsapi_userinfo' });
    expect(refreshed.access_token).not.toBe(token.access_token);
    await http.get('/sandbox/sns/userinfo').query({ access_token: refreshed.access_token as string, openid: token.openid as string }).expect(200);
    const bad = json(await http.get('/sandbox/sns/oauth2/refresh_token').query({ appid: OFFICIAL_ACCOUNT.appid, grant_type: 'refresh_token', refresh_token: 'nope' }).expect(200));
    expect(bad.errcode).toBe(40030);
  });
});
