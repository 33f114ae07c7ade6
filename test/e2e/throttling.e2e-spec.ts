import request from 'supertest';
import { DataSource } from 'typeorm';
import { bearer, callsDuring, GET_PHONE_NUMBER, PHONE, phoneCode } from '../support/miniprogram-data';
import { oauthJourney } from '../support/oauth';
import { loginAs, persona, startTestApp, TestApp, unknownCode, upstreamCalls, wxLogin } from '../support/test-app';

/** The shipped defaults, with the test's clients told apart by X-Forwarded-For from the loopback proxy. */
const DEFAULTS = { THROTTLE_PER_IP_PER_MINUTE: '0', THROTTLE_FAILURES_PER_IP_PER_MINUTE: '30', THROTTLE_PER_CREDENTIAL_PER_MINUTE: '30', TRUST_PROXY: 'loopback' };
const LOGIN = '/auth/wechat/miniprogram/login';
const JSCODE2SESSION = '/sns/jscode2session';

let addressSeq = 0;
/** An address no other test in this run uses. */
const newAddress = () => `198.51.100.${++addressSeq}`;

/** Runs `work` for each item, `width` at a time, like a crowd of phones. */
async function inWaves<T, R>(items: T[], width: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = [];
  for (let i = 0; i < items.length; i += width) results.push(...(await Promise.all(items.slice(i, i + width).map(work))));
  return results;
}

describe('sign-in throttling by failures, with default limits', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp(DEFAULTS);
  });
  // Counters are shared by every instance on the database, other test files' apps included.
  beforeEach(() => t.app.get(DataSource).query('DELETE FROM rate_limits'));
  afterAll(() => t.close());

  const login = (code: string, address: string) => t.http.post(LOGIN).set('x-forwarded-for', address).send({ code });

  it('lets 150 different people behind one address all sign in within a minute', async () => {
    const address = newAddress();
    const codes = await Promise.all(Array.from({ length: 150 }, () => wxLogin(t, persona('nat'))));
    const statuses = await inWaves(codes, 10, async (code) => (await login(code, address)).status);
    expect(statuses).toEqual(Array(150).fill(200));
  });

  it('refuses an address after 30 rejected codes, with Retry-After, before WeChat is asked again; another address is unaffected', async () => {
    const address = newAddress();
    let statuses: number[] = [];
    const [wechatCalls] = await callsDuring(t, [JSCODE2SESSION], async () => {
      statuses = await inWaves(Array.from({ length: 200 }, unknownCode), 5, async (code) => (await login(code, address)).status);
    });
    expect(statuses.filter((status) => status === 401).length).toBeGreaterThanOrEqual(30);
    expect(statuses.filter((status) => status === 429).length).toBeGreaterThanOrEqual(150);
    expect(wechatCalls).toBeLessThanOrEqual(40);

    const limited = await login(await wxLogin(t, persona()), address).expect(429);
    expect(limited.body).toEqual({ statusCode: 429, error: 'rate_limited', message: expect.any(String) });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);

    const elsewhere = newAddress();
    await login(unknownCode(), elsewhere).expect(401);
    await login(await wxLogin(t, persona()), elsewhere).expect(200);
  });

  it('does not count requests refused by validation, which never reach WeChat', async () => {
    const address = newAddress();
    for (let i = 0; i < 40; i++) await login(`bad code ${i}!`, address).expect(400);
    await login(await wxLogin(t, persona()), address).expect(200);
  });

  it('counts unknown refresh tokens and tickets as failures too', async () => {
    const address = newAddress();
    for (let i = 0; i < 15; i++) await t.http.post('/auth/refresh').set('x-forwarded-for', address).send({ refreshToken: `${'r'.repeat(42)}${i}` }).expect(401);
    for (let i = 0; i < 15; i++) await t.http.post('/auth/ticket').set('x-forwarded-for', address).send({ ticket: `T${i}`.padEnd(43, 'x') }).expect(401);
    await t.http.post('/auth/refresh').set('x-forwarded-for', address).send({ refreshToken: 'r'.repeat(43) }).expect(429);
  });

  it('throttles the phone route like sign-in: bogus codes stop reaching WeChat', async () => {
    const address = newAddress();
    const pair = await loginAs(t);
    let statuses: number[] = [];
    const [wechatCalls] = await callsDuring(t, [GET_PHONE_NUMBER], async () => {
      statuses = await inWaves(Array.from({ length: 60 }, unknownCode), 5, async (code) =>
        (await t.http.post(PHONE).set(bearer(pair.accessToken)).set('x-forwarded-for', address).send({ code })).status,
      );
    });
    expect(statuses).toContain(429);
    expect(wechatCalls).toBeLessThanOrEqual(40);
  });

  it('never throttles code-less OAuth callbacks together: every refusal gets #error=authorization_denied', async () => {
    const locations = await inWaves(Array.from({ length: 40 }, (_, i) => i), 5, async () => {
      const journey = await oauthJourney(t, persona(), { deny: true, returnTo: '/back' });
      return journey.callback.headers.location as string;
    });
    expect(locations).toEqual(Array(40).fill('/back#error=authorization_denied'));
  });
});

