import { DataSource } from 'typeorm';
import { DEMO_APPS } from '../../src/sandbox/demo-apps';
import { sendAndHangUp } from '../support/hang-up';
import { bearer, GET_PHONE_NUMBER, PHONE, phoneCode } from '../support/miniprogram-data';
import { OFFICIAL_ACCOUNT, onApp, pkce } from '../support/oauth';
import { loginAs, persona, startTestApp, TestApp, unknownCode, upstreamCalls, wxLogin } from '../support/test-app';

const BUDGET = 30;
const MOBILE_APP = DEMO_APPS.find((app) => app.type === 'mobile_app')!;

let addressSeq = 0;
/** An address no other test in this run uses. */
const newAddress = () => `192.0.2.${++addressSeq}`;

/**
 * Clients that send a bogus code and close the connection at once, never
 * reading an answer: each failure still counts against the address, and once
 * it is over its budget WeChat is not asked again.
 */
describe('failures of clients that hang up', () => {
  let t: TestApp;
  let pair: { accessToken: string };

  beforeAll(async () => {
    t = await startTestApp({ THROTTLE_FAILURES_PER_IP_PER_MINUTE: String(BUDGET), THROTTLE_PER_CREDENTIAL_PER_MINUTE: '30', TRUST_PROXY: 'loopback' });
    pair = await loginAs(t);
    // The app's access token for the phone route: other apps on this database may have cached one this sandbox never issued.
    await t.http.post(PHONE).set(bearer(pair.accessToken)).send({ code: await phoneCode(t, persona()) }).expect(200);
  });
  // Counters are shared by every instance on the database, other test files' apps included.
  beforeEach(() => t.app.get(DataSource).query('DELETE FROM rate_limits'));
  afterAll(() => t.close());

  /** Waits until WeChat has had `count` calls to `path` since `before` (the server makes them after the clients are gone). */
  async function untilCalled(path: string, before: number, count: number): Promise<void> {
    for (let attempt = 0; attempt < 300; attempt++) {
      if ((await upstreamCalls(t, path)) - before >= count) return;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    throw new Error(`WeChat never had ${count} calls to ${path}`);
  }

  const routes = [
    {
      name: 'Mini Program login',
      path: '/auth/wechat/miniprogram/login',
      wechat: '/sns/jscode2session',
      headers: (): Record<string, string> => ({}),
      validCode: () => wxLogin(t, persona()),
    },
    {
      name: 'mobile app login',
      path: '/auth/wechat/app/login',
      wechat: '/sns/oauth2/access_token',
      headers: (): Record<string, string> => ({}),
      validCode: async () => (await t.http.post('/sandbox/app/sendauth').send({ appid: MOBILE_APP.appid, user: persona() }).expect(200)).body.code as string,
    },
    {
      name: 'Mini Program phone number',
      path: PHONE,
      wechat: GET_PHONE_NUMBER,
      headers: (): Record<string, string> => bearer(pair.accessToken),
      validCode: () => phoneCode(t, persona()),
    },
  ];

  it.each(routes)('$name: 100 bogus codes sent at once by clients that hang up reach WeChat at most the budget of times, then the address is refused', async (route) => {
    const address = newAddress();
    const before = await upstreamCalls(t, route.wechat);
    await Promise.all(
      Array.from({ length: 100 }, () =>
        sendAndHangUp(t.url, 'POST', route.path, { code: unknownCode() }, { 'X-Forwarded-For': address, ...route.headers() }),
      ),
    );
    await untilCalled(route.wechat, before, BUDGET);
    // Codes being exchanged hold a share of the budget until they are answered, so the next one is refused even now.

    const refused = await t.http.post(route.path).set(route.headers()).set('x-forwarded-for', address).send({ code: await route.validCode() }).expect(429);
    expect(refused.body.error).toBe('rate_limited');
    expect(Number(refused.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect((await upstreamCalls(t, route.wechat)) - before).toBe(BUDGET);
  });

  it('OAuth callback: bogus codes under genuine states, sent by clients that hang up, reach WeChat at most the budget of times', async () => {
    const address = newAddress();
    /** Where WeChat sends the browser back after consent: a state we signed and WeChat's code, or one WeChat never issued. */
    const callback = async (code: 'genuine' | 'bogus') => {
      const authorize = await t.http.get(`/auth/wechat/oauth/${OFFICIAL_ACCOUNT.key}/authorize`).query({ returnTo: '/back', challenge: pkce().challenge }).expect(302);
      const page = new URL((authorize.headers.location as string).split('#')[0]);
      page.searchParams.set('user', persona());
      const back = new URL((await t.http.get(onApp(t, page.toString())).expect(302)).headers.location as string);
      if (code === 'bogus') back.searchParams.set('code', unknownCode());
      return onApp(t, back.toString());
    };
    const callbacks = await Promise.all(Array.from({ length: 60 }, () => callback('bogus')));
    const before = await upstreamCalls(t, '/sns/oauth2/access_token');
    await Promise.all(callbacks.map((path) => sendAndHangUp(t.url, 'GET', path, undefined, { 'X-Forwarded-For': address })));
    await untilCalled('/sns/oauth2/access_token', before, BUDGET);

    const refused = await t.http.get(await callback('genuine')).set('x-forwarded-for', address).expect(429);
    expect(refused.body.error).toBe('rate_limited');
    expect((await upstreamCalls(t, '/sns/oauth2/access_token')) - before).toBe(BUDGET);
  });
});
