import request from 'supertest';
import { INestApplication } from '@nestjs/common';
import { loadAppConfig } from '../../src/app/config/app-config';
import { DEMO_APPS } from '../../src/sandbox/demo-apps';
import { startStandaloneSandbox } from '../../src/sandbox/standalone';
import { HTTP_PLATFORM, persona } from '../support/test-app';

const MINIPROGRAM = DEMO_APPS.find((app) => app.type === 'miniprogram')!;
const OFFICIAL_ACCOUNT = DEMO_APPS.find((app) => app.type === 'official_account')!;

/** The sandbox on its own port, talked to exactly as WeChat would be. */
describe('WeChat sandbox (standalone)', () => {
  let app: INestApplication;
  let http: ReturnType<typeof request>;

  beforeAll(async () => {
    const sandbox = await startStandaloneSandbox(loadAppConfig({ NODE_ENV: 'test', HTTP_PLATFORM, LOG_LEVEL: 'silent' }), 0);
    app = sandbox.app;
    http = request(sandbox.url.replace(/\/sandbox$/, ''));
  });
  afterAll(() => app.close());
  afterEach(() => http.delete('/sandbox/faults').expect(204));

  async function code(user: string, appid = MINIPROGRAM.appid): Promise<string> {
    return (await http.post('/sandbox/wx.login').send({ appid, user }).expect(200)).body.code as string;
  }

  function jscode2session(query: Record<string, string>) {
    return http.get('/sandbox/sns/jscode2session').query(query);
  }

  const exchange = (jsCode: string, overrides: Record<string, string> = {}) =>
    jscode2session({ appid: MINIPROGRAM.appid, secret: MINIPROGRAM.secret, js_code: jsCode, grant_type: 'authorization_code', ...overrides });

  /** WeChat answers JSON labelled text/plain: read it as a client must. */
  const json = (response: request.Response) => JSON.parse(response.text) as Record<string, unknown>;

  it('lists its apps without secrets', async () => {
    const response = await http.get('/sandbox/apps').expect(200);
    expect(response.body).toHaveLength(4);
    expect(response.body[0]).toEqual({ key: 'demo-miniprogram', type: 'miniprogram', appid: MINIPROGRAM.appid, openPlatformBound: true, newStyleProfile: false });
    expect(response.text).not.toContain(MINIPROGRAM.secret);
  });

  it('answers a good code like WeChat: HTTP 200, text/plain, no errcode, stable openid and unionid', async () => {
    const user = persona();
    const first = json(await exchange(await code(user)).expect(200).expect('content-type', /text\/plain/));
    expect(Object.keys(first).sort()).toEqual(['openid', 'session_key', 'unionid']);
    expect(Buffer.from(first.session_key as string, 'base64')).toHaveLength(16);
    const second = json(await exchange(await code(user)).expect(200));
    expect(second.openid).toBe(first.openid);
    expect(second.unionid).toBe(first.unionid);
    expect(second.session_key).not.toBe(first.session_key);
    const stranger = json(await exchange(await code(persona())).expect(200));
    expect(stranger.openid).not.toBe(first.openid);
  });

  it('unbinds an app from the Open Platform at runtime: its answers carry no unionid until it is bound again', async () => {
    const user = persona();
    const unbound = await http.post(`/sandbox/apps/${MINIPROGRAM.appid}`).send({ openPlatformBound: false }).expect(200);
    expect(unbound.body).toEqual({ key: MINIPROGRAM.key, type: 'miniprogram', appid: MINIPROGRAM.appid, openPlatformBound: false, newStyleProfile: false });
    expect(json(await exchange(await code(user)).expect(200)).unionid).toBeUndefined();
    expect((await http.get('/sandbox/apps').expect(200)).body[0].openPlatformBound).toBe(false);

    await http.post(`/sandbox/apps/${MINIPROGRAM.appid}`).send({ openPlatformBound: true }).expect(200);
    expect(json(await exchange(await code(user)).expect(200)).unionid).toEqual(expect.any(String));
  });

  it('refuses to bind an unknown app or without a boolean', async () => {
    expect((await http.post('/sandbox/apps/wx0000000000000000').send({ openPlatformBound: false }).expect(404)).body.error).toBe('unknown_app');
    await http.post(`/sandbox/apps/${MINIPROGRAM.appid}`).send({ openPlatformBound: 'no' }).expect(400);
  });

  it.each([
    ['an unknown code', 40029, { js_code: 'nope' }],
    ['a missing code', 41008, { js_code: '' }],
    ['an unknown appid', 40013, { appid: 'wx0000000000000000' }],
    ['a wrong secret', 40125, { secret: 'wrong' }],
    ['a missing appid', 41002, { appid: '' }],
    ['the appid of an Official Account', 40013, { appid: OFFICIAL_ACCOUNT.appid, secret: OFFICIAL_ACCOUNT.secret }],
  ])('answers %s with errcode %i', async (_label, errcode, overrides) => {
    const answer = json(await exchange(await code(persona()), overrides).expect(200));
    expect(answer).toEqual({ errcode, errmsg: expect.stringMatching(/ rid: [0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{8}$/) });
  });

  it('ends errmsg with a rid whose first group is the hex time of the answer, like WeChat', async () => {
    const before = Math.floor(Date.now() / 1000);
    const { errmsg } = json(await exchange('nope').expect(200));
    const seconds = parseInt(/ rid: ([0-9a-f]{8})-/.exec(String(errmsg))![1], 16);
    expect(seconds).toBeGreaterThanOrEqual(before);
    expect(seconds).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000));
  });

  it('spends a code once (40163), refuses it after five minutes (40029) and to another app (40029)', async () => {
    const once = await code(persona());
    await exchange(once).expect(200);
    expect(json(await exchange(once)).errcode).toBe(40163);

    const late = await code(persona());
    await http.post('/sandbox/clock').send({ advanceSeconds: 301 }).expect(204);
    expect(json(await exchange(late)).errcode).toBe(40029);
  });

  it('plays injected faults the given number of times and counts every call', async () => {
    const before = ((await http.get('/sandbox/calls')).body as Record<string, number>)['/sns/jscode2session'] ?? 0;
    await http.post('/sandbox/faults').send({ path: '/sns/jscode2session', errcode: -1, times: 2 }).expect(204);
    await http.post('/sandbox/faults').send({ path: '/sns/jscode2session', httpStatus: 502, body: '<html>bad gateway</html>' }).expect(204);
    const jsCode = await code(persona());
    expect(json(await exchange(jsCode)).errcode).toBe(-1);
    expect(json(await exchange(jsCode)).errcode).toBe(-1);
    await exchange(jsCode).expect(502).expect('content-type', /html/);
    expect(json(await exchange(jsCode)).openid).toEqual(expect.any(String));
    const after = (await http.get('/sandbox/calls')).body as Record<string, number>;
    expect(after['/sns/jscode2session'] - before).toBe(4);
  });

  it('refuses a bad fault or login request with our JSON error', async () => {
    const fault = await http.post('/sandbox/faults').send({ path: 'no-slash', times: -1 }).expect(400);
    expect(fault.body.error).toBe('invalid_request');
    const login = await http.post('/sandbox/wx.login').send({ appid: OFFICIAL_ACCOUNT.appid, user: 'x' }).expect(404);
    expect(login.body.error).toBe('unknown_app');
  });

  describe('the app access_token and JSON bodies, as WeChat', () => {
    const stableToken = (forceRefresh: boolean) =>
      http.post('/sandbox/cgi-bin/stable_token').send({ grant_type: 'client_credential', appid: MINIPROGRAM.appid, secret: MINIPROGRAM.secret, force_refresh: forceRefresh });
    const advance = (advanceSeconds: number) => http.post('/sandbox/clock').send({ advanceSeconds }).expect(204);

    it('force-refreshes a stable token at most once per 30 seconds and 20 times a day', async () => {
      const before = (await stableToken(false).expect(200)).body.access_token as string;
      const forced = json(await stableToken(true).expect(200)).access_token as string;
      expect(forced).not.toBe(before);
      // A second forced call within 30 seconds answers the current token.
      expect(json(await stableToken(true).expect(200)).access_token).toBe(forced);
      for (let refresh = 2; refresh <= 20; refresh++) {
        await advance(31);
        expect(json(await stableToken(true).expect(200)).access_token).not.toBe(forced);
      }
      await advance(31);
      expect(json(await stableToken(true).expect(200))).toEqual({ errcode: 45009, errmsg: expect.stringMatching(/^reach max api daily quota limit, rid: /) });
      await advance(24 * 3600);
      expect(json(await stableToken(true).expect(200)).access_token).toEqual(expect.any(String));
    });

    it.each([
      ['labelled text/plain', 'text/plain'],
      ['not labelled at all', undefined],
    ])('reads a JSON body %s, as WeChat does', async (_label, contentType) => {
      const body = JSON.stringify({ grant_type: 'client_credential', appid: MINIPROGRAM.appid, secret: MINIPROGRAM.secret });
      const call = http.post('/sandbox/cgi-bin/stable_token');
      if (contentType) call.set('content-type', contentType);
      const response = await call.send(Buffer.from(body));
      expect(response.status).toBe(200);
      expect(json(response).access_token).toEqual(expect.any(String));
    });

    it.each(['/sandbox/cgi-bin/stable_token', '/sandbox/wxa/business/getuserphonenumber?access_token=x'])('answers an unparsable body at %s with errcode 47001 and HTTP 200, never 500', async (path) => {
      const response = await http.post(path).set('content-type', 'text/plain').send('{grant_type: oops');
      expect(response.status).toBe(200);
      expect(json(response)).toEqual({ errcode: 47001, errmsg: expect.stringMatching(/^data format error, rid: /) });
    });
  });
});