describe('sign-in throttling of the phone sign-up, which carries two WeChat codes', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ ...DEFAULTS, SIGN_UP_POLICY: 'require-phone' });
  });
  beforeEach(() => t.app.get(DataSource).query('DELETE FROM rate_limits'));
  afterAll(() => t.close());

  it('counts wx.login codes WeChat rejects against the address, stops them reaching WeChat, and never asks for the phone; the ticket survives', async () => {
    const [address, user] = [newAddress(), persona('throttled-signup')];
    const pending = await t.http.post(LOGIN).set('x-forwarded-for', address).send({ code: await wxLogin(t, user) }).expect(200);
    const { signupTicket } = pending.body as { signupTicket: string };
    let statuses: number[] = [];
    const [loginCalls, phoneCalls] = await callsDuring(t, [JSCODE2SESSION, GET_PHONE_NUMBER], async () => {
      statuses = await inWaves(Array.from({ length: 60 }, unknownCode), 5, async (loginCode) =>
        (await t.http.post('/auth/signup/phone').set('x-forwarded-for', address).send({ signupTicket, code: unknownCode(), loginCode })).status,
      );
    });
    expect(statuses.filter((status) => status === 401).length).toBeGreaterThanOrEqual(30);
    expect(statuses).toContain(429);
    expect(loginCalls).toBeLessThanOrEqual(40);
    expect(phoneCalls).toBe(0);

    await t.http.post('/auth/signup/phone').set('x-forwarded-for', address).send({ signupTicket, code: await phoneCode(t, user), loginCode: await wxLogin(t, user) }).expect(429);
    const elsewhere = newAddress();
    await t.http.post('/auth/signup/phone').set('x-forwarded-for', elsewhere).send({ signupTicket, code: await phoneCode(t, user), loginCode: await wxLogin(t, user) }).expect(200);
  });
});

describe('throttling per credential', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ THROTTLE_PER_CREDENTIAL_PER_MINUTE: '3' });
  });
  beforeEach(() => t.app.get(DataSource).query('DELETE FROM rate_limits'));
  afterAll(() => t.close());

  it('answers rate_limited with Retry-After once one code is tried too often, before calling WeChat', async () => {
    const code = await wxLogin(t, persona());
    const statuses = [];
    for (let attempt = 0; attempt < 3; attempt++) statuses.push((await t.http.post(LOGIN).send({ code })).status);
    // copies of one code within the exchange window are served (a double tap), until the limit
    expect(statuses).toEqual([200, 200, 200]);

    const before = await upstreamCalls(t, JSCODE2SESSION);
    const limited = await t.http.post(LOGIN).send({ code }).expect(429);
    expect(limited.body).toEqual({ statusCode: 429, error: 'rate_limited', message: expect.any(String) });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(await upstreamCalls(t, JSCODE2SESSION)).toBe(before);
  });

  it('counts hits fired at once exactly: no more get through than the limit', async () => {
    const refreshToken = `${'y'.repeat(42)}z`;
    const responses = await Promise.all(Array.from({ length: 10 }, () => t.http.post('/auth/refresh').send({ refreshToken })));
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([...Array(3).fill(401), ...Array(7).fill(429)]);
  });

  it('limits attempts with one ticket', async () => {
    const ticket = `T${Date.now()}`.padEnd(43, 'x');
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 4; attempt++) statuses.push((await t.http.post('/auth/ticket').send({ ticket })).status);
    expect(statuses).toEqual([401, 401, 401, 429]);
  });

  it('limits callbacks carrying one code', async () => {
    const code = `C${Date.now()}`;
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 4; attempt++) {
      statuses.push((await t.http.get('/auth/wechat/oauth/demo-official-account/callback').query({ code, state: 'x' })).status);
    }
    expect(statuses).toEqual([400, 400, 400, 429]);
  });

  it('leaves guarded routes of other modules alone', async () => {
    const pair = await loginAs(t);
    for (let i = 0; i < 12; i++) await t.http.get('/greetings').set('authorization', `Bearer ${pair.accessToken}`).expect(200);
  });

  it('applies an optional ceiling on all sign-ins from one address when the host sets one', async () => {
    const capped = await startTestApp({ THROTTLE_PER_IP_PER_MINUTE: '2' });
    try {
      await capped.app.get(DataSource).query('DELETE FROM rate_limits');
      const statuses: number[] = [];
      for (let i = 0; i < 3; i++) statuses.push((await request(capped.url).post(LOGIN).send({ code: await wxLogin(capped, persona()) })).status);
      expect(statuses).toEqual([200, 200, 429]);
    } finally {
      await capped.close();
    }
  });
});
