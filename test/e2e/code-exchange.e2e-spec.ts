import request from 'supertest';
import { DataSource } from 'typeorm';
import { CodeExchangeService, codeHash } from '../../src/wechat-auth/wechat/code-exchange/code-exchange.service';
import { OFFICIAL_ACCOUNT, oauthJourney, onApp, pkce, redeemTicket } from '../support/oauth';
import { AppProcess, spawnApp } from '../support/processes';
import { MINIPROGRAM, persona, startTestApp, TestApp, unknownCode, upstreamCalls, wxLogin } from '../support/test-app';

const LOGIN = '/auth/wechat/miniprogram/login';
const JSCODE2SESSION = '/sns/jscode2session';
const OAUTH_ACCESS_TOKEN = '/sns/oauth2/access_token';

describe('idempotent code exchange', () => {
  let t: TestApp;
  /** A second instance (its own process) on the same database and the same WeChat, with a 5 s window. */
  let second: AppProcess;
  let db: DataSource;

  beforeAll(async () => {
    t = await startTestApp();
    second = await spawnApp({ LOG_LEVEL: 'silent', WECHAT_API_BASE_URL: `${t.url}/sandbox`, CODE_EXCHANGE_WINDOW_SECONDS: '5' });
    db = t.app.get(DataSource);
  });
  afterAll(async () => {
    await second?.stop();
    await t.close();
  });
  afterEach(() => t.http.delete('/sandbox/faults').expect(204));

  async function eventsForCode(userId: string): Promise<Array<{ result: string; error_code: string | null; code_copy: boolean }>> {
    return (await db.query(
      `SELECT result, error_code, coalesce((detail->>'codeCopy')::boolean, false) AS code_copy
       FROM login_events WHERE user_id = $1 AND kind = 'miniprogram' ORDER BY created_at`,
      [userId],
    )) as Array<{ result: string; error_code: string | null; code_copy: boolean }>;
  }

  it('turns one code fired 20 times at once into 20 sessions of one user with one call to WeChat', async () => {
    const code = await wxLogin(t, persona('tap'));
    const before = await upstreamCalls(t, JSCODE2SESSION);
    const responses = await Promise.all(Array.from({ length: 20 }, () => t.http.post(LOGIN).send({ code })));

    expect(responses.map((response) => response.status)).toEqual(Array(20).fill(200));
    expect(new Set(responses.map((response) => response.body.user.id)).size).toBe(1);
    expect(new Set(responses.map((response) => response.body.refreshToken)).size).toBe(20);
    expect((await upstreamCalls(t, JSCODE2SESSION)) - before).toBe(1);

    const userId = responses[0].body.user.id as string;
    const [sessions] = (await db.query(`SELECT count(*)::int AS n FROM sessions WHERE user_id = $1`, [userId])) as Array<{ n: number }>;
    expect(sessions.n).toBe(20);
    const events = await eventsForCode(userId);
    expect(events.filter((event) => event.result === 'success')).toHaveLength(20);
    expect(events.filter((event) => event.code_copy)).toHaveLength(19);
  });

  it('shares one call to WeChat between two instances of the service', async () => {
    const code = await wxLogin(t, persona('two-instances'));
    const before = await upstreamCalls(t, JSCODE2SESSION);
    const responses = await Promise.all(Array.from({ length: 10 }, (_, index) => request(index % 2 ? second.url : t.url).post(LOGIN).send({ code })));
    expect(responses.map((response) => response.status)).toEqual(Array(10).fill(200));
    expect(new Set(responses.map((response) => response.body.user.id)).size).toBe(1);
    expect((await upstreamCalls(t, JSCODE2SESSION)) - before).toBe(1);
  });

  it('makes one call to WeChat for an OAuth callback that arrives 10 times at two instances at once', async () => {
    const user = persona('callback-copies');
    const browser = pkce();
    const authorize = await t.http
      .get(`/auth/wechat/oauth/${OFFICIAL_ACCOUNT.key}/authorize`)
      .query({ returnTo: '/copies', scope: 'snsapi_userinfo', challenge: browser.challenge })
      .expect(302);
    const page = new URL(String(authorize.headers.location).split('#')[0]);
    page.searchParams.set('user', user);
    const callback = new URL(String((await t.http.get(onApp(t, page.toString())).expect(302)).headers.location));
    const path = callback.pathname + callback.search;
    const before = await upstreamCalls(t, OAUTH_ACCESS_TOKEN);

    const answers = await Promise.all(Array.from({ length: 10 }, (_, index) => request(index % 2 ? second.url : t.url).get(path)));
    const tickets = answers.map((answer) => new URLSearchParams(String(answer.headers.location).split('#')[1]).get('ticket'));
    expect(tickets.every(Boolean)).toBe(true);
    expect(new Set(tickets).size).toBe(10);
    expect((await upstreamCalls(t, OAUTH_ACCESS_TOKEN)) - before).toBe(1);
    const pairs = await Promise.all(tickets.map((ticket) => redeemTicket(t, ticket!, browser.verifier)));
    expect(new Set(pairs.map((pair) => pair.user.id)).size).toBe(1);
  });

  it('answers a callback copy after the window with #error=wechat_code_used', async () => {
    const journey = await oauthJourney(t, persona('late-callback'));
    expect(journey.ticket).toBeDefined();
    const code = new URL(journey.callbackUrl).searchParams.get('code')!;
    await db.query(`UPDATE code_exchanges SET created_at = created_at - interval '31 seconds' WHERE code_hash = $1`, [codeHash(OFFICIAL_ACCOUNT.appid, code)]);
    const late = await t.http.get(onApp(t, journey.callbackUrl)).expect(302);
    expect(late.headers.location).toBe('/after-login#error=wechat_code_used');
  });

  it('refuses a copy that comes after the window with wechat_code_used, and records it', async () => {
    const code = await wxLogin(t, persona('late'));
    await t.http.post(LOGIN).send({ code }).expect(200);
    await db.query(`UPDATE code_exchanges SET created_at = created_at - interval '31 seconds' WHERE code_hash = $1`, [codeHash(MINIPROGRAM.appid, code)]);
    const refusals = async () =>
      ((await db.query(`SELECT count(*)::int AS n FROM login_events WHERE kind = 'miniprogram' AND error_code = 'wechat_code_used'`)) as Array<{ n: number }>)[0].n;
    const [calls, recorded] = [await upstreamCalls(t, JSCODE2SESSION), await refusals()];

    const late = await t.http.post(LOGIN).send({ code }).expect(409);
    expect(late.body.error).toBe('wechat_code_used');
    expect(await upstreamCalls(t, JSCODE2SESSION)).toBe(calls);
    expect(await refusals()).toBe(recorded + 1);
  });

  it('follows a shorter window when configured', async () => {
    const code = await wxLogin(t, persona('short-window'));
    await request(second.url).post(LOGIN).send({ code }).expect(200);
    await db.query(`UPDATE code_exchanges SET created_at = created_at - interval '6 seconds' WHERE code_hash = $1`, [codeHash(MINIPROGRAM.appid, code)]);
    expect((await request(second.url).post(LOGIN).send({ code }).expect(409)).body.error).toBe('wechat_code_used');
    // Within the default window the same delay is still a copy.
    const other = await wxLogin(t, persona('long-window'));
    await t.http.post(LOGIN).send({ code: other }).expect(200);
    await db.query(`UPDATE code_exchanges SET created_at = created_at - interval '6 seconds' WHERE code_hash = $1`, [codeHash(MINIPROGRAM.appid, other)]);
    await t.http.post(LOGIN).send({ code: other }).expect(200);
  });

  it('gives every copy of a code WeChat refused the same refusal, after one call', async () => {
    const code = unknownCode();
    const before = await upstreamCalls(t, JSCODE2SESSION);
    const responses = await Promise.all(Array.from({ length: 5 }, () => t.http.post(LOGIN).send({ code })));
    expect(responses.map((response) => response.body.error)).toEqual(Array(5).fill('wechat_code_invalid'));
    expect((await upstreamCalls(t, JSCODE2SESSION)) - before).toBe(1);
  });

  it('keeps codes only hashed and never a session_key', async () => {
    const code = await wxLogin(t, persona('hashed'));
    await t.http.post(LOGIN).send({ code }).expect(200);
    const rows = (await db.query(`SELECT * FROM code_exchanges WHERE code_hash = $1`, [codeHash(MINIPROGRAM.appid, code)])) as Array<Record<string, unknown>>;
    expect(rows).toHaveLength(1);
    const stored = JSON.stringify(rows);
    expect(stored).not.toContain(code);
    expect(stored).not.toMatch(/session_?key/i);
    const [{ found }] = (await db.query(
      `SELECT count(*)::int AS found FROM code_exchanges WHERE encode(code_hash, 'escape') LIKE $1 OR identity::text LIKE $1`,
      [`%${code}%`],
    )) as Array<{ found: number }>;
    expect(found).toBe(0);
  });

  it('purges codes after their lifetime; WeChat then decides about a copy', async () => {
    const code = await wxLogin(t, persona('purged'));
    await t.http.post(LOGIN).send({ code }).expect(200);
    const key = codeHash(MINIPROGRAM.appid, code);
    await db.query(`UPDATE code_exchanges SET expires_at = now() - interval '1 second' WHERE code_hash = $1`, [key]);
    await t.app.get(CodeExchangeService).purge();
    expect(await db.query(`SELECT 1 FROM code_exchanges WHERE code_hash = $1`, [key])).toHaveLength(0);

    const response = await t.http.post(LOGIN).send({ code }).expect(409);
    expect(response.body.error).toBe('wechat_code_used');
  });

  it('releases waiting copies with the first arrival’s error when WeChat fails', async () => {
    const code = await wxLogin(t, persona('busy'));
    await t.http.post('/sandbox/faults').send({ path: JSCODE2SESSION, errcode: 40226 }).expect(204);
    const responses = await Promise.all(Array.from({ length: 4 }, () => t.http.post(LOGIN).send({ code })));
    expect(responses.map((response) => response.status)).toEqual(Array(4).fill(403));
    expect(responses.map((response) => response.body.error)).toEqual(Array(4).fill('wechat_user_blocked'));
  });

  it('lets a code whose first exchange failed for a passing reason be tried again once WeChat recovers', async () => {
    const code = await wxLogin(t, persona('retry'));
    await t.http.post('/sandbox/faults').send({ path: JSCODE2SESSION, errcode: -1, times: 3 }).expect(204);
    const busy = await t.http.post(LOGIN).send({ code }).expect(503);
    expect(busy.body.error).toBe('wechat_unavailable');

    const before = await upstreamCalls(t, JSCODE2SESSION);
    const retried = await t.http.post(LOGIN).send({ code }).expect(200);
    expect(retried.body.user.isNew).toBe(true);
    expect((await upstreamCalls(t, JSCODE2SESSION)) - before).toBe(1);
  });
});
