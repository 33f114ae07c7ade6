import { setTimeout as sleep } from 'node:timers/promises';
import { DEMO_APPS } from '../../src/sandbox/demo-apps';
import { loginAs, MINIPROGRAM, persona, startTestApp, TestApp, TokenPairBody, unknownCode, upstreamCalls, wxLogin } from '../support/test-app';

const MOBILE_APP = DEMO_APPS.find((app) => app.type === 'mobile_app')!;
const LOGIN = '/auth/wechat/app/login';
const OAUTH_ACCESS_TOKEN = '/sns/oauth2/access_token';

/** A native iOS/Android app: SendAuth gives the phone a code, the app's server trades it here. */
describe('mobile app login', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ CODE_EXCHANGE_WINDOW_SECONDS: '1' });
  });
  afterAll(() => t.close());

  async function sendAuth(user: string, appid = MOBILE_APP.appid): Promise<string> {
    const response = await t.http.post('/sandbox/app/sendauth').send({ appid, user }).expect(200);
    return response.body.code as string;
  }

  async function signIn(user: string): Promise<TokenPairBody> {
    return (await t.http.post(LOGIN).send({ code: await sendAuth(user) }).expect(200)).body as TokenPairBody;
  }

  async function identitiesOf(pair: TokenPairBody): Promise<Array<{ app: string; appType: string }>> {
    const me = await t.http.get('/auth/me').set('authorization', `Bearer ${pair.accessToken}`).expect(200);
    return me.body.identities as Array<{ app: string; appType: string }>;
  }

  it('signs a new person up with the profile SendAuth consented to, then signs them in again as the same user', async () => {
    const user = persona('phone');
    const first = await signIn(user);
    expect(first).toMatchObject({ tokenType: 'Bearer', user: { isNew: true, nickname: user } });
    expect(first.user.avatarUrl).toMatch(/^https:\/\//);
    expect(await identitiesOf(first)).toEqual([expect.objectContaining({ app: MOBILE_APP.key, appType: 'mobile_app' })]);

    const again = await signIn(user);
    expect(again.user).toMatchObject({ id: first.user.id, isNew: false });
  });

  it('is the same user as in the Mini Program, joined by the unionid', async () => {
    const user = persona('both');
    const fromMiniProgram = await loginAs(t, user);
    const fromPhone = await signIn(user);
    expect(fromPhone.user).toMatchObject({ id: fromMiniProgram.user.id, isNew: false });
    expect((await identitiesOf(fromPhone)).map((identity) => identity.appType).sort()).toEqual(['miniprogram', 'mobile_app']);
  });

  it('turns copies of one code sent at once into one call to WeChat and one user', async () => {
    const code = await sendAuth(persona('double-tap'));
    const before = await upstreamCalls(t, OAUTH_ACCESS_TOKEN);
    const responses = await Promise.all(Array.from({ length: 5 }, () => t.http.post(LOGIN).send({ code })));
    expect(responses.map((response) => response.status)).toEqual(Array(5).fill(200));
    expect(new Set(responses.map((response) => response.body.user.id)).size).toBe(1);
    expect((await upstreamCalls(t, OAUTH_ACCESS_TOKEN)) - before).toBe(1);
  });

  it('refuses a code WeChat never issued', async () => {
    const response = await t.http.post(LOGIN).send({ code: unknownCode() }).expect(401);
    expect(response.body).toEqual({ statusCode: 401, error: 'wechat_code_invalid', message: expect.any(String) });
  });

  it('refuses a code presented again after its first use', async () => {
    const code = await sendAuth(persona('replay'));
    await t.http.post(LOGIN).send({ code }).expect(200);
    await sleep(1_200);
    const response = await t.http.post(LOGIN).send({ code }).expect(409);
    expect(response.body.error).toBe('wechat_code_used');
  });

  it('refuses a Mini Program code and a Mini Program app key', async () => {
    const miniProgramCode = await wxLogin(t, persona('wrong-app'));
    const asMobile = await t.http.post(LOGIN).send({ code: miniProgramCode });
    expect(asMobile.status).toBe(401);
    expect(asMobile.body.error).toBe('wechat_code_invalid');
    const wrongKey = await t.http.post(LOGIN).send({ code: await sendAuth(persona('wrong-key')), app: MINIPROGRAM.key });
    expect(wrongKey.status).toBeGreaterThanOrEqual(400);
    expect(wrongKey.status).toBeLessThan(500);
    expect(wrongKey.body.error).toBe('unknown_app');
  });

  it('has the sandbox give SendAuth codes only to mobile apps', async () => {
    const response = await t.http.post('/sandbox/app/sendauth').send({ appid: MINIPROGRAM.appid, user: persona() });
    expect(response.status).toBeGreaterThanOrEqual(400);
    expect(response.status).toBeLessThan(500);
    expect(response.body.error).toBe('unknown_app');
  });

  // Last: it moves the sandbox's clock. A mobile app's code lives 10 minutes at WeChat, not 5.
  it('accepts a code for ten minutes and refuses it after', async () => {
    const lateButValid = await sendAuth(persona('slow-phone'));
    const expired = await sendAuth(persona('slower-phone'));
    await t.http.post('/sandbox/clock').send({ advanceSeconds: 7 * 60 }).expect(204);
    await t.http.post(LOGIN).send({ code: lateButValid }).expect(200);
    await t.http.post('/sandbox/clock').send({ advanceSeconds: 4 * 60 }).expect(204);
    const response = await t.http.post(LOGIN).send({ code: expired }).expect(401);
    expect(response.body.error).toBe('wechat_code_invalid');
  });
});
