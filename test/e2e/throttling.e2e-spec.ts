import request from 'supertest';
import { DataSource } from 'typeorm';
import { spawnApp } from '../support/processes';
import { loginAs, persona, startTestApp, TestApp, upstreamCalls, wxLogin } from '../support/test-app';

const LIMITS = { THROTTLE_PER_IP_PER_MINUTE: '8', THROTTLE_PER_CREDENTIAL_PER_MINUTE: '3' };

describe('throttling of sign-in routes', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp(LIMITS);
  });
  beforeEach(() => t.app.get(DataSource).query('DELETE FROM rate_limits'));
  afterAll(() => t.close());

  it('answers rate_limited with Retry-After once one code is tried too often, before calling WeChat', async () => {
    const code = await wxLogin(t, persona());
    const statuses = [];
    for (let attempt = 0; attempt < 3; attempt++) statuses.push((await t.http.post('/auth/wechat/miniprogram/login').send({ code })).status);
    // copies of one code within the exchange window are served (a double tap), until the limit
    expect(statuses).toEqual([200, 200, 200]);

    const before = await upstreamCalls(t, '/sns/jscode2session');
    const limited = await t.http.post('/auth/wechat/miniprogram/login').send({ code }).expect(429);
    expect(limited.body).toEqual({ statusCode: 429, error: 'rate_limited', message: expect.any(String) });
    expect(Number(limited.headers['retry-after'])).toBeGreaterThanOrEqual(1);
    expect(Number(limited.headers['retry-after'])).toBeLessThanOrEqual(60);
    expect(await upstreamCalls(t, '/sns/jscode2session')).toBe(before);
  });

  it('limits one client ip across codes and refresh tokens, shared with every instance through the database', async () => {
    const pair = await loginAs(t);
    // Another instance in its own process (Passport keeps strategies process-wide, so one app per process, as in production).
    const other = await spawnApp(LIMITS);
    try {
      const statuses: number[] = [];
      for (let attempt = 0; attempt < 8; attempt++) {
        const target = attempt % 2 ? request(other.url) : t.http;
        statuses.push((await target.post('/auth/refresh').send({ refreshToken: `${'x'.repeat(42)}${attempt}` })).status);
      }
      // the login and seven refreshes used the 8 allowed; the next is refused, whichever instance it reaches
      expect(statuses).toEqual(Array(7).fill(401).concat(429));
      const limited = await t.http.post('/auth/refresh').send({ refreshToken: pair.refreshToken }).expect(429);
      expect(limited.headers['retry-after']).toBeDefined();
    } finally {
      await other.stop();
    }
  });

  it('counts hits fired at once exactly: no more get through than the limit', async () => {
    const refreshToken = `${'y'.repeat(42)}z`;
    const responses = await Promise.all(Array.from({ length: 10 }, () => t.http.post('/auth/refresh').send({ refreshToken })));
    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([...Array(3).fill(401), ...Array(7).fill(429)]);
  });

  it('leaves guarded routes of other modules alone', async () => {
    const pair = await loginAs(t);
    for (let i = 0; i < 12; i++) await t.http.get('/greetings').set('authorization', `Bearer ${pair.accessToken}`).expect(200);
  });
});

describe('throttling of the ticket and OAuth callback routes', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ THROTTLE_PER_IP_PER_MINUTE: '1000', THROTTLE_PER_CREDENTIAL_PER_MINUTE: '2' });
  });
  // Counters are shared by every instance on the database, other test files' apps included.
  beforeEach(() => t.app.get(DataSource).query('DELETE FROM rate_limits'));
  afterAll(() => t.close());

  it('limits attempts with one ticket', async () => {
    const ticket = `T${Date.now()}`.padEnd(43, 'x');
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 3; attempt++) statuses.push((await t.http.post('/auth/ticket').send({ ticket })).status);
    expect(statuses).toEqual([401, 401, 429]);
  });

  it('limits callbacks carrying one code', async () => {
    const code = `C${Date.now()}`;
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 3; attempt++) {
      statuses.push((await t.http.get('/auth/wechat/oauth/demo-official-account/callback').query({ code, state: 'x' })).status);
    }
    expect(statuses).toEqual([400, 400, 429]);
  });
});
