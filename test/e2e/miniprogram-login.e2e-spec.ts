import { stableId } from '../../src/sandbox/sandbox-world';
import { DataSource } from 'typeorm';
import { loginAs, MINIPROGRAM, persona, startTestApp, TestApp, unknownCode, upstreamCalls, wxLogin } from '../support/test-app';

const LOGIN = '/auth/wechat/miniprogram/login';
const JSCODE2SESSION = '/sns/jscode2session';

describe('Mini Program login (real app, real PostgreSQL, sandbox over HTTP)', () => {
  let t: TestApp;
  let db: DataSource;

  beforeAll(async () => {
    t = await startTestApp();
    db = t.app.get(DataSource);
  });
  afterAll(() => t.close());
  afterEach(() => t.http.delete('/sandbox/faults').expect(204));

  /** How many identity rows and distinct users the database holds for this openid of the Mini Program. */
  async function rowsFor(openid: string): Promise<{ identities: number; users: number }> {
    const rows = (await db.query(
      `SELECT count(*)::int AS identities, count(DISTINCT user_id)::int AS users
       FROM wechat_identities WHERE appid = $1 AND openid = $2`,
      [MINIPROGRAM.appid, openid],
    )) as Array<{ identities: number; users: number }>;
    return rows[0];
  }

  /** A login that failed left nothing behind: no identity, so no user and no session either. */
  async function expectNothingWritten(user: string): Promise<void> {
    const openid = stableId('o', `${MINIPROGRAM.appid}:${user}`);
    expect(await rowsFor(openid)).toEqual({ identities: 0, users: 0 });
  }

  it('creates a user on the first login and finds the same one on the next', async () => {
    const user = persona();
    const first = await loginAs(t, user);
    expect(first).toMatchObject({ tokenType: 'Bearer', expiresIn: 900, refreshExpiresIn: 2592000 });
    expect(first.user).toEqual({ id: expect.any(String), isNew: true, nickname: null, avatarUrl: null, roles: ['user'] });

    const second = await loginAs(t, user);
    expect(second.user.id).toBe(first.user.id);
    expect(second.user.isNew).toBe(false);
    expect(second.refreshToken).not.toBe(first.refreshToken);
    const me = await t.http.get('/auth/me').set('authorization', `Bearer ${second.accessToken}`).expect(200);
    expect(me.body.identities).toHaveLength(1);
    expect(await rowsFor(me.body.identities[0].openid)).toEqual({ identities: 1, users: 1 });
  });

  it('records a returning login on the user, on the identity, as a session and in the history', async () => {
    const user = persona();
    const first = await loginAs(t, user);
    const stamps = async () =>
      (
        (await db.query(
          `SELECT u.last_login_at AS user_login, i.last_login_at AS identity_login,
                  (SELECT count(*)::int FROM sessions s WHERE s.user_id = u.id) AS sessions,
                  (SELECT count(*)::int FROM login_events e WHERE e.user_id = u.id AND e.result = 'success') AS successes
           FROM users u JOIN wechat_identities i ON i.user_id = u.id WHERE u.id = $1`,
          [first.user.id],
        )) as Array<{ user_login: Date; identity_login: Date; sessions: number; successes: number }>
      )[0];
    const before = await stamps();
    await new Promise((resolve) => setTimeout(resolve, 20));

    const second = await loginAs(t, user);
    expect(second.user).toMatchObject({ id: first.user.id, isNew: false });
    const after = await stamps();
    expect(after.user_login.getTime()).toBeGreaterThan(before.user_login.getTime());
    expect(after.identity_login.getTime()).toBeGreaterThan(before.identity_login.getTime());
    expect({ sessions: after.sessions, successes: after.successes }).toEqual({ sessions: before.sessions + 1, successes: before.successes + 1 });
  });

  it('gives the rows of a first login ids that start with the time they were made (UUIDv7), so they land beside the newest rows', async () => {
    const before = Date.now();
    const login = await loginAs(t, persona());
    const after = Date.now();
    const [rows] = (await db.query(
      `SELECT u.id AS user_id, i.id AS identity_id, (SELECT array_agg(s.id) FROM sessions s WHERE s.user_id = u.id) AS session_ids,
              (SELECT array_agg(e.id) FROM login_events e WHERE e.user_id = u.id) AS event_ids
       FROM users u JOIN wechat_identities i ON i.user_id = u.id WHERE u.id = $1`,
      [login.user.id],
    )) as Array<{ user_id: string; identity_id: string; session_ids: string[]; event_ids: string[] }>;
    const ids = [rows.user_id, rows.identity_id, ...rows.session_ids, ...rows.event_ids];
    expect(ids).toHaveLength(4);
    for (const id of ids) {
      expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      const madeAt = parseInt(id.replace(/-/g, '').slice(0, 12), 16);
      expect(madeAt).toBeGreaterThanOrEqual(before - 1000);
      expect(madeAt).toBeLessThanOrEqual(after + 1000);
    }
  });

  it('answers token responses with Cache-Control: no-store and never a session_key', async () => {
    const code = await wxLogin(t, persona());
    const response = await t.http.post(LOGIN).send({ code, app: MINIPROGRAM.key }).expect(200);
    expect(response.headers['cache-control']).toBe('no-store');
    expect(response.text).not.toMatch(/session_?key/i);
    expect(response.text).not.toContain(MINIPROGRAM.secret);
  });

  it('refuses a code WeChat does not know with wechat_code_invalid', async () => {
    const response = await t.http.post(LOGIN).send({ code: unknownCode() }).expect(401);
    expect(response.body).toEqual({ statusCode: 401, error: 'wechat_code_invalid', message: expect.any(String) });
  });

  it('refuses a code WeChat says was used (40163) with wechat_code_used', async () => {
    const code = await wxLogin(t, persona());
    await t.http
      .get('/sandbox/sns/jscode2session')
      .query({ appid: MINIPROGRAM.appid, secret: MINIPROGRAM.secret, js_code: code, grant_type: 'authorization_code' })
      .expect(200);
    const response = await t.http.post(LOGIN).send({ code }).expect(409);
    expect(response.body.error).toBe('wechat_code_used');
  });

  it('refuses a code older than five minutes with wechat_code_invalid', async () => {
    const code = await wxLogin(t, persona());
    await t.http.post('/sandbox/clock').send({ advanceSeconds: 301 }).expect(204);
    const response = await t.http.post(LOGIN).send({ code }).expect(401);
    expect(response.body.error).toBe('wechat_code_invalid');
  });

  it('refuses an app key that names no Mini Program', async () => {
    const code = await wxLogin(t, persona());
    const unknown = await t.http.post(LOGIN).send({ code, app: 'no-such-app' }).expect(404);
    expect(unknown.body.error).toBe('unknown_app');
    const wrongType = await t.http.post(LOGIN).send({ code, app: 'demo-official-account' }).expect(404);
    expect(wrongType.body.error).toBe('unknown_app');
  });

  it('retries when WeChat is busy (-1) and succeeds once it recovers', async () => {
    const code = await wxLogin(t, persona());
    await t.http.post('/sandbox/faults').send({ path: JSCODE2SESSION, errcode: -1, times: 2 }).expect(204);
    const before = await upstreamCalls(t, JSCODE2SESSION);
    await t.http.post(LOGIN).send({ code }).expect(200);
    expect((await upstreamCalls(t, JSCODE2SESSION)) - before).toBe(3);
  });

  it('gives up after bounded retries with wechat_unavailable, leaving nothing half-written', async () => {
    const user = persona();
    const code = await wxLogin(t, user);
    await t.http.post('/sandbox/faults').send({ path: JSCODE2SESSION, errcode: -1, times: 10 }).expect(204);
    const before = await upstreamCalls(t, JSCODE2SESSION);
    const response = await t.http.post(LOGIN).send({ code }).expect(503);
    expect(response.body.error).toBe('wechat_unavailable');
    expect((await upstreamCalls(t, JSCODE2SESSION)) - before).toBe(3);
    await expectNothingWritten(user);
  });

  it('answers wechat_unavailable when WeChat does not answer in time, without retrying the spent code', async () => {
    const code = await wxLogin(t, persona());
    await t.http.post('/sandbox/faults').send({ path: JSCODE2SESSION, delayMs: 1500 }).expect(204);
    const before = await upstreamCalls(t, JSCODE2SESSION);
    const response = await t.http.post(LOGIN).send({ code }).expect(503);
    expect(response.body.error).toBe('wechat_unavailable');
    expect((await upstreamCalls(t, JSCODE2SESSION)) - before).toBe(1);
  });

  it.each([
    ['an HTML error page', { httpStatus: 502, body: '<html><body>502 Bad Gateway</body></html>', times: 5 }],
    ['malformed JSON', { httpStatus: 200, body: '{"openid": ', times: 1 }],
    ['a JSON answer without openid', { httpStatus: 200, body: '{"hello":"world"}', times: 1 }],
  ])('answers wechat_unavailable when WeChat sends %s, leaving nothing half-written', async (_label, fault) => {
    const user = persona();
    const code = await wxLogin(t, user);
    await t.http.post('/sandbox/faults').send({ path: JSCODE2SESSION, ...fault }).expect(204);
    const response = await t.http.post(LOGIN).send({ code }).expect(503);
    expect(response.body).toEqual({ statusCode: 503, error: 'wechat_unavailable', message: expect.any(String) });
    await expectNothingWritten(user);
  });

  it.each([
    [40226, 403, 'wechat_user_blocked'],
    [45011, 429, 'wechat_rate_limited'],
    [40125, 500, 'wechat_misconfigured'],
  ])('maps WeChat errcode %i to %i %s', async (errcode, status, error) => {
    const code = await wxLogin(t, persona());
    await t.http.post('/sandbox/faults').send({ path: JSCODE2SESSION, errcode }).expect(204);
    const response = await t.http.post(LOGIN).send({ code }).expect(status);
    expect(response.body.error).toBe(error);
    expect(response.text).not.toContain(MINIPROGRAM.secret);
  });

  it.each([
    ['no body', undefined],
    ['an empty object', {}],
    ['a number code', { code: 12345678 }],
    ['an array', [{ code: 'AAAAAAAAAAAA' }]],
    ['a code with spaces and symbols', { code: 'abc def&x=1#' }],
    ['a too short code', { code: 'abc' }],
    ['a too long code', { code: 'a'.repeat(129) }],
    ['an unknown field', { code: 'AAAAAAAAAAAAAAAA', openid: 'oForgedOpenid' }],
    ['an app key of the wrong shape', { code: 'AAAAAAAAAAAAAAAA', app: '../../etc' }],
  ])('refuses %s with invalid_request before calling WeChat', async (_label, body) => {
    const before = await upstreamCalls(t, JSCODE2SESSION);
    const call = t.http.post(LOGIN);
    const response = await (body === undefined ? call : call.send(body as object)).expect(400);
    expect(response.body).toEqual({ statusCode: 400, error: 'invalid_request', message: expect.any(String) });
    expect(await upstreamCalls(t, JSCODE2SESSION)).toBe(before);
  });

  it('refuses a body that is not JSON', async () => {
    const response = await t.http.post(LOGIN).set('content-type', 'application/json').send('{"code": "abc').expect(400);
    expect(response.body.error).toBe('invalid_request');
  });

  it('refuses a body over 64 KiB with 413', async () => {
    const response = await t.http.post(LOGIN).send({ code: 'A'.repeat(70 * 1024) }).expect(413);
    expect(response.body).toEqual({ statusCode: 413, error: 'payload_too_large', message: expect.any(String) });
  });
});
